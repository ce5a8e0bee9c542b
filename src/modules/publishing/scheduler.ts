import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import type { Connector, ConnectorContext, Limits, NetworkId, Published, PublishedPart, RateLimitState } from '../../connectors/connector.ts';
import { AuthExpired, OutcomeUnknown, RateLimited, Rejected, Transient } from '../../connectors/errors.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels, postVariants, posts, schedulerWorkers, workspaces } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { openChannel, recordFailure, recordSuccess } from '../channels/index.ts';
import { blocks, checkCharter, type CharterRules } from './charter.rules.ts';
import { loadCharter } from './charter.service.ts';
import { assetIds, contentParts, languageDetector, loadAssets, toConnectorVariant, type VariantContent } from './compose.ts';
import { notifyPeople } from './outcome.notify.ts';
import type { ChannelRow, VariantRow } from './publishing.queries.ts';
import { occurrenceAt, type Recurrence } from './tz.ts';

/**
 * The exactly-once scheduler (DESIGN "Publishing must be exactly-once"). Any number of these run, one
 * per worker process, against one PostgreSQL:
 *
 * - claim: one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING` moves due variants of
 *   channels that are not rate-limited from `scheduled` to `publishing`, owned by this worker;
 * - publish: each part's remote id is saved the moment the connector reports it (`onPart`); the last
 *   part's save is also the move to `published` (one statement);
 * - errors: `RateLimited` → back to `scheduled` with `not_before`, and the channel's
 *   `rate_limited_until` (shared by every worker) set; `Rejected` → `failed` with the network's reason;
 *   `Transient` → retried with backoff; `OutcomeUnknown` (or anything after the request left) →
 *   `unknown`, never retried blindly;
 * - reconciliation: `unknown` variants are leased one at a time and asked to the network with
 *   `findPublished`: found → `published`; proven absent → `scheduled` again (same key: the network
 *   deduplicates); otherwise a person decides (notified);
 * - stale claims: a `publishing` variant whose worker stopped heartbeating becomes `unknown`;
 * - grace: a variant due longer ago than `publishGraceMinutes` (the server was down) is `failed` with
 *   `missed_grace` instead of published late.
 */

export type SchedulerOptions = {
  /** Variants claimed per query. */
  batchSize: number;
  /** Publishes in flight (or queued behind their channel) per process. */
  concurrency: number;
  /** Publishes of one channel at once per process (a channel's limit stops the rest early). */
  perChannel: number;
  /** HTTP budget of one publish request; past it the outcome is unknown. */
  publishTimeoutMs: number;
  /** A worker whose heartbeat is older than this is presumed stuck: its claims are stale (a dead one is seen at once through its liveness lock). */
  heartbeatStaleMs: number;
  heartbeatEveryMs: number;
  /** A claim older than this is stale even if its worker still beats (a stuck request). */
  maxClaimMs: number;
  /** Longest sleep when idle (LISTEN wakes it sooner). */
  idlePollMs: number;
  /** Wait after an unknown outcome before asking the network (lets a slow write land). */
  reconcileDelayMs: number;
  /** Transient failures before a variant is failed (retryable by hand). */
  maxTransientAttempts: number;
  /** Reconciliation attempts before a person is asked. */
  maxReconcileAttempts: number;
  /** Mastodon deduplicates an Idempotency-Key for about an hour: republishing is safe only within this. */
  idempotencyWindowMs: number;
};

/** First key of the workers' liveness advisory locks (the second is hashtext(worker id)): "PS". */
const LIVENESS_LOCK_SPACE = 0x5053;

export const DEFAULT_OPTIONS: SchedulerOptions = {
  batchSize: 50, concurrency: 32, perChannel: 2, publishTimeoutMs: 15_000, heartbeatStaleMs: 15_000, heartbeatEveryMs: 1_000, maxClaimMs: 10 * 60_000,
  idlePollMs: 1_000, reconcileDelayMs: 10_000, maxTransientAttempts: 5, maxReconcileAttempts: 8, idempotencyWindowMs: 50 * 60_000,
};

type Claimed = VariantRow & { recurring: boolean; authorId: string | null };

const key = (v: { id: string; scheduleVersion: number }) => `${v.id}:${v.scheduleVersion}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fromRow(r: Record<string, unknown>): Claimed {
  const d = (x: unknown) => (x === null || x === undefined ? null : new Date(x as string));
  return {
    id: r.id as string, workspaceId: r.workspace_id as string, postId: r.post_id as string, channelId: r.channel_id as string,
    text: r.text as string, media: r.media, thread: r.thread, firstComment: r.first_comment as string | null, contentWarning: r.content_warning as string | null,
    language: r.language as string | null, state: r.state as string, dueAt: d(r.due_at), notBefore: d(r.not_before), scheduleVersion: Number(r.schedule_version),
    scheduledBy: r.scheduled_by as string | null, claimedBy: r.claimed_by as string | null, claimedAt: d(r.claimed_at), attempts: Number(r.attempts),
    parts: r.parts, remoteId: r.remote_id as string | null, remoteUrl: r.remote_url as string | null, publishedAt: d(r.published_at),
    error: r.error as string | null, errorCode: r.error_code as string | null, issues: r.issues, unknownAt: d(r.unknown_at), reconcileAt: d(r.reconcile_at),
    reconcileAttempts: Number(r.reconcile_attempts), createdAt: d(r.created_at)!, updatedAt: d(r.updated_at)!,
    recurring: Boolean(r.recurring), authorId: (r.author_id as string | null) ?? null,
  };
}

const contentOf = (v: VariantRow): VariantContent => ({
  text: v.text, media: (v.media ?? []) as VariantContent['media'], thread: (v.thread ?? []) as VariantContent['thread'],
  firstComment: v.firstComment, contentWarning: v.contentWarning, language: v.language,
});

export class Scheduler {
  readonly id: string;
  readonly deps: Deps;
  readonly opts: SchedulerOptions;
  /** Channels this process saw limited (rate limit or remaining 0), until when. */
  readonly #limited = new Map<string, number>();
  /** Per channel: publishes running and waiting in this process. */
  readonly #lanes = new Map<string, { active: number; queue: Claimed[] }>();
  readonly #running_ = new Set<Promise<void>>();
  #inFlight = 0;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #listener: pg.PoolClient | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  /** The connection holding this worker's liveness lock (see `register`). */
  #liveness: pg.Client | null = null;
  #charters = new Map<string, { at: number; rules: CharterRules }>();
  #channelCache = new Map<string, { at: number; row: ChannelRow }>();
  readonly #pending = new Map<string, Set<string>>();
  #flushTimer: NodeJS.Timeout | null = null;

  constructor(deps: Deps, opts: Partial<SchedulerOptions> = {}, id = `w-${randomUUID()}`) {
    this.deps = deps;
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    this.id = id;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Registers this worker so that other workers can tell its claims are alive: a heartbeat row, and a
   * session-level advisory lock held on a dedicated connection for the worker's whole life. When the
   * process dies (even by SIGKILL) its connection closes and PostgreSQL releases the lock at once, so
   * other workers see its claims as stale within one sweep instead of waiting for the heartbeat to age.
   */
  async register(): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.insert(schedulerWorkers).values({ id: this.id, startedAt: now, heartbeatAt: now })
      .onConflictDoUpdate({ target: schedulerWorkers.id, set: { heartbeatAt: now } });
    if (!this.#liveness) {
      // Its own connection, outside the pool: it lives as long as the worker, and must not keep the
      // process (or a pool shutting down) waiting — hence the unref'd socket.
      const pool = (this.deps.db as unknown as { $client: pg.Pool }).$client;
      const client = new pg.Client({ ...pool.options, application_name: 'passerelle-scheduler-liveness' });
      client.on('error', () => { this.#liveness = null; });
      await client.connect();
      (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
      await client.query(`SELECT pg_advisory_lock(${LIVENESS_LOCK_SPACE}, hashtext($1))`, [this.id]);
      this.#liveness = client;
    }
  }

  async beat(): Promise<void> {
    await this.deps.db.update(schedulerWorkers).set({ heartbeatAt: this.deps.clock() }).where(eq(schedulerWorkers.id, this.id));
  }

  /** Starts the loop: claim and publish continuously, sweep and reconcile between batches. */
  async start(opts: { listen?: boolean } = {}): Promise<void> {
    await this.register();
    this.#running = true;
    this.#heartbeat = setInterval(() => void this.beat().catch((err) => this.deps.log.warn({ err: (err as Error).message }, 'scheduler heartbeat failed')), this.opts.heartbeatEveryMs);
    this.#heartbeat.unref();
    if (opts.listen) {
      // A dedicated pooled connection LISTENs: services NOTIFY `passerelle_scheduler` when something becomes due sooner.
      try {
        const client = await (this.deps.db as unknown as { $client: pg.Pool }).$client.connect();
        client.on('notification', () => this.wake());
        client.on('error', () => { this.#listener = null; });
        await client.query('LISTEN passerelle_scheduler');
        this.#listener = client;
      } catch (err) {
        this.deps.log.warn({ err: (err as Error).message }, 'scheduler could not LISTEN; polling only');
      }
    }
    this.#loop = this.run();
  }

  /** Stops claiming, lets running publishes finish, and leaves (its claims are then released by outcome). */
  async stop(): Promise<void> {
    this.#running = false;
    this.wake();
    await this.#loop;
    await this.settle();
    await this.flushEvents();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    if (this.#listener) {
      await this.#listener.query('UNLISTEN *').catch(() => {});
      this.#listener.release();
      this.#listener = null;
    }
    await this.deps.db.delete(schedulerWorkers).where(eq(schedulerWorkers.id, this.id)).catch(() => {});
    if (this.#liveness) {
      await this.#liveness.end().catch(() => {}); // closing the session releases the lock
      this.#liveness = null;
    }
  }

  wake(): void {
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  async run(): Promise<void> {
    let lastMaintenance = 0;
    while (this.#running) {
      try {
        const nowMs = Date.now();
        if (nowMs - lastMaintenance > 500) {
          lastMaintenance = nowMs;
          await this.flagMissedGrace();
          await this.sweepStale();
          await this.reconcileDue();
        }
        const room = this.opts.concurrency - this.#inFlight;
        // Refill in batches: a claim per finished publish would cost a query per variant.
        const refill = this.#inFlight === 0 || room >= Math.min(this.opts.batchSize, Math.ceil(this.opts.concurrency / 4));
        const want = Math.min(room, this.opts.batchSize);
        const claimed = refill && want > 0 ? await this.claim(want) : [];
        for (const v of claimed) this.dispatch(v);
        if (claimed.length > 0 && claimed.length === want) continue;
        // With publishes running, their completion wakes the loop; otherwise sleep until something is due.
        await this.idle(this.#inFlight > 0 ? this.opts.idlePollMs : await this.nextWakeMs());
      } catch (err) {
        this.deps.log.error({ err: (err as Error).message }, 'scheduler loop error');
        await sleep(500);
      }
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.#wake = null; resolve(); }, Math.max(5, ms));
      this.#wake = () => { clearTimeout(t); resolve(); };
    });
  }

  /** How long to sleep: until the next variant or rate-limit horizon is due, at most `idlePollMs`. */
  private async nextWakeMs(): Promise<number> {
    if (this.#inFlight >= this.opts.concurrency) return this.opts.idlePollMs;
    const now = this.deps.clock();
    const res = await this.deps.db.execute(sql`
      SELECT min(greatest(v.due_at, coalesce(v.not_before, v.due_at), coalesce(c.rate_limited_until, v.due_at))) AS next
      FROM post_variants v JOIN channels c ON c.id = v.channel_id WHERE v.state = 'scheduled'`);
    const next = res.rows[0]?.next as string | Date | null | undefined;
    if (!next) return this.opts.idlePollMs;
    return Math.min(this.opts.idlePollMs, Math.max(0, new Date(next).getTime() - now.getTime()));
  }

  private limitedChannels(now: Date): string[] {
    const out: string[] = [];
    for (const [id, until] of this.#limited) {
      if (until > now.getTime()) out.push(id);
      else this.#limited.delete(id);
    }
    return out;
  }

  /** Atomically claims up to `n` due variants for this worker. */
  async claim(n: number): Promise<Claimed[]> {
    const now = this.deps.clock();
    const graceFloor = new Date(now.getTime() - this.deps.config.publishGraceMinutes * 60_000);
    const skip = this.limitedChannels(now);
    // The pick is a MATERIALIZED CTE, run exactly once: as an `IN (subquery)` the planner may rescan
    // it in a nested loop, and every rescan with SKIP LOCKED picks *other* rows, claiming past LIMIT.
    const res = await this.deps.db.execute(sql`
      WITH picked AS MATERIALIZED (
        SELECT v2.id FROM post_variants v2 JOIN channels c ON c.id = v2.channel_id
        WHERE v2.state = 'scheduled' AND v2.due_at <= ${now}
          AND (v2.not_before IS NULL OR v2.not_before <= ${now})
          AND greatest(v2.due_at, coalesce(v2.not_before, v2.due_at)) >= ${graceFloor}
          AND (c.rate_limited_until IS NULL OR c.rate_limited_until <= ${now})
          AND c.health <> 'reconnect_needed'
          -- Channel affinity: a channel another worker is publishing to stays with that worker until
          -- its claims are done, so two workers never race into one account's rate limit.
          AND NOT EXISTS (SELECT 1 FROM post_variants busy WHERE busy.state = 'publishing'
            AND busy.channel_id = v2.channel_id AND busy.claimed_by <> ${this.id})
          ${skip.length ? sql`AND NOT (v2.channel_id = ANY(${`{${skip.join(',')}}`}::uuid[]))` : sql``}
        ORDER BY v2.due_at
        LIMIT ${n}
        FOR UPDATE OF v2 SKIP LOCKED)
      UPDATE post_variants v SET state = 'publishing', claimed_by = ${this.id}, claimed_at = ${now}, attempts = v.attempts + 1, updated_at = ${now}
      FROM picked, posts p
      WHERE v.id = picked.id AND p.id = v.post_id AND v.state = 'scheduled'
      RETURNING v.*, p.recurrence IS NOT NULL AS recurring, p.author_id`);
    return res.rows.map((r) => fromRow(r as Record<string, unknown>));
  }

  /** Queues a claimed variant; at most `perChannel` publishes of one channel run at once in this process. */
  dispatch(v: Claimed): void {
    this.#inFlight++;
    const lane = this.#lanes.get(v.channelId) ?? { active: 0, queue: [] as Claimed[] };
    lane.queue.push(v);
    this.#lanes.set(v.channelId, lane);
    this.pump(v.channelId);
  }

  private pump(channelId: string): void {
    const lane = this.#lanes.get(channelId);
    if (!lane) return;
    while (lane.active < this.opts.perChannel && lane.queue.length > 0) {
      const v = lane.queue.shift()!;
      lane.active++;
      const p = this.publishOne(v).catch((err) => {
        this.deps.log.error({ err: (err as Error).message, variant: v.id }, 'publish failed unexpectedly');
      }).finally(() => {
        lane.active--;
        this.#inFlight--;
        this.#running_.delete(p);
        if (lane.active === 0 && lane.queue.length === 0) this.#lanes.delete(channelId);
        else this.pump(channelId);
        this.wake();
      });
      this.#running_.add(p);
    }
  }

  /** Resolves when every publish started or queued in this process has finished. */
  async settle(): Promise<void> {
    while (this.#inFlight > 0) await Promise.allSettled([...this.#running_]);
  }

  /** Claims and publishes until nothing is due (tests and one-shot use); returns how many were claimed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim(this.opts.batchSize);
      if (claimed.length === 0) break;
      total += claimed.length;
      for (const v of claimed) this.dispatch(v);
      await this.settle();
    }
    await this.settle();
    await this.flushEvents();
    return total;
  }

  private async channelRow(id: string): Promise<ChannelRow | null> {
    const cached = this.#channelCache.get(id);
    if (cached && Date.now() - cached.at < 1000) return cached.row;
    const [row] = await this.deps.db.select().from(channels).where(eq(channels.id, id));
    if (row) this.#channelCache.set(id, { at: Date.now(), row });
    return row ?? null;
  }

  private async charterRules(workspaceId: string): Promise<CharterRules> {
    const cached = this.#charters.get(workspaceId);
    if (cached && Date.now() - cached.at < 5000) return cached.rules;
    const { rules } = await loadCharter(this.deps.db, workspaceId);
    this.#charters.set(workspaceId, { at: Date.now(), rules });
    return rules;
  }

  /** A connector context whose rate-limit reports are shared with every worker (and this process). */
  private open(row: ChannelRow): { connector: Connector<unknown>; ctx: ConnectorContext<unknown> } {
    const { connector, ctx } = openChannel(this.deps, row);
    ctx.timeoutMs = this.opts.publishTimeoutMs;
    const local = this.#limited.get(row.id);
    if (local && local > this.deps.clock().getTime()) ctx.rateLimitedUntil = new Date(local);
    ctx.onRateLimit = async (state: RateLimitState) => {
      // Only a limit reached is written: one UPDATE per response would serialize every publish of a channel.
      if (!state.limited && state.remaining !== 0) return;
      const until = state.resetAt.getTime();
      const known = this.#limited.get(row.id) ?? 0;
      this.#limited.set(row.id, Math.max(known, until));
      if (known >= until) return;
      await this.deps.db.update(channels).set({ rateLimitedUntil: state.resetAt, rateLimit: { remaining: state.remaining, limit: state.limit, resetAt: state.resetAt.toISOString() } })
        .where(sql`${channels.id} = ${row.id} AND (${channels.rateLimitedUntil} IS NULL OR ${channels.rateLimitedUntil} < ${state.resetAt})`);
    };
    return { connector, ctx };
  }

  /** Saves one published part at once; the last part's save is also the move to `published`. */
  private async savePart(v: Claimed, part: PublishedPart, total: number): Promise<void> {
    const last = part.index === total - 1;
    const json = JSON.stringify({ index: part.index, remoteId: part.remoteId, url: part.url, publishedAt: part.publishedAt.toISOString() });
    const now = this.deps.clock();
    const res = await this.deps.db.execute(sql`
      UPDATE post_variants SET
        parts = CASE WHEN parts @> ${JSON.stringify([{ index: part.index }])}::jsonb THEN parts ELSE parts || jsonb_build_array(${json}::jsonb) END,
        remote_id = CASE WHEN ${part.index} = 0 THEN ${part.remoteId} ELSE remote_id END,
        remote_url = CASE WHEN ${part.index} = 0 THEN ${part.url} ELSE remote_url END,
        published_at = CASE WHEN ${part.index} = 0 THEN ${part.publishedAt} ELSE published_at END,
        state = CASE WHEN ${last} THEN 'published' ELSE state END,
        claimed_by = CASE WHEN ${last} THEN NULL ELSE claimed_by END,
        error = CASE WHEN ${last} THEN NULL ELSE error END,
        error_code = CASE WHEN ${last} THEN NULL ELSE error_code END,
        reconcile_at = CASE WHEN ${last} THEN NULL ELSE reconcile_at END,
        updated_at = ${now}
      WHERE id = ${v.id}`);
    if (res.rowCount) this.changed(v.workspaceId, v.postId);
  }

  /**
   * Realtime events are batched (one NOTIFY per workspace every 250 ms): a NOTIFY per publish would
   * serialize every commit on PostgreSQL's notification queue lock.
   */
  private changed(workspaceId: string, postId: string): void {
    const set = this.#pending.get(workspaceId) ?? new Set<string>();
    set.add(postId);
    this.#pending.set(workspaceId, set);
    if (!this.#flushTimer) {
      this.#flushTimer = setTimeout(() => void this.flushEvents(), 250);
      this.#flushTimer.unref();
    }
  }

  async flushEvents(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    const pending = [...this.#pending.entries()];
    this.#pending.clear();
    for (const [workspaceId, ids] of pending) {
      const all = [...ids];
      for (let i = 0; i < all.length; i += 150) {
        await this.deps.realtime.publish(this.deps.db, { workspaceId, type: 'posts.changed', payload: { ids: all.slice(i, i + 150) } })
          .catch((err) => this.deps.log.warn({ err: (err as Error).message }, 'could not announce publishing changes'));
      }
    }
  }

  private async setState(v: { id: string }, patch: Partial<typeof postVariants.$inferInsert>, onlyIfClaimedByMe = true): Promise<boolean> {
    const where = onlyIfClaimedByMe
      ? sql`${postVariants.id} = ${v.id} AND ${postVariants.state} = 'publishing' AND ${postVariants.claimedBy} = ${this.id}`
      : sql`${postVariants.id} = ${v.id}`;
    const rows = await this.deps.db.update(postVariants).set({ ...patch, updatedAt: this.deps.clock() }).where(where)
      .returning({ id: postVariants.id, workspaceId: postVariants.workspaceId, postId: postVariants.postId, state: postVariants.state });
    for (const r of rows) this.changed(r.workspaceId, r.postId);
    return rows.length > 0;
  }

  /** Publishes one claimed variant and records the outcome. Never throws. */
  async publishOne(v: Claimed): Promise<void> {
    let sent = false;
    let channel: ChannelRow | null = null;
    try {
      channel = await this.channelRow(v.channelId);
      if (!channel) return void (await this.setState(v, { state: 'failed', error: 'The channel was disconnected.', errorCode: 'channel_missing', claimedBy: null }));
      const now = this.deps.clock();
      const local = this.#limited.get(channel.id);
      if (local && local > now.getTime()) {
        await this.setState(v, { state: 'scheduled', notBefore: new Date(local), claimedBy: null, claimedAt: null, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
        return;
      }
      const content = contentOf(v);
      const rules = await this.charterRules(v.workspaceId);
      const detect = rules.language && rules.language.level !== 'off' ? await languageDetector() : undefined;
      const charterIssues = checkCharter(contentParts(content).map((p) => ({ field: p.field, text: p.text })), rules, detect);
      if (blocks(charterIssues)) {
        const first = charterIssues.find((i) => i.level === 'block')!;
        await this.setState(v, { state: 'failed', error: `The editorial charter blocks it: ${first.message}`, errorCode: 'charter_blocked', issues: charterIssues, claimedBy: null });
        await this.notifyOutcome(v, 'failed', first.message);
        return;
      }
      const assets = await loadAssets(this.deps.db, v.workspaceId, assetIds(content), true);
      const connector = getConnector(channel.network as NetworkId);
      const variant = toConnectorVariant(content, assets, { replyCapable: connector.capabilities.publish.thread || connector.capabilities.publish.reply });
      const total = 1 + (variant.thread?.length ?? 0);
      const { ctx } = this.open(channel);
      const done = (v.parts as Array<{ index: number; remoteId: string; url: string; publishedAt: string }>).map((p) => ({ ...p, publishedAt: new Date(p.publishedAt) }));
      let lastSaved = false;
      sent = true;
      const result: Published = await connector.publish(ctx, {
        variant, idempotencyKey: key(v), scheduledAt: v.dueAt!, limits: channel.limits as Limits, done,
        onPart: async (part) => {
          await this.savePart(v, part, total);
          if (part.index === total - 1) lastSaved = true;
        },
      });
      if (!lastSaved) {
        // Every part was already done (a resumed thread): record the outcome now.
        for (const part of result.parts) await this.savePart(v, part, total);
      }
      if (channel.health !== 'connected' || channel.lastError) await recordSuccess(this.deps, channel);
      if (v.recurring) await this.ensureNextOccurrence(v.postId);
    } catch (err) {
      await this.onError(v, channel, err, sent);
    }
  }

  private async onError(v: Claimed, channel: ChannelRow | null, err: unknown, sent: boolean): Promise<void> {
    const now = this.deps.clock();
    const message = (err as Error)?.message ?? String(err);
    try {
      if (err instanceof RateLimited) {
        if (channel) {
          this.#limited.set(channel.id, Math.max(this.#limited.get(channel.id) ?? 0, err.retryAt.getTime()));
          await this.deps.db.update(channels).set({ rateLimitedUntil: err.retryAt })
            .where(sql`${channels.id} = ${channel.id} AND (${channels.rateLimitedUntil} IS NULL OR ${channels.rateLimitedUntil} < ${err.retryAt})`);
        }
        await this.setState(v, { state: 'scheduled', notBefore: err.retryAt, claimedBy: null, claimedAt: null, errorCode: 'rate_limited', error: message, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
      } else if (err instanceof AuthExpired) {
        if (channel) await recordFailure(this.deps, channel, err);
        this.#channelCache.delete(v.channelId);
        await this.setState(v, { state: 'scheduled', claimedBy: null, claimedAt: null, errorCode: 'reconnect_needed', error: message, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
      } else if (err instanceof Rejected) {
        await this.setState(v, { state: 'failed', error: err.reason, errorCode: err.rejectCode, issues: err.issues.length ? err.issues : null, claimedBy: null });
        await this.notifyOutcome(v, 'failed', err.reason);
      } else if (err instanceof Transient || !sent) {
        if (v.attempts >= this.opts.maxTransientAttempts) {
          await this.setState(v, { state: 'failed', error: message, errorCode: 'transient', claimedBy: null });
          await this.notifyOutcome(v, 'failed', message);
        } else {
          const backoff = Math.min(300_000, 1000 * 2 ** v.attempts);
          await this.setState(v, { state: 'scheduled', notBefore: new Date(now.getTime() + backoff), claimedBy: null, claimedAt: null, errorCode: 'transient', error: message });
        }
      } else {
        // OutcomeUnknown, or a failure after the request may have left: ask the network, never retry blindly.
        if (!(err instanceof OutcomeUnknown)) this.deps.log.error({ err: message, variant: v.id }, 'unexpected error while publishing; outcome unknown');
        await this.setState(v, { state: 'unknown', error: message, errorCode: 'outcome_unknown', unknownAt: now, reconcileAt: new Date(now.getTime() + this.opts.reconcileDelayMs) });
      }
    } catch (inner) {
      // The database is unreachable: the claim stays `publishing` and the sweeper turns it into `unknown`.
      this.deps.log.error({ err: (inner as Error).message, variant: v.id }, 'could not record a publish outcome');
    }
  }

  private async notifyOutcome(v: { id: string; workspaceId: string; postId: string; authorId?: string | null }, what: 'failed' | 'needs_decision', reason: string): Promise<void> {
    try {
      const [p] = await this.deps.db.select({ title: posts.title, authorId: posts.authorId }).from(posts).where(eq(posts.id, v.postId));
      await notifyPeople(this.deps, this.deps.db, v.workspaceId, { userIds: [p?.authorId ?? null], admins: true }, {
        kind: what === 'failed' ? 'post.failed' : 'post.outcome_unknown',
        title: what === 'failed' ? `Not published: ${p?.title || 'a post'}` : `Check whether it was published: ${p?.title || 'a post'}`,
        body: reason, link: `/w/${v.workspaceId}/posts/${v.postId}`,
      });
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not notify about a publish outcome');
    }
  }

  /** Scheduled variants due longer ago than the grace period are flagged instead of published late. */
  async flagMissedGrace(): Promise<number> {
    const now = this.deps.clock();
    const minutes = this.deps.config.publishGraceMinutes;
    const floor = new Date(now.getTime() - minutes * 60_000);
    const rows = await this.deps.db.update(postVariants).set({
      state: 'failed', errorCode: 'missed_grace', claimedBy: null, updatedAt: now,
      error: `Not published: it was due more than ${minutes} minutes ago (Passerelle was not running or the channel was unavailable). Retry to publish it now.`,
    }).where(sql`${postVariants.state} = 'scheduled' AND greatest(${postVariants.dueAt}, coalesce(${postVariants.notBefore}, ${postVariants.dueAt})) < ${floor}`)
      .returning({ id: postVariants.id, workspaceId: postVariants.workspaceId, postId: postVariants.postId, error: postVariants.error });
    const seen = new Set<string>();
    for (const r of rows) {
      this.changed(r.workspaceId, r.postId);
      if (seen.has(r.postId)) continue;
      seen.add(r.postId);
      await this.notifyOutcome(r, 'failed', r.error ?? 'missed grace period');
    }
    return rows.length;
  }

  /** Claims held by a dead worker (or stuck too long) become `unknown`: the publish may have happened. */
  async sweepStale(): Promise<number> {
    const now = this.deps.clock();
    const alive = new Date(now.getTime() - this.opts.heartbeatStaleMs);
    const tooOld = new Date(now.getTime() - this.opts.maxClaimMs);
    const rows = await this.deps.db.update(postVariants).set({
      state: 'unknown', errorCode: 'stale_claim', unknownAt: now, reconcileAt: now, updatedAt: now,
      error: 'The worker publishing this stopped before recording the outcome; checking with the network.',
    }).where(sql`${postVariants.state} = 'publishing' AND (${postVariants.claimedAt} < ${tooOld}
        OR NOT EXISTS (SELECT 1 FROM scheduler_workers w WHERE w.id = ${postVariants.claimedBy} AND w.heartbeat_at >= ${alive})
        OR NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.classid = ${LIVENESS_LOCK_SPACE}::oid AND l.objid = hashtext(${postVariants.claimedBy})::oid AND l.objsubid = 2))`)
      .returning({ id: postVariants.id });
    await this.deps.db.delete(schedulerWorkers).where(sql`${schedulerWorkers.heartbeatAt} < ${new Date(now.getTime() - 10 * this.opts.heartbeatStaleMs)}`);
    return rows.length;
  }

  /** Leases due `unknown` variants and reconciles them with the network. */
  async reconcileDue(limit = 10): Promise<number> {
    const now = this.deps.clock();
    const lease = new Date(now.getTime() + 120_000);
    const res = await this.deps.db.execute(sql`
      UPDATE post_variants v SET reconcile_at = ${lease}, reconcile_attempts = v.reconcile_attempts + 1
      FROM posts p
      WHERE p.id = v.post_id AND v.id IN (SELECT id FROM post_variants WHERE state = 'unknown' AND reconcile_at <= ${now}
        ORDER BY reconcile_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
      RETURNING v.*, p.recurrence IS NOT NULL AS recurring, p.author_id`);
    const rows = res.rows.map((r) => fromRow(r as Record<string, unknown>));
    await Promise.all(rows.map((v) => this.reconcileOne(v)));
    return rows.length;
  }

  /** Asks the network whether an unknown publish happened, and settles the variant when it can tell. */
  async reconcileOne(v: Claimed): Promise<void> {
    const now = this.deps.clock();
    const channel = await this.channelRow(v.channelId);
    if (!channel) return;
    const onlyUnknown = sql`${postVariants.id} = ${v.id} AND ${postVariants.state} = 'unknown'`;
    const set = async (patch: Partial<typeof postVariants.$inferInsert>) => {
      const rows = await this.deps.db.update(postVariants).set({ ...patch, updatedAt: now }).where(onlyUnknown).returning({ id: postVariants.id });
      if (rows.length) this.changed(v.workspaceId, v.postId);
    };
    try {
      const content = contentOf(v);
      const connector = getConnector(channel.network as NetworkId);
      const assets = await loadAssets(this.deps.db, v.workspaceId, assetIds(content), false);
      const variant = toConnectorVariant(content, assets, { replyCapable: connector.capabilities.publish.thread || connector.capabilities.publish.reply });
      const total = 1 + (variant.thread?.length ?? 0);
      const { ctx } = this.open(channel);
      const found = await connector.findPublished(ctx, { variant, idempotencyKey: key(v), since: v.dueAt ?? v.claimedAt ?? now });
      const saved = (v.parts as PublishedPart[]).length;
      for (const part of found?.parts ?? []) await this.savePart(v, part, total);
      if ((found?.parts.length ?? 0) >= total) {
        if (v.recurring) await this.ensureNextOccurrence(v.postId);
        return;
      }
      // Nothing (or only the first parts) exists remotely. Republishing with the same key cannot
      // duplicate where the network deduplicates it: record keys (forever) or an Idempotency-Key (~1 h).
      const sentAt = v.claimedAt ?? v.unknownAt ?? now;
      const safe = connector.capabilities.reconciliation === 'record-key' || now.getTime() - sentAt.getTime() < this.opts.idempotencyWindowMs;
      if (safe) {
        await set({ state: 'scheduled', notBefore: now, claimedBy: null, reconcileAt: null, errorCode: 'reconciled_not_found', error: `Checked with the network: ${found || saved ? 'only part of it' : 'nothing'} was published; publishing again with the same idempotency key.` });
      } else {
        await set({ state: 'unknown', reconcileAt: null, errorCode: 'needs_decision', error: 'The network shows no such post, but too long has passed to republish safely: check the account and settle it.' });
        await this.notifyOutcome(v, 'needs_decision', 'Passerelle could not tell whether it was published; check the account and settle it.');
      }
    } catch (err) {
      const message = (err as Error)?.message ?? String(err);
      if (err instanceof AuthExpired) await recordFailure(this.deps, channel, err);
      if (v.reconcileAttempts >= this.opts.maxReconcileAttempts) {
        await set({ reconcileAt: null, errorCode: 'needs_decision', error: `Could not check with the network: ${message}` });
        await this.notifyOutcome(v, 'needs_decision', `Passerelle could not check with the network whether it was published: ${message}`);
        return;
      }
      const retryAt = err instanceof RateLimited ? err.retryAt : new Date(now.getTime() + Math.min(600_000, 5000 * 2 ** v.reconcileAttempts));
      await set({ reconcileAt: retryAt, error: `Checking with the network failed (${message}); trying again.` });
    }
  }

  /** For a recurring series: the next occurrence exists (created once, whatever worker gets here). */
  async ensureNextOccurrence(postId: string): Promise<string | null> {
    const [post] = await this.deps.db.select().from(posts).where(eq(posts.id, postId));
    if (!post?.recurrence || !post.seriesId) return null;
    const [ws] = await this.deps.db.select({ tz: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, post.workspaceId));
    const rule = post.recurrence as Recurrence & { start: string };
    const at = occurrenceAt(rule, rule.start, post.occurrence + 1, ws?.tz ?? 'UTC');
    if (!at) return null;
    return this.deps.db.transaction(async (tx) => {
      const now = this.deps.clock();
      const [next] = await tx.insert(posts).values({
        workspaceId: post.workspaceId, authorId: post.authorId, title: post.title, campaignId: post.campaignId, tags: post.tags,
        recurrence: post.recurrence, seriesId: post.seriesId, occurrence: post.occurrence + 1, createdAt: now, updatedAt: now,
      }).onConflictDoNothing().returning({ id: posts.id });
      if (!next) return null;
      const variants = await tx.select().from(postVariants).where(eq(postVariants.postId, postId));
      if (variants.length) {
        await tx.insert(postVariants).values(variants.map((x) => ({
          workspaceId: x.workspaceId, postId: next.id, channelId: x.channelId, text: x.text, media: x.media, thread: x.thread, firstComment: x.firstComment,
          contentWarning: x.contentWarning, language: x.language, state: 'scheduled', dueAt: at, scheduleVersion: 1, scheduledBy: x.scheduledBy, createdAt: now, updatedAt: now,
        })));
      }
      await this.deps.realtime.publish(tx, { workspaceId: post.workspaceId, type: 'post.changed', payload: { id: next.id } });
      return next.id;
    });
  }
}

