/**
 * `npm test`: the whole suite against a real PostgreSQL.
 *
 * 1. Database: `DATABASE_URL` when set (the role needs CREATEDB), else an embedded PostgreSQL in a
 *    temporary directory, started once for the run.
 * 2. A template database gets the migrations and pg-boss's schema; every test file clones it.
 * 3. Unit and integration tests (`src/**`, `scripts/**`, `test/integration/**`), then browser tests
 *    (`test/e2e/**`, which start the app the way `npm start` does).
 *
 * `npm test -- <files…>` runs only those files; `--no-e2e` skips the browser tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PgBoss } from 'pg-boss';
import pg from 'pg';
import { runMigrations } from '../src/platform/db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from '../src/platform/embedded-pg.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const skipE2e = args.includes('--no-e2e');
const only = args.filter((a) => !a.startsWith('--'));

function find(patterns: string[]): string[] {
  return patterns.flatMap((p) => fs.globSync(p, { cwd: root })).filter((f) => !f.includes('node_modules')).sort();
}

async function prepareTemplate(adminUrl: string): Promise<string> {
  const template = `passerelle_test_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  await runMigrations(url.toString());
  const boss = new PgBoss({ connectionString: url.toString() });
  boss.on('error', () => {});
  await boss.start();
  await boss.stop({ graceful: false, close: true });
  return template;
}

function run(files: string[], concurrency: number, env: NodeJS.ProcessEnv): Promise<number> {
  if (files.length === 0) return Promise.resolve(0);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

async function main(): Promise<number> {
  let embedded: EmbeddedPg | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-testdb-'));
    const started = Date.now();
    embedded = await startEmbeddedPostgres(dir, (m) => console.error(m));
    adminUrl = embedded.url;
    // The server runs in its own process group (so a terminal's Ctrl-C does not reach it): stop it
    // ourselves when the run is interrupted, or it would outlive us.
    const server = embedded;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => void server.stop().finally(() => process.exit(130)));
    }
    console.log(`Embedded PostgreSQL for tests ready in ${Date.now() - started} ms (${dir}).`);
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  } else {
    console.log('Tests use DATABASE_URL.');
  }
  let template: string | null = null;
  try {
    template = await prepareTemplate(adminUrl);
    const env: NodeJS.ProcessEnv = { ...process.env, PASSERELLE_TEST_ADMIN_URL: adminUrl, PASSERELLE_TEST_TEMPLATE: template };
    // Browser tests start their own Passerelle (embedded database, like `npm start`): do not leak ours.
    delete env.DATABASE_URL;
    if (process.env.DATABASE_URL) env.PASSERELLE_E2E_DATABASE_URL = process.env.DATABASE_URL;
    const unitFiles = only.length ? only.filter((f) => !f.includes('test/e2e/')) : find(['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/integration/**/*.test.ts']);
    const e2eFiles = skipE2e ? [] : only.length ? only.filter((f) => f.includes('test/e2e/')) : find(['test/e2e/**/*.test.ts']);
    const unit = await run(unitFiles, Math.max(1, Math.min(2, os.availableParallelism())), env);
    const e2e = await run(e2eFiles, 1, env);
    const failed = unit !== 0 || e2e !== 0;
    console.log(failed ? `\nTests FAILED (unit/integration exit ${unit}, browser exit ${e2e}).` : '\nAll tests passed.');
    return failed ? 1 : 0;
  } finally {
    if (template) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect().then(() => admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`)).catch(() => {}).finally(() => admin.end());
    }
    await embedded?.stop();
  }
}

main().then((code) => process.exit(code), (err) => {
  console.error(err);
  process.exit(1);
});
