import { sql } from 'drizzle-orm';
import type { NetworkId, PublishedPart } from '../../connectors/connector.ts';
import { AuthExpired, RateLimited } from '../../connectors/errors.ts';
import { getConnector } from '../../connectors/registry.ts';
import { postVariants, schedulerWorkers } from '../../db/schema/index.ts';
import { recordFailure } from '../channels/index.ts';
import { assetIds, loadAssets, toConnectorVariant } from './compose.ts';
import { LIVENESS_LOCK_SPACE } from './scheduler.claim.ts';
import { contentOf, fromRow, key, type Claimed, type SchedulerCore } from './scheduler.core.ts';
import { ensureNextOccurrence } from './scheduler.publish.ts';

/**
 * The sweep, run by every worker between batches (scheduler.ts describes the whole): variants past the
 * grace period are failed instead of published late, claims of a dead or stuck worker become
 * `unknown`, and `unknown` variants are reconciled by asking the network.
 */

/** Scheduled variants due longer ago than the grace period are flagged instead of published late. */
export async function flagMissedGrace(core: SchedulerCore): Promise<number> {
  const now = core.deps.clock();
  const minutes = core.deps.config.publishGraceMinutes;
  const floor = new Date(now.getTime() - minutes * 60_000);
  const rows = await core.deps.db.update(postVariants).set({
    state: 'failed', errorCode: 'missed_grace', claimedBy: null, updatedAt: now,
    error: `Not published: it was due more than ${minutes} minutes ago (Passerelle was not running or the channel was unavailable). Retry to publish it now.`,
  }).where(sql`${postVariants.state} = 'scheduled' AND greatest(${postVariants.dueAt}, coalesce(${postVariants.notBefore}, ${postVariants.dueAt})) < ${floor}`)
    .returning({ id: postVariants.id, workspaceId: postVariants.workspaceId, postId: postVariants.postId, error: postVariants.error });
  const seen = new Set<string>();
  for (const r of rows) {
    core.changed(r.workspaceId, r.postId);
    if (seen.has(r.postId)) continue;
    seen.add(r.postId);
    await core.notifyOutcome(r, 'failed', r.error ?? 'missed grace period');
  }
  return rows.length;
}

/** Claims held by a dead worker (or stuck too long) become `unknown`: the publish may have happened. */
export async function sweepStale(core: SchedulerCore): Promise<number> {
  const now = core.deps.clock();
  const alive = new Date(now.getTime() - core.opts.heartbeatStaleMs);
  const tooOld = new Date(now.getTime() - core.opts.maxClaimMs);
  const rows = await core.deps.db.update(postVariants).set({
    state: 'unknown', errorCode: 'stale_claim', unknownAt: now, reconcileAt: now, updatedAt: now,
    error: 'The worker publishing this stopped before recording the outcome; checking with the network.',
  }).where(sql`${postVariants.state} = 'publishing' AND (${postVariants.claimedAt} < ${tooOld}
      OR NOT EXISTS (SELECT 1 FROM scheduler_workers w WHERE w.id = ${postVariants.claimedBy} AND w.heartbeat_at >= ${alive})
      OR NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.classid = ${LIVENESS_LOCK_SPACE}::oid AND l.objid = hashtext(${postVariants.claimedBy})::oid AND l.objsubid = 2))`)
    .returning({ id: postVariants.id });
  await core.deps.db.delete(schedulerWorkers).where(sql`${schedulerWorkers.heartbeatAt} < ${new Date(now.getTime() - 10 * core.opts.heartbeatStaleMs)}`);
  return rows.length;
}

/** Leases due `unknown` variants and reconciles them with the network. */
export async function reconcileDue(core: SchedulerCore, limit = 10): Promise<number> {
  const now = core.deps.clock();
  const lease = new Date(now.getTime() + 120_000);
  const res = await core.deps.db.execute(sql`
    UPDATE post_variants v SET reconcile_at = ${lease}, reconcile_attempts = v.reconcile_attempts + 1
    FROM posts p
    WHERE p.id = v.post_id AND v.id IN (SELECT id FROM post_variants WHERE state = 'unknown' AND reconcile_at <= ${now}
      ORDER BY reconcile_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING v.*, p.recurrence IS NOT NULL AS recurring, p.author_id`);
  const rows = res.rows.map((r) => fromRow(r as Record<string, unknown>));
  await Promise.all(rows.map((v) => reconcileOne(core, v)));
  return rows.length;
}

/** Asks the network whether an unknown publish happened, and settles the variant when it can tell. */
export async function reconcileOne(core: SchedulerCore, v: Claimed): Promise<void> {
  const now = core.deps.clock();
  const channel = await core.channelRow(v.channelId);
  if (!channel) return;
  const onlyUnknown = sql`${postVariants.id} = ${v.id} AND ${postVariants.state} = 'unknown'`;
  const set = async (patch: Partial<typeof postVariants.$inferInsert>) => {
    const rows = await core.deps.db.update(postVariants).set({ ...patch, updatedAt: now }).where(onlyUnknown).returning({ id: postVariants.id });
    if (rows.length) core.changed(v.workspaceId, v.postId);
  };
  try {
    const content = contentOf(v);
    const connector = getConnector(channel.network as NetworkId);
    const assets = await loadAssets(core.deps.db, v.workspaceId, assetIds(content), false);
    const variant = toConnectorVariant(content, assets, { replyCapable: connector.capabilities.publish.thread || connector.capabilities.publish.reply });
    const total = 1 + (variant.thread?.length ?? 0);
    const { ctx } = core.open(channel);
    const found = await connector.findPublished(ctx, { variant, idempotencyKey: key(v), since: v.dueAt ?? v.claimedAt ?? now });
    const saved = (v.parts as PublishedPart[]).length;
    for (const part of found?.parts ?? []) await core.savePart(v, part, total);
    if ((found?.parts.length ?? 0) >= total) {
      if (v.recurring) await ensureNextOccurrence(core, v.postId);
      return;
    }
    // Nothing (or only the first parts) exists remotely. Republishing with the same key cannot
    // duplicate where the network deduplicates it: record keys (forever) or an Idempotency-Key (~1 h).
    const sentAt = v.claimedAt ?? v.unknownAt ?? now;
    const safe = connector.capabilities.reconciliation === 'record-key' || now.getTime() - sentAt.getTime() < core.opts.idempotencyWindowMs;
    if (safe) {
      await set({ state: 'scheduled', notBefore: now, claimedBy: null, reconcileAt: null, errorCode: 'reconciled_not_found', error: `Checked with the network: ${found || saved ? 'only part of it' : 'nothing'} was published; publishing again with the same idempotency key.` });
    } else {
      await set({ state: 'unknown', reconcileAt: null, errorCode: 'needs_decision', error: 'The network shows no such post, but too long has passed to republish safely: check the account and settle it.' });
      await core.notifyOutcome(v, 'needs_decision', 'Passerelle could not tell whether it was published; check the account and settle it.');
    }
  } catch (err) {
    const message = (err as Error)?.message ?? String(err);
    if (err instanceof AuthExpired) await recordFailure(core.deps, channel, err);
    if (v.reconcileAttempts >= core.opts.maxReconcileAttempts) {
      await set({ reconcileAt: null, errorCode: 'needs_decision', error: `Could not check with the network: ${message}` });
      await core.notifyOutcome(v, 'needs_decision', `Passerelle could not check with the network whether it was published: ${message}`);
      return;
    }
    const retryAt = err instanceof RateLimited ? err.retryAt : new Date(now.getTime() + Math.min(600_000, 5000 * 2 ** v.reconcileAttempts));
    await set({ reconcileAt: retryAt, error: `Checking with the network failed (${message}); trying again.` });
  }
}
