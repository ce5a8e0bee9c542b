import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig, type Config } from '../../src/config/config.ts';
import { allJobs, allRoutes } from '../../src/modules/index.ts';
import type { Deps } from '../../src/platform/context.ts';
import { SecretBox } from '../../src/platform/crypto.ts';
import { createDb } from '../../src/platform/db.ts';
import { buildHttpApp, type App } from '../../src/platform/http.ts';
import { Jobs } from '../../src/platform/jobs.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { Mailer } from '../../src/platform/mail.ts';
import { Realtime } from '../../src/platform/realtime.ts';
import { createTestDb, type TestDb } from './db.ts';

/** A settable clock for tests: time is injected, never mocked globally. */
export class TestClock {
  now: Date;
  constructor(start = new Date('2026-03-10T09:00:00Z')) {
    this.now = start;
  }
  advance(ms: number): void {
    this.now = new Date(this.now.getTime() + ms);
  }
  fn = (): Date => this.now;
}

/** A route as registered by the modules (HEAD twins of GET routes left out). */
export type RouteInfo = { method: string; url: string; auth: 'public' | 'user' | 'workspace' };

/**
 * `routes`: every route the modules registered, collected at registration (so tests can require that
 * each one is covered). `logs`: the log lines written, when started with `captureLogs: true`.
 */
export type TestApp = { app: App; deps: Deps; db: TestDb; clock: TestClock; routes: RouteInfo[]; logs: string[]; close(): Promise<void> };

/** A plugin that is not encapsulated (skip-override), so its onRoute hook sees the routes registered after it. */
function routeCollector(into: RouteInfo[]) {
  const plugin = async (app: App) => {
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method === 'HEAD') continue;
        into.push({ method, url: route.url, auth: (route.config as { auth?: RouteInfo['auth'] } | undefined)?.auth ?? 'public' });
      }
    });
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

/**
 * The real HTTP app and services on a fresh database. `work: true` also runs the job workers;
 * `listen: true` starts the realtime listener (for SSE tests).
 */
export async function startTestApp(opts: { env?: Record<string, string>; work?: boolean; listen?: boolean; clock?: TestClock; captureLogs?: boolean } = {}): Promise<TestApp> {
  const db = await createTestDb();
  const config: Config = loadConfig({
    PASSERELLE_DATA_DIR: path.join(os.tmpdir(), `passerelle-test-${randomBytes(4).toString('hex')}`),
    PASSERELLE_PUBLIC_URL: 'http://passerelle.test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PASSERELLE_BLUESKY_JETSTREAM_URL: 'off', // never the public Jetstream from a test
    ...opts.env,
  });
  const logs: string[] = [];
  const log = opts.captureLogs ? createLogger(config.logLevel, { write: (line: string) => { logs.push(line); } }) : createLogger(config.logLevel);
  const { pool, db: drizzleDb } = createDb(db.url, { max: 10 });
  const clock = opts.clock ?? new TestClock();
  const mail = new Mailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, log });
  const realtime = new Realtime(db.url, log);
  const jobs = new Jobs(db.url, log, allJobs());
  const deps: Deps = { config, db: drizzleDb, box: new SecretBox(randomBytes(32)), mail, jobs, realtime, log, clock: clock.fn };
  await jobs.start();
  if (opts.work) await jobs.work(deps);
  if (opts.listen) await realtime.listen();
  const routes: RouteInfo[] = [];
  const app = await buildHttpApp(deps, { routes: [routeCollector(routes), ...allRoutes(deps)], webDir: null, isReady: () => true });
  await app.ready();
  return {
    app, deps, db, clock, routes, logs,
    async close() {
      await app.close();
      await realtime.close();
      await jobs.stop(2000);
      mail.close();
      await pool.end();
      await db.drop();
    },
  };
}

/** A tiny HTTP client over `app.inject` that keeps the session cookie, like a browser. */
export class Client {
  cookie: string | null = null;
  bearer: string | null = null;
  readonly app: App;
  constructor(app: App) {
    this.app = app;
  }

  async request(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse & { data: any }> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (body !== undefined) h['content-type'] ??= 'application/json';
    const res = await this.app.inject({ method: method as 'GET', url, headers: h, payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const setCookie = res.cookies.find((c) => c.name === 'psl_session');
    if (setCookie) this.cookie = setCookie.value ? `psl_session=${setCookie.value}` : null;
    let data: any = null;
    try {
      data = res.body ? JSON.parse(res.body) : null;
    } catch {
      data = res.body;
    }
    return Object.assign(res, { data });
  }
  get(url: string) { return this.request('GET', url); }
  post(url: string, body?: unknown) { return this.request('POST', url, body); }
  patch(url: string, body?: unknown) { return this.request('PATCH', url, body); }
  delete(url: string) { return this.request('DELETE', url); }
}
