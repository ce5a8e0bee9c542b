import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Each test file gets its own database, cloned from the template that `scripts/test.ts` migrated
 * (CREATE DATABASE … TEMPLATE is a file copy: ~50 ms). Real PostgreSQL, no mocks, no shared state.
 */
export type TestDb = { url: string; drop(): Promise<void> };

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run tests with \`npm test\` (scripts/test.ts prepares the database).`);
  return v;
}

export async function createTestDb(): Promise<TestDb> {
  const adminUrl = env('PASSERELLE_TEST_ADMIN_URL');
  const template = env('PASSERELLE_TEST_TEMPLATE');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
