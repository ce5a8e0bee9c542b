/**
 * Inbox benchmark: 1,000,000 messages over 50 channels and 200,000 conversations, ingested through
 * `ingestInteractions` (the function the poll job calls), then p50/p95 latency of the inbox's queries
 * with the SQL the service runs (the same builders). Uses the machine's PostgreSQL
 * (`BENCH_DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/postgres): a scratch database is
 * created and dropped at the end. Texts come from ../shared/data/nlp (French and English tweets).
 *
 * BENCH_MESSAGES (default 1e6), BENCH_CLASSIFIED (messages ingested with classification, default all),
 * BENCH_PAGES_IN_FLIGHT (pages ingested at once, default 2 like the poll job), BENCH_RUNS (iterations per query, default 200), BENCH_CLASSIFY_WORKERS (classification worker threads;
 * default one per core, at most 2), BENCH_LOG=1 (log every statement's duration in the server log, to see where
 * ingest spends its time), BENCH_KEEP_DB=1 (keep the scratch database for experiments). Writes bench/results/inbox.json.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../src/config/config.ts';
import type { Interaction } from '../src/connectors/connector.ts';
import { channels, members, users, workspaces } from '../src/db/schema/index.ts';
import { ingestInteractions } from '../src/modules/inbox/ingest.service.ts';
import { classifyWorkers, setClassifyWorkers } from '../src/modules/inbox/message.classify.ts';
import { compactStatusCountsSql, conversationMessagesSql, countsSql, decodeCursor, listSql } from '../src/modules/inbox/conversation.queries.ts';
import { getConversation } from '../src/modules/inbox/conversation.service.ts';
import { inboxReport } from '../src/modules/inbox/report.service.ts';
import { loadInsights } from '../src/modules/insights/index.ts';
import { allJobs } from '../src/modules/index.ts';
import type { Ctx, Deps } from '../src/platform/context.ts';
import { SecretBox } from '../src/platform/crypto.ts';
import { createDb, runMigrations } from '../src/platform/db.ts';
import { Jobs } from '../src/platform/jobs.ts';
import { createLogger } from '../src/platform/logger.ts';
import { Mailer } from '../src/platform/mail.ts';
import { Realtime } from '../src/platform/realtime.ts';
import type { InboxFilters } from '../src/modules/inbox/inbox.schema.ts';

const root = path.resolve(import.meta.dirname, '..');
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 1_000_000);
const CLASSIFIED = Number(process.env.BENCH_CLASSIFIED ?? MESSAGES);
const CHANNELS = 50;
const CONVERSATIONS = Math.round(MESSAGES / 5);
const BATCH = 1000;
/** Pages ingested at once: the poll job runs with concurrency 2. */
const PAGES_IN_FLIGHT = Number(process.env.BENCH_PAGES_IN_FLIGHT ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
if (process.env.BENCH_CLASSIFY_WORKERS) setClassifyWorkers(Number(process.env.BENCH_CLASSIFY_WORKERS));
const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function lines(file: string): string[] {
  return fs.readFileSync(path.join(root, '..', 'shared', 'data', 'nlp', file), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
}
const fr = lines('umsab/french/train_text.txt');
const en = lines('umsab/english/train_text.txt');
const texts = [...fr, ...en];

// Deterministic pseudo-random numbers (mulberry32: the run is reproducible).
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
/** An author's follower count: stable per author, as on a network. */
const followersOf = (author: number) => (author * 2654435761) % 5000;
const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;

/** Mid-frequency words of a corpus (not the most common ones), for realistic searches. */
function searchWords(corpus: string[], minLen: number): string[] {
  const counts = new Map<string, number>();
  for (const t of corpus) for (const w of t.toLowerCase().split(/[^\p{L}]+/u)) if (w.length >= minLen) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(20, 120).map(([w]) => w);
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main() {
  const name = `passerelle_bench_inbox_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  if (process.env.BENCH_LOG) {
    // Every statement's duration in the server's log (without the bulk parameters): where ingest spends its time.
    await admin.query(`ALTER DATABASE ${name} SET log_min_duration_statement = 0`);
    await admin.query(`ALTER DATABASE ${name} SET log_parameter_max_length = 0`);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const log = createLogger('warn');
  const { pool, db } = createDb(dbUrl, { max: 8 });
  const jobs = new Jobs(dbUrl, log, allJobs());
  const realtime = new Realtime(dbUrl, log);
  try {
    await runMigrations(dbUrl);
    await jobs.start();
    await loadInsights();
    const config = loadConfig({ PASSERELLE_DATA_DIR: path.join(os.tmpdir(), `bench-inbox-${randomBytes(3).toString('hex')}`), LOG_LEVEL: 'warn' });
    const deps: Deps = { config, db, box: new SecretBox(randomBytes(32)), mail: new Mailer({ smtpUrl: undefined, from: 'x@y', log }), jobs, realtime, log, clock: () => new Date() };

    const [ws] = await db.insert(workspaces).values({ name: 'Bench', timezone: 'Europe/Paris', language: 'fr' }).returning();
    const agents = await db.insert(users).values(Array.from({ length: 5 }, (_, i) => ({ email: `agent${i}@bench.test`, name: `Agent ${i}`, passwordHash: 'x' }))).returning();
    await db.insert(members).values(agents.map((u) => ({ workspaceId: ws!.id, userId: u.id, role: 'editor' })));
    const chans = await db.insert(channels).values(Array.from({ length: CHANNELS }, (_, i) => ({
      id: randomUUID(), workspaceId: ws!.id, network: i % 2 ? 'mastodon' : 'bluesky', remoteId: `acct-${i}`, handle: `brand${i}`, credentialsSealed: 'v1.x', limits: {},
    }))).returning();

    // Messages are spread over the last 60 days, in time order (as polling delivers them).
    const start = Date.now() - 60 * 86_400_000;
    const step = (60 * 86_400_000) / MESSAGES;
    let made = 0;
    let classifiedMs = 0;
    let classifiedCount = 0;
    let plainMs = 0;
    let plainCount = 0;
    let vacuumMs = 0;
    /** The next page of BATCH messages (consecutive pages go to consecutive channels), or null when all are made. */
    const nextPage = (limit: number): { channel: (typeof chans)[number]; items: Interaction[] } | null => {
      if (made >= limit) return null;
      const ch = Math.floor(made / BATCH) % CHANNELS;
      const channel = chans[ch]!;
      const items: Interaction[] = [];
      const n = Math.min(BATCH, limit - made);
      for (let i = 0; i < n; i++) {
        const idx = made + i;
        // Conversation k of this channel (channel c owns conversations c, c+50, …).
        const k = Math.floor(rnd() * (CONVERSATIONS / CHANNELS));
        const conv = ch + CHANNELS * k;
        const dm = conv % 7 === 0;
        const author = Math.floor(rnd() * 100_000);
        items.push({
          remoteId: `m-${idx}`, kind: dm ? 'dm' : 'reply',
          author: { remoteId: `a-${author}`, handle: `user${author}.example`, displayName: `User ${author}`, avatarUrl: null, followers: followersOf(author) },
          text: pick(texts), createdAt: new Date(start + idx * step), inReplyTo: dm ? null : `post-${conv}`, root: dm ? null : `post-${conv}`, url: null,
          raw: dm ? { conversationId: `dm-${conv}` } : {},
        });
      }
      made += n;
      return { channel, items };
    };
    const t0 = performance.now();
    while (made < MESSAGES) {
      // One segment: up to the next vacuum point (every 100,000 messages) or the end of the classified part.
      const classify = made < CLASSIFIED;
      const limit = Math.min(MESSAGES, (Math.floor(made / 100_000) + 1) * 100_000, classify ? CLASSIFIED : MESSAGES);
      const before = made;
      const b0 = performance.now();
      // PAGES_IN_FLIGHT lanes, each taking the next page as soon as its previous one committed: the poll
      // job's concurrent handlers do exactly this (no lane waits for another).
      await Promise.all(Array.from({ length: PAGES_IN_FLIGHT }, async () => {
        for (let page = nextPage(limit); page; page = nextPage(limit)) await ingestInteractions(deps, page.channel, page.items, { classify });
      }));
      const ms = performance.now() - b0;
      if (classify) {
        classifiedMs += ms;
        classifiedCount += made - before;
      } else {
        plainMs += ms;
        plainCount += made - before;
      }
      if (made % 50_000 === 0) console.error(`${made} messages ingested (${Math.round(made / ((performance.now() - t0 - vacuumMs) / 1000))}/s)`);
      // This machine's PostgreSQL runs with autovacuum off: vacuum as autovacuum would, outside the timed ingest.
      if (made % 100_000 === 0) {
        const v0 = performance.now();
        await db.execute(sql`VACUUM ANALYZE conversations, contacts, contact_identities, messages, inbox_channel_state`);
        vacuumMs += performance.now() - v0;
      }
    }
    const ingestSeconds = (performance.now() - t0 - vacuumMs) / 1000;

    // A second pass through the same path without classification, on fresh messages of one channel.
    const extra = Math.min(50_000, Math.max(10_000, Math.floor(MESSAGES / 20)));
    const p0 = performance.now();
    for (let off = 0; off < extra; off += BATCH) {
      const items: Interaction[] = [];
      for (let i = 0; i < BATCH; i++) {
        const conv = Math.floor(rnd() * (CONVERSATIONS / CHANNELS)) * CHANNELS;
        items.push({
          remoteId: `x-${off + i}`, kind: 'reply', author: { remoteId: `a-${Math.floor(rnd() * 100_000)}`, handle: 'u', displayName: null, avatarUrl: null },
          text: pick(texts), createdAt: new Date(), inReplyTo: `post-${conv}`, root: `post-${conv}`, url: null, raw: {},
        });
      }
      await ingestInteractions(deps, chans[0]!, items, { classify: false });
    }
    const plainRate = extra / ((performance.now() - p0) / 1000);
    // Replaying a page inserts nothing (idempotency), timed too.
    const replay0 = performance.now();
    const replay = await ingestInteractions(deps, chans[0]!, Array.from({ length: BATCH }, (_, i) => ({
      remoteId: `x-${i}`, kind: 'reply' as const, author: { remoteId: 'a-1', handle: 'u', displayName: null, avatarUrl: null }, text: 'x', createdAt: new Date(), inReplyTo: 'post-0', root: 'post-0', url: null, raw: {},
    })), { classify: false });
    const replayMs = performance.now() - replay0;

    // Working state, as a live inbox has it: statuses, assignees, tags, priorities.
    await db.execute(sql`UPDATE conversations SET
      status = CASE WHEN r < 0.40 THEN 'open' WHEN r < 0.50 THEN 'pending' WHEN r < 0.55 THEN 'snoozed' ELSE 'closed' END,
      snoozed_until = CASE WHEN r >= 0.50 AND r < 0.55 THEN now() + interval '2 days' END,
      assignee_id = CASE WHEN r2 < 0.5 THEN (${sql.param(agents.map((a) => a.id))}::uuid[])[1 + floor(r2 * 10)::int] END,
      priority = CASE WHEN r3 < 0.05 THEN 'urgent' WHEN r3 < 0.15 THEN 'high' WHEN r3 < 0.9 THEN 'normal' ELSE 'low' END,
      tags = CASE WHEN r3 < 0.2 THEN ARRAY[(ARRAY['vip','bug','billing','delivery','press'])[1 + floor(r3 * 25)::int]] ELSE '{}' END,
      has_unanswered = r2 > 0.3
      FROM (SELECT id AS cid, random() AS r, random() AS r2, random() AS r3 FROM conversations) x WHERE x.cid = conversations.id`);
    // What the minute tick does: fold the status-count deltas written by the ingest and the update above.
    const deltaRows = (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM inbox_status_counts`)).rows[0]!.n;
    await db.execute(compactStatusCountsSql);
    await db.execute(sql`VACUUM ANALYZE`);

    const counts = (await db.execute<{ n: number; c: number }>(sql`SELECT (SELECT count(*) FROM messages)::int AS n, (SELECT count(*) FROM conversations)::int AS c`)).rows[0]!;
    const me = agents[0]!.id;
    const ctx: Ctx = { deps, db, actor: { type: 'user', userId: me, name: 'Agent 0', email: 'agent0@bench.test' }, workspace: { id: ws!.id, name: 'Bench', timezone: 'Europe/Paris', language: 'fr', roles: ['editor'] }, clock: () => new Date(), log, ip: null };
    const frWords = searchWords(fr, 5);
    const enWords = searchWords(en, 5);
    const convIds = (await db.execute<{ id: string }>(sql`SELECT id FROM conversations ORDER BY random() LIMIT 2000`)).rows.map((r) => r.id);
    const firstPage = (await db.execute<{ last_message_at: string; id: string }>(listSql(ws!.id, {}, me, null, 50))).rows.at(-1)!;
    const page2 = { t: new Date(firstPage.last_message_at).toISOString(), id: firstPage.id };
    decodeCursor(Buffer.from(JSON.stringify(page2)).toString('base64url'));

    const list = (f: () => InboxFilters, cursor: () => typeof page2 | null = () => null) => () => db.execute(listSql(ws!.id, f(), me, cursor(), 50));
    const queries: { name: string; run: () => Promise<unknown> }[] = [
      { name: 'default inbox view (open, newest first, 50)', run: list(() => ({})) },
      { name: 'default view, page 2 (cursor)', run: list(() => ({}), () => page2) },
      { name: 'counts per status', run: () => db.execute(countsSql(ws!.id, {}, me)) },
      { name: 'filter: channel + open', run: list(() => ({ channel: [pick(chans).id] })) },
      { name: 'filter: assigned to me, open + pending', run: list(() => ({ assignee: 'me', status: ['open', 'pending'] })) },
      { name: 'filter: negative sentiment + complaint intent', run: list(() => ({ sentiment: ['negative'], intent: ['complaint'] })) },
      { name: 'filter: unanswered + priority high/urgent', run: list(() => ({ unanswered: 'true', priority: ['high', 'urgent'] })) },
      { name: 'filter: tag + open/pending, French', run: list(() => ({ tag: [pick(['vip', 'bug', 'billing', 'delivery', 'press'])], status: ['open', 'pending'], language: ['fr'] })) },
      { name: 'full-text search, French', run: list(() => ({ q: pick(frWords), qlang: 'fr', status: ['open', 'pending', 'snoozed', 'closed'] })) },
      { name: 'full-text search, English', run: list(() => ({ q: pick(enWords), qlang: 'en', status: ['open', 'pending', 'snoozed', 'closed'] })) },
      { name: 'open a conversation (detail: messages, replies, notes, events, presence, relay)', run: () => getConversation(ctx, pick(convIds)) },
      { name: 'conversation messages only', run: () => db.execute(conversationMessagesSql(ws!.id, pick(convIds), 500)) },
      // The whole report (its three statements, as the service runs them): the last 30 days and the 30 before, i.e. all 60 days of messages here.
      { name: 'inbox report, 30 days', run: () => inboxReport(ctx, { period: '30d', format: 'json' }) },
    ];
    const results: { name: string; p50_ms: number; p95_ms: number; runs: number }[] = [];
    for (const q of queries) {
      for (let i = 0; i < 10; i++) await q.run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await q.run();
        times.push(performance.now() - s);
      }
      times.sort((a, b) => a - b);
      results.push({ name: q.name, p50_ms: +quantile(times, 0.5).toFixed(2), p95_ms: +quantile(times, 0.95).toFixed(2), runs: RUNS });
      console.error(`${q.name}: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms`);
    }
    const out = {
      messages: counts.n,
      conversations: counts.c,
      channels: CHANNELS,
      ingest_per_s: Math.round(MESSAGES / ingestSeconds),
      ingest_with_classification_per_s: classifiedCount ? Math.round(classifiedCount / (classifiedMs / 1000)) : null,
      ingest_without_classification_per_s: Math.round(plainRate),
      ingest_seconds: +ingestSeconds.toFixed(1),
      classified_messages: classifiedCount,
      unclassified_messages_in_main_load: plainCount,
      unclassified_main_load_per_s: plainCount ? Math.round(plainCount / (plainMs / 1000)) : null,
      batch_size: BATCH,
      pages_in_flight: PAGES_IN_FLIGHT,
      classify_workers: classifyWorkers(),
      vacuum_seconds_excluded: +(vacuumMs / 1000).toFixed(1),
      autovacuum: (await db.execute<{ a: string }>(sql`SELECT current_setting('autovacuum') AS a`)).rows[0]!.a,
      replay_of_a_1000_page_ms: +replayMs.toFixed(1),
      replay_inserted: replay.inserted,
      status_count_delta_rows_before_compaction: deltaRows,
      queries: results,
      target: { p95_ms: 50, ingest_per_s: 5000 },
      machine: { cpus: os.cpus().length, memory_gb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: (await db.execute<{ v: string }>(sql`SELECT current_setting('server_version') AS v`)).rows[0]!.v },
      at: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(root, 'bench', 'results', 'inbox.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await jobs.stop(1000).catch(() => {});
    await realtime.close();
    await pool.end();
    if (process.env.BENCH_KEEP_DB) console.error(`kept database ${name} (drop it yourself)`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
