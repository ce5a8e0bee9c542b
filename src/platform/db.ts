import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from '../db/schema/index.ts';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle: same query API as {@link Db}. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../db/migrations', import.meta.url));

/** A pooled connection to PostgreSQL and the Drizzle handle over it. */
export function createDb(url: string, opts: { max?: number; applicationName?: string } = {}): { pool: pg.Pool; db: Db } {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, application_name: opts.applicationName ?? 'passerelle' });
  // An idle client erroring (e.g. the server restarting) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return { pool, db: drizzle(pool, { schema }) };
}

/** Arbitrary but fixed: serialises migrations when several processes start together. */
const MIGRATION_LOCK = 0x7061_7373; // "pass"

/** Applies pending migrations, one process at a time (advisory lock), and returns how many ran. */
export async function runMigrations(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url, application_name: 'passerelle-migrate' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const before = await countApplied(client);
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    return (await countApplied(client)) - before;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}

async function countApplied(client: pg.Client): Promise<number> {
  const res = await client.query(
    `SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
  );
  if (!res.rows[0]?.present) return 0;
  const count = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
  return count.rows[0].n as number;
}
