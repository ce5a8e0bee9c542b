import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import type { Connector, ConnectorContext, PublishedPart, RateLimitState } from '../../connectors/connector.ts';
import { channels, posts } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import { openChannel } from '../channels/index.ts';
import type { CharterRules } from './charter.rules.ts';
import type { VariantContent } from './compose.ts';
import { notifyPeople } from './outcome.notify.ts';
import type { ChannelRow, VariantRow } from './publishing.queries.ts';

/**
 * What the scheduler's use cases share (scheduler.ts describes the whole): its options, the shape of a
 * claimed variant, and `SchedulerCore`, the state of one scheduler process with the steps that both
 * publishing (scheduler.publish.ts) and reconciliation (scheduler.sweep.ts) take.
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

export const DEFAULT_OPTIONS: SchedulerOptions = {
  batchSize: 50, concurrency: 32, perChannel: 2, publishTimeoutMs: 15_000, heartbeatStaleMs: 15_000, heartbeatEveryMs: 1_000, maxClaimMs: 10 * 60_000,
  idlePollMs: 1_000, reconcileDelayMs: 10_000, maxTransientAttempts: 5, maxReconcileAttempts: 8, idempotencyWindowMs: 50 * 60_000,
};

/** A variant claimed for publishing (or leased for reconciliation), with what its outcome needs of its post. */
export type Claimed = VariantRow & { recurring: boolean; authorId: string | null };

/** The idempotency key of a variant's publish: the same for every attempt of one schedule. */
export const key = (v: { id: string; scheduleVersion: number }) => `${v.id}:${v.scheduleVersion}`;

/** A row of `RETURNING v.*, p.recurrence IS NOT NULL AS recurring, p.author_id` (raw SQL, snake_case). */
export function fromRow(r: Record<string, unknown>): Claimed {
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

export const contentOf = (v: VariantRow): VariantContent => ({
  text: v.text, media: (v.media ?? []) as VariantContent['media'], thread: (v.thread ?? []) as VariantContent['thread'],
  firstComment: v.firstComment, contentWarning: v.contentWarning, language: v.language,
});

/**
 * The state of one scheduler process, shared by its use cases: the `Scheduler` owns one and passes it
 * to the claim, publish and sweep functions. Nothing here is shared between processes: what every
 * worker must see (claims, rate limits) is in PostgreSQL.
 */
export class SchedulerCore {
  readonly id: string;
  readonly deps: Deps;
  readonly opts: SchedulerOptions;
  /** Channels this process saw limited (rate limit or remaining 0), until when. */
  readonly limited = new Map<string, number>();
  /** The connection holding this worker's liveness lock (see `registerWorker`). */
  liveness: pg.Client | null = null;
  readonly charters = new Map<string, { at: number; rules: CharterRules }>();
  readonly channelCache = new Map<string, { at: number; row: ChannelRow }>();
  readonly #pending = new Map<string, Set<string>>();
  #flushTimer: NodeJS.Timeout | null = null;

  constructor(deps: Deps, opts: SchedulerOptions, id: string) {
    this.deps = deps;
    this.opts = opts;
    this.id = id;
  }

  /** The channel's row, read from the database at most once a second per channel. */
  async channelRow(id: string): Promise<ChannelRow | null> {
    const cached = this.channelCache.get(id);
    if (cached && Date.now() - cached.at < 1000) return cached.row;
    const [row] = await this.deps.db.select().from(channels).where(eq(channels.id, id));
    if (row) this.channelCache.set(id, { at: Date.now(), row });
    return row ?? null;
  }

  /** A connector context whose rate-limit reports are shared with every worker (and this process). */
  open(row: ChannelRow): { connector: Connector<unknown>; ctx: ConnectorContext<unknown> } {
    const { connector, ctx } = openChannel(this.deps, row);
    ctx.timeoutMs = this.opts.publishTimeoutMs;
    const local = this.limited.get(row.id);
    if (local && local > this.deps.clock().getTime()) ctx.rateLimitedUntil = new Date(local);
    ctx.onRateLimit = async (state: RateLimitState) => {
      // Only a limit reached is written: one UPDATE per response would serialize every publish of a channel.
      if (!state.limited && state.remaining !== 0) return;
      const until = state.resetAt.getTime();
      const known = this.limited.get(row.id) ?? 0;
      this.limited.set(row.id, Math.max(known, until));
      if (known >= until) return;
      await this.deps.db.update(channels).set({ rateLimitedUntil: state.resetAt, rateLimit: { remaining: state.remaining, limit: state.limit, resetAt: state.resetAt.toISOString() } })
        .where(sql`${channels.id} = ${row.id} AND (${channels.rateLimitedUntil} IS NULL OR ${channels.rateLimitedUntil} < ${state.resetAt})`);
    };
    return { connector, ctx };
  }

  /** Saves one published part at once; the last part's save is also the move to `published`. */
  async savePart(v: Claimed, part: PublishedPart, total: number): Promise<void> {
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
  changed(workspaceId: string, postId: string): void {
    const set = this.#pending.get(workspaceId) ?? new Set<string>();
    set.add(postId);
    this.#pending.set(workspaceId, set);
    if (!this.#flushTimer) {
      this.#flushTimer = setTimeout(() => void this.flushEvents(), 250);
      this.#flushTimer.unref();
    }
  }

  /** Sends the batched realtime events now. */
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

  /** Tells the post's author and the workspace's admins that a variant failed or needs their decision; never throws. */
  async notifyOutcome(v: { id: string; workspaceId: string; postId: string; authorId?: string | null }, what: 'failed' | 'needs_decision', reason: string): Promise<void> {
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
}
