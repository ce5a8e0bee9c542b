/**
 * Scheduler benchmark: 10,000 variants over 100 Mastodon channels, all due at the same instant, published
 * by worker processes running the real scheduler and the real Mastodon connector against a local
 * network emulator (in this process) that speaks enough of Mastodon's API: statuses with
 * Idempotency-Key, a per-account rate limit answering 429 with X-RateLimit-Reset, a small random share of
 * answers slower than the client timeout (the post is made, the answer comes too late), and the
 * account's statuses + sources for reconciliation.
 *
 * Runs: 1 worker; 2 workers; 2 workers with one SIGKILLed mid-run and restarted. Each run gets a
 * scratch database on the machine's PostgreSQL (DATABASE_URL or postgres://postgres@127.0.0.1:5432).
 * Writes bench/results/scheduler.json.
 *
 * Lateness "beyond what rate limits impose": the k-th post the emulator accepted for a channel could
 * not have been accepted before T + floor(k / L) × W (T = due time = start of the first window, L posts
 * per window of W ms); lateness = acceptance time − that bound.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
const VARIANTS = Number(process.env.BENCH_VARIANTS ?? 10_000);
const CHANNELS = Number(process.env.BENCH_CHANNELS ?? 100);
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 2_000);
const PER_WINDOW = Number(process.env.BENCH_PER_WINDOW ?? 2);
const SLOW_SHARE = Number(process.env.BENCH_SLOW_SHARE ?? 0.005);
const TIMEOUT_MS = 2_000;
const SECRET = randomBytes(32).toString('base64');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------
// Worker mode: one process running the scheduler, like `passerelle worker` (its jobs queue included).

async function workerMain(): Promise<void> {
  const { loadConfig } = await import('../src/config/config.ts');
  const { createDb } = await import('../src/platform/db.ts');
  const { loadSecretBox } = await import('../src/platform/crypto.ts');
  const { createLogger } = await import('../src/platform/logger.ts');
  const { Mailer } = await import('../src/platform/mail.ts');
  const { Realtime } = await import('../src/platform/realtime.ts');
  const { Jobs } = await import('../src/platform/jobs.ts');
  const { allJobs } = await import('../src/modules/index.ts');
  const { Scheduler } = await import('../src/modules/publishing/index.ts');
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const url = config.databaseUrl!;
  const { pool, db } = createDb(url, { max: 16, applicationName: 'bench-worker' });
  const box = loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir });
  const mail = new Mailer({ smtpUrl: undefined, from: config.mailFrom, log });
  const realtime = new Realtime(url, log);
  const jobs = new Jobs(url, log, allJobs());
  await jobs.start();
  const deps = { config, db, box, mail, jobs, realtime, log, clock: () => new Date() };
  const scheduler = new Scheduler(deps, {
    publishTimeoutMs: TIMEOUT_MS, reconcileDelayMs: 2_000, heartbeatEveryMs: 1_000, heartbeatStaleMs: 5_000, idlePollMs: 200, concurrency: 32, batchSize: 50,
  });
  await scheduler.start({ listen: true });
  process.send?.({ ready: true });
  process.on('SIGTERM', () => {
    void (async () => {
      await scheduler.stop();
      await jobs.stop(1000);
      await pool.end();
      process.exit(0);
    })();
  });
}

// ---------------------------------------------------------------------------------------------------
// The network emulator.

type Status = { id: string; accountId: string; text: string; createdAt: number; key: string | null; inReplyTo: string | null };

class Emulator {
  url = '';
  server: http.Server | null = null;
  t0 = 0;
  nextId = 1n;
  readonly tokens = new Map<string, string>();
  readonly statuses = new Map<string, Status>();
  readonly byAccount = new Map<string, Status[]>();
  readonly idem = new Map<string, string>();
  readonly windowCount = new Map<string, number>();
  readonly slowIds = new Set<string>();
  requests = 0;
  rateLimited = 0;

  reset(t0: number): void {
    this.t0 = t0;
    this.statuses.clear();
    this.byAccount.clear();
    this.idem.clear();
    this.windowCount.clear();
    this.slowIds.clear();
    this.requests = 0;
    this.rateLimited = 0;
  }

  account(): { id: string; token: string } {
    const id = String(this.nextId++);
    const token = `tok-${id}-${randomBytes(6).toString('hex')}`;
    this.tokens.set(token, id);
    return { id, token };
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  private json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers }).end(text);
  }

  private statusJson(s: Status) {
    return {
      id: s.id, uri: `${this.url}/statuses/${s.id}`, url: `${this.url}/@a${s.accountId}/${s.id}`, created_at: new Date(s.createdAt).toISOString(),
      content: `<p>${s.text}</p>`, in_reply_to_id: s.inReplyTo, account: { id: s.accountId }, replies_count: 0, reblogs_count: 0, favourites_count: 0,
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    this.requests++;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const accountId = this.tokens.get(String(req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!accountId) return this.json(res, 401, { error: 'The access token is invalid' });
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && url.pathname === '/api/v1/statuses') {
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      const replay = key ? this.idem.get(`${accountId}:${key}`) : undefined;
      if (replay) return this.json(res, 200, this.statusJson(this.statuses.get(replay)!));
      const now = Date.now();
      const window = Math.max(0, Math.floor((now - this.t0) / WINDOW_MS));
      const wkey = `${accountId}:${window}`;
      const used = this.windowCount.get(wkey) ?? 0;
      const resetAt = new Date(this.t0 + (window + 1) * WINDOW_MS).toISOString();
      if (used >= PER_WINDOW) {
        this.rateLimited++;
        return this.json(res, 429, { error: 'Too many requests' }, { 'x-ratelimit-limit': String(PER_WINDOW), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': resetAt });
      }
      this.windowCount.set(wkey, used + 1);
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { status: string; in_reply_to_id?: string };
      const s: Status = { id: String(this.nextId++), accountId, text: body.status, createdAt: now, key, inReplyTo: body.in_reply_to_id ?? null };
      this.statuses.set(s.id, s);
      this.byAccount.set(accountId, [...(this.byAccount.get(accountId) ?? []), s]);
      if (key) this.idem.set(`${accountId}:${key}`, s.id);
      const headers = { 'x-ratelimit-limit': String(PER_WINDOW), 'x-ratelimit-remaining': String(PER_WINDOW - used - 1), 'x-ratelimit-reset': resetAt };
      if (Math.random() < SLOW_SHARE) {
        // The post is made; the answer comes after the client gave up.
        this.slowIds.add(s.id);
        await sleep(TIMEOUT_MS + 1000);
      }
      if (!res.destroyed) this.json(res, 200, this.statusJson(s), headers);
      return;
    }
    if (req.method === 'GET' && (m = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(url.pathname))) {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const maxId = url.searchParams.get('max_id');
      const list = [...(this.byAccount.get(m[1]!) ?? [])].reverse().filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId)).slice(0, limit);
      return this.json(res, 200, list.map((s) => this.statusJson(s)));
    }
    if (req.method === 'GET' && (m = /^\/api\/v1\/statuses\/([^/]+)\/source$/.exec(url.pathname))) {
      const s = this.statuses.get(m[1]!);
      if (!s || s.accountId !== accountId) return this.json(res, 404, { error: 'Record not found' });
      return this.json(res, 200, { id: s.id, text: s.text, spoiler_text: '' });
    }
    return this.json(res, 404, { error: 'Record not found' });
  }
}

// ---------------------------------------------------------------------------------------------------
// One run.

type RunResult = {
  variants: number; published: number; duplicates: number; lost: number; unknown: number; reconciled: number; flagged: number;
  lateness_ms: { p50: number; p99: number; max: number }; drain_s: number; workers: number; killed: boolean; rate_limited_answers: number; slow_answers: number; flagged_reasons?: Record<string, number>;
};

function adminUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl() });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function startWorker(dbUrl: string, dataDir: string): Promise<ChildProcess> {
  const child = fork(path.join(root, 'bench/scheduler.ts'), ['--worker'], {
    env: {
      ...process.env, DATABASE_URL: dbUrl, PASSERELLE_SECRET_KEY: SECRET, PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_DATA_DIR: dataDir,
      PASSERELLE_PUBLISH_GRACE_MINUTES: '60', LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  });
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before being ready`)));
  });
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : 0);

async function run(emulator: Emulator, opts: { workers: number; kill: boolean }): Promise<RunResult> {
  const dbName = `passerelle_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${dbName}`));
  const u = new URL(adminUrl());
  u.pathname = `/${dbName}`;
  const dbUrl = u.toString();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'passerelle-bench-sched-'));
  const children: ChildProcess[] = [];
  const client = new pg.Client({ connectionString: dbUrl });
  try {
    const { runMigrations } = await import('../src/platform/db.ts');
    await runMigrations(dbUrl);
    const { SecretBox, parseKey } = await import('../src/platform/crypto.ts');
    const box = new SecretBox(parseKey(SECRET));
    const { mastodonLimits } = await import('../test/support/factories.publishing.ts');
    await client.connect();
    const ws = (await client.query(`INSERT INTO workspaces (name, timezone, language) VALUES ('Bench', 'Europe/Paris', 'fr') RETURNING id`)).rows[0].id as string;
    await client.query(`INSERT INTO instance (id, key_check) VALUES (1, $1)`, [box.encrypt('passerelle', 'instance')]);
    const channelIds: string[] = [];
    for (let i = 0; i < CHANNELS; i++) {
      const acc = emulator.account();
      const id = randomUUID();
      const creds = { instanceUrl: emulator.url, accessToken: acc.token, accountId: acc.id, clientId: 'bench', clientSecret: 'bench' };
      await client.query(`INSERT INTO channels (id, workspace_id, network, remote_id, handle, credentials_sealed, limits) VALUES ($1, $2, 'mastodon', $3, $4, $5, $6)`,
        [id, ws, acc.id, `bench${i}@emulator`, box.seal(creds, `channel:${id}`), JSON.stringify(mastodonLimits(500))]);
      channelIds.push(id);
    }
    for (let w = 0; w < opts.workers; w++) children.push(await startWorker(dbUrl, dataDir));
    // Due a little after the workers are up, all at the same instant (the emulator's first window).
    const due = Date.now() + 3000;
    const rows: string[] = [];
    const params: unknown[] = [];
    const postIds = Array.from({ length: VARIANTS }, () => randomUUID());
    for (let i = 0; i < VARIANTS; i += 1000) {
      const slice = postIds.slice(i, i + 1000);
      await client.query(`INSERT INTO posts (id, workspace_id, title) SELECT unnest($1::uuid[]), $2, 'bench'`, [slice, ws]);
    }
    void rows; void params;
    for (let i = 0; i < VARIANTS; i += 1000) {
      const slice = postIds.slice(i, i + 1000);
      await client.query(`INSERT INTO post_variants (workspace_id, post_id, channel_id, text, state, due_at, schedule_version)
        SELECT $1, p, ($2::uuid[])[(ord - 1) % $3 + 1], 'Bench post ' || p::text, 'scheduled', $4, 1 FROM unnest($5::uuid[]) WITH ORDINALITY AS t(p, ord)`,
        [ws, channelIds, CHANNELS, new Date(due), slice]);
    }
    emulator.reset(due);
    await client.query(`SELECT pg_notify('passerelle_scheduler', '')`);
    let killedAt: number | null = null;
    let finishedAt = 0;
    const deadline = due + 400_000;
    for (;;) {
      await sleep(100);
      if (opts.kill && killedAt === null && emulator.statuses.size >= VARIANTS * 0.3) {
        killedAt = Date.now();
        children[0]!.kill('SIGKILL');
        await sleep(1000);
        children[0] = await startWorker(dbUrl, dataDir);
      }
      const r = await client.query(`SELECT count(*) FILTER (WHERE state IN ('published','failed') OR (state = 'unknown' AND error_code = 'needs_decision'))::int AS done FROM post_variants`);
      if (r.rows[0].done >= VARIANTS) { finishedAt = Date.now(); break; }
      if (Date.now() > deadline) { finishedAt = Date.now(); break; }
    }
    const db = (await client.query(`SELECT id, state, remote_id, unknown_at IS NOT NULL AS was_unknown, error_code FROM post_variants`)).rows as { id: string; state: string; remote_id: string | null; was_unknown: boolean; error_code: string | null }[];
    const flaggedReasons: Record<string, number> = {};
    // What the network received, per variant (the idempotency key is "<variant id>:<version>:<part>").
    const perVariant = new Map<string, Status[]>();
    for (const s of emulator.statuses.values()) {
      const vid = s.key?.split(':')[0] ?? 'none';
      perVariant.set(vid, [...(perVariant.get(vid) ?? []), s]);
    }
    let published = 0; let lost = 0; let flagged = 0; let unknown = 0; let reconciled = 0;
    for (const v of db) {
      const remote = perVariant.get(v.id) ?? [];
      if (v.was_unknown) unknown++;
      if (v.state === 'published' && remote.length > 0 && remote.some((s) => s.id === v.remote_id)) {
        published++;
        if (v.was_unknown) reconciled++;
      } else if (v.state === 'failed' || v.state === 'unknown') {
        flagged++;
        const why = `${v.state}:${v.error_code ?? ''}`;
        flaggedReasons[why] = (flaggedReasons[why] ?? 0) + 1;
      }
      else lost++;
    }
    const duplicates = [...perVariant.entries()].filter(([k, list]) => k !== 'none' && list.length > 1).reduce((a, [, list]) => a + list.length - 1, 0);
    // Lateness beyond the rate limit: k-th accepted post of a channel ≥ T + floor(k / L) × W.
    const lateness: number[] = [];
    for (const list of emulator.byAccount.values()) {
      const sorted = [...list].sort((a, b) => a.createdAt - b.createdAt);
      sorted.forEach((s, k) => lateness.push(Math.max(0, s.createdAt - (due + Math.floor(k / PER_WINDOW) * WINDOW_MS))));
    }
    lateness.sort((a, b) => a - b);
    if (process.env.BENCH_DEBUG) {
      const buckets = new Map<number, number>();
      for (const st of emulator.statuses.values()) buckets.set(Math.floor((st.createdAt - due) / 500), (buckets.get(Math.floor((st.createdAt - due) / 500)) ?? 0) + 1);
      console.log('accepted per 500 ms since due:', [...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([k, n]) => `${k * 0.5}s:${n}`).join(' '));
    }
    return {
      variants: VARIANTS, published, duplicates, lost, unknown, reconciled, flagged,
      lateness_ms: { p50: Math.round(pct(lateness, 50)), p99: Math.round(pct(lateness, 99)), max: Math.round(lateness.at(-1) ?? 0) },
      drain_s: +((finishedAt - due) / 1000).toFixed(2), workers: opts.workers, killed: opts.kill,
      rate_limited_answers: emulator.rateLimited, slow_answers: emulator.slowIds.size, flagged_reasons: flaggedReasons,
    };
  } finally {
    for (const c of children) c.kill(process.env.BENCH_PROFILE ? 'SIGTERM' : 'SIGKILL');
    if (process.env.BENCH_PROFILE) await sleep(3000);
    await client.end().catch(() => {});
    await sleep(300);
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const emulator = new Emulator();
  await emulator.start();
  try {
    const only = process.argv.slice(2).find((a) => a.startsWith('--only='))?.slice(7);
    const results: Record<string, RunResult> = {};
    for (const [name, opts] of [['workers_1', { workers: 1, kill: false }], ['workers_2', { workers: 2, kill: false }], ['kill', { workers: 2, kill: true }]] as const) {
      if (only && only !== name) continue;
      const r = await run(emulator, opts);
      console.log(name, JSON.stringify(r));
      results[name] = r;
    }
    const main = results.kill ?? results.workers_2 ?? results.workers_1!;
    const out = {
      benchmark: 'scheduler',
      ...main,
      scaling: { workers_1: results.workers_1 ?? null, workers_2: results.workers_2 ?? null },
      setup: {
        channels: CHANNELS, rate_limit: `${PER_WINDOW} posts per ${WINDOW_MS / 1000} s window per account (429 with X-RateLimit-Reset past it)`,
        slow_share: SLOW_SHARE, client_timeout_ms: TIMEOUT_MS, kill: 'worker 1 SIGKILLed once 30 % of the posts were made, restarted 1 s later',
        machine: { cpus: os.availableParallelism(), memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      },
      at: new Date().toISOString(),
    };
    if (!only) fs.writeFileSync(path.join(root, 'bench/results/scheduler.json'), JSON.stringify(out, null, 2) + '\n');
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await emulator.stop();
  }
}

if (process.argv.includes('--worker')) await workerMain();
else await main();
