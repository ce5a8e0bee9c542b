import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Deps } from '../../platform/context.ts';
import { beat, claimDue, registerWorker, unregisterWorker } from './scheduler.claim.ts';
import { DEFAULT_OPTIONS, SchedulerCore, type Claimed, type SchedulerOptions } from './scheduler.core.ts';
import { ensureNextOccurrence, publishOne } from './scheduler.publish.ts';
import { flagMissedGrace, reconcileDue, reconcileOne, sweepStale } from './scheduler.sweep.ts';

export { DEFAULT_OPTIONS, type SchedulerOptions } from './scheduler.core.ts';

/**
 * The exactly-once scheduler (DESIGN "Publishing must be exactly-once"). Any number of these run, one
 * per worker process, against one PostgreSQL:
 *
 * - claim: one `WITH picked AS MATERIALIZED (SELECT … FOR UPDATE SKIP LOCKED LIMIT n) UPDATE … RETURNING`
 *   (scheduler.claim.ts) moves due variants of channels that are not rate-limited, and that no other
 *   worker is publishing to, from `scheduled` to `publishing`, owned by this worker;
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
 *
 * The files, by use case: scheduler.claim.ts (the claim; workers' heartbeat and liveness lock),
 * scheduler.publish.ts (one claimed variant: publish, save parts, map errors to states),
 * scheduler.sweep.ts (grace, stale claims, reconciliation), scheduler.core.ts (options and the state
 * one process shares between them). This class runs them: the loop, LISTEN, and per-channel lanes.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Scheduler {
  readonly id: string;
  readonly deps: Deps;
  readonly opts: SchedulerOptions;
  /** What the claim, publish and sweep steps share in this process (limited channels, caches, pending events). */
  readonly #core: SchedulerCore;
  /** Per channel: publishes running and waiting in this process. */
  readonly #lanes = new Map<string, { active: number; queue: Claimed[] }>();
  readonly #running_ = new Set<Promise<void>>();
  #inFlight = 0;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #listener: pg.PoolClient | null = null;
  #heartbeat: NodeJS.Timeout | null = null;

  constructor(deps: Deps, opts: Partial<SchedulerOptions> = {}, id = `w-${randomUUID()}`) {
    this.deps = deps;
    this.opts = { ...DEFAULT_OPTIONS, ...opts };
    this.id = id;
    this.#core = new SchedulerCore(deps, this.opts, id);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Registers this worker: heartbeat row and liveness lock (see `registerWorker`). */
  async register(): Promise<void> {
    await registerWorker(this.#core);
  }

  async beat(): Promise<void> {
    await beat(this.#core);
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
    await unregisterWorker(this.#core);
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

  /** Atomically claims up to `n` due variants for this worker (see `claimDue`). */
  claim(n: number): Promise<Claimed[]> {
    return claimDue(this.#core, n);
  }

  /** Publishes one claimed variant and records the outcome. Never throws. */
  publishOne(v: Claimed): Promise<void> {
    return publishOne(this.#core, v);
  }

  /** Sends the realtime events batched so far. */
  flushEvents(): Promise<void> {
    return this.#core.flushEvents();
  }

  /** Scheduled variants due longer ago than the grace period are flagged instead of published late. */
  flagMissedGrace(): Promise<number> {
    return flagMissedGrace(this.#core);
  }

  /** Claims held by a dead worker (or stuck too long) become `unknown`: the publish may have happened. */
  sweepStale(): Promise<number> {
    return sweepStale(this.#core);
  }

  /** Leases due `unknown` variants and reconciles them with the network. */
  reconcileDue(limit = 10): Promise<number> {
    return reconcileDue(this.#core, limit);
  }

  /** Asks the network whether an unknown publish happened, and settles the variant when it can tell. */
  reconcileOne(v: Claimed): Promise<void> {
    return reconcileOne(this.#core, v);
  }

  /** For a recurring series: the next occurrence exists (created once, whatever worker gets here). */
  ensureNextOccurrence(postId: string): Promise<string | null> {
    return ensureNextOccurrence(this.#core, postId);
  }
}
