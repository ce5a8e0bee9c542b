import { eq } from 'drizzle-orm';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicUrl, type Config } from '../config/config.ts';
import { instance } from '../db/schema/index.ts';
import { allJobs, allRoutes, allWorkers } from '../modules/index.ts';
import type { Deps } from './context.ts';
import { loadSecretBox, type SecretBox } from './crypto.ts';
import { createDb, runMigrations, type Db } from './db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './embedded-pg.ts';
import { buildHttpApp, type App } from './http.ts';
import { Jobs } from './jobs.ts';
import type { Logger } from './logger.ts';
import { Mailer } from './mail.ts';
import { Realtime } from './realtime.ts';

/**
 * Boots Passerelle in one of its roles and returns a handle that shuts it down in order:
 * HTTP (in-flight requests finish, event streams end) → workers (running jobs finish or are released)
 * → connections → embedded PostgreSQL.
 */
export type Role = 'start' | 'web' | 'worker';
export type Running = { url: string | null; deps: Deps; app: App | null; stop(): Promise<void> };

export const WEB_DIR = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Starts the embedded server when there is no DATABASE_URL (the `start` role only); returns the URL to use. */
export async function resolveDatabase(config: Config, role: Role | 'migrate', log: Logger): Promise<{ url: string; embedded: EmbeddedPg | null }> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: null };
  if (role === 'web' || role === 'worker') {
    throw new Error(`passerelle ${role} runs against an external PostgreSQL: set DATABASE_URL (use \`passerelle start\` for the all-in-one with its embedded database).`);
  }
  const started = Date.now();
  const embedded = await startEmbeddedPostgres(path.join(config.dataDir), (m) => log.warn(m));
  log.info({ ms: Date.now() - started, dataDir: config.dataDir }, 'embedded PostgreSQL started');
  return { url: embedded.url, embedded };
}

/** Refuses to run with a key other than the one that encrypted the stored credentials. */
export async function checkSecretKey(db: Db, box: SecretBox): Promise<void> {
  const [row] = await db.select().from(instance).where(eq(instance.id, 1));
  if (!row) {
    await db.insert(instance).values({ id: 1, keyCheck: box.encrypt('passerelle', 'instance') }).onConflictDoNothing();
    return;
  }
  try {
    box.decrypt(row.keyCheck, 'instance');
  } catch {
    throw new Error('The encryption key differs from the one this database was set up with: set PASSERELLE_SECRET_KEY (or restore data/secret.key) to the original key.');
  }
}

export async function boot(config: Config, role: Role, log: Logger): Promise<Running> {
  const { url, embedded } = await resolveDatabase(config, role, log);
  const cleanups: (() => Promise<void> | void)[] = [];
  if (embedded) cleanups.push(() => embedded.stop());
  try {
    const applied = await runMigrations(url);
    if (applied > 0) log.info({ applied }, 'database migrations applied');
    const { pool, db } = createDb(url, { max: role === 'worker' ? config.workerConcurrency + 4 : 20, applicationName: `passerelle-${role}` });
    cleanups.unshift(() => pool.end());
    const box = loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir });
    await checkSecretKey(db, box);
    const mail = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
    cleanups.unshift(() => mail.close());
    const realtime = new Realtime(url, log);
    const jobs = new Jobs(url, log, allJobs());
    const deps: Deps = { config, db, box, mail, jobs, realtime, log, clock: () => new Date() };
    await jobs.start();
    cleanups.unshift(() => jobs.stop());
    if (role !== 'web') {
      await jobs.work(deps);
      // Module workers (the publishing scheduler…) stop before the job queue, after HTTP.
      for (const worker of allWorkers(deps)) {
        await worker.start();
        cleanups.unshift(() => worker.stop());
      }
    }

    let app: App | null = null;
    let ready = false;
    let address: string | null = null;
    if (role !== 'worker') {
      await realtime.listen();
      cleanups.unshift(() => realtime.close());
      app = await buildHttpApp(deps, { routes: allRoutes(deps), webDir: WEB_DIR, isReady: () => ready });
      await app.listen({ port: config.port, host: config.host });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      address = config.publicUrl ?? `http://localhost:${port}`;
      cleanups.unshift(() => app!.close());
    }
    ready = true;
    let stopping: Promise<void> | null = null;
    return {
      url: address, deps, app,
      stop() {
        ready = false;
        stopping ??= runCleanups(cleanups, log);
        return stopping;
      },
    };
  } catch (err) {
    await runCleanups(cleanups, log);
    throw err;
  }
}

async function runCleanups(cleanups: (() => Promise<void> | void)[], log: Logger): Promise<void> {
  for (const fn of cleanups) {
    try {
      await fn();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'error during shutdown');
    }
  }
}

export { publicUrl };
