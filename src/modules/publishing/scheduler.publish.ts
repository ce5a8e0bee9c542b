import { eq, sql } from 'drizzle-orm';
import type { Limits, NetworkId, Published } from '../../connectors/connector.ts';
import { AuthExpired, OutcomeUnknown, RateLimited, Rejected, Transient } from '../../connectors/errors.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels, postVariants, posts, workspaces } from '../../db/schema/index.ts';
import { recordFailure, recordSuccess } from '../channels/index.ts';
import { blocks, checkCharter, type CharterRules } from './charter.rules.ts';
import { loadCharter } from './charter.service.ts';
import { assetIds, contentParts, languageDetector, loadAssets, toConnectorVariant } from './compose.ts';
import type { ChannelRow } from './publishing.queries.ts';
import { contentOf, key, type Claimed, type SchedulerCore } from './scheduler.core.ts';
import { occurrenceAt, type Recurrence } from './tz.ts';

/**
 * Publishing one claimed variant (scheduler.ts describes the whole): the charter is checked again, the
 * connector publishes, each part's remote id is saved the moment it is reported (`onPart`), and the
 * error the connector throws decides the variant's next state. A recurring series gets its next
 * occurrence once a variant is published.
 */

/** Publishes one claimed variant and records the outcome. Never throws. */
export async function publishOne(core: SchedulerCore, v: Claimed): Promise<void> {
  let sent = false;
  let channel: ChannelRow | null = null;
  try {
    channel = await core.channelRow(v.channelId);
    if (!channel) return void (await setState(core, v, { state: 'failed', error: 'The channel was disconnected.', errorCode: 'channel_missing', claimedBy: null }));
    const now = core.deps.clock();
    const local = core.limited.get(channel.id);
    if (local && local > now.getTime()) {
      await setState(core, v, { state: 'scheduled', notBefore: new Date(local), claimedBy: null, claimedAt: null, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
      return;
    }
    const content = contentOf(v);
    const rules = await charterRules(core, v.workspaceId);
    const detect = rules.language && rules.language.level !== 'off' ? await languageDetector() : undefined;
    const charterIssues = checkCharter(contentParts(content).map((p) => ({ field: p.field, text: p.text })), rules, detect);
    if (blocks(charterIssues)) {
      const first = charterIssues.find((i) => i.level === 'block')!;
      await setState(core, v, { state: 'failed', error: `The editorial charter blocks it: ${first.message}`, errorCode: 'charter_blocked', issues: charterIssues, claimedBy: null });
      await core.notifyOutcome(v, 'failed', first.message);
      return;
    }
    const assets = await loadAssets(core.deps.db, v.workspaceId, assetIds(content), true);
    const connector = getConnector(channel.network as NetworkId);
    const variant = toConnectorVariant(content, assets, { replyCapable: connector.capabilities.publish.thread || connector.capabilities.publish.reply });
    const total = 1 + (variant.thread?.length ?? 0);
    const { ctx } = core.open(channel);
    const done = (v.parts as Array<{ index: number; remoteId: string; url: string; publishedAt: string }>).map((p) => ({ ...p, publishedAt: new Date(p.publishedAt) }));
    let lastSaved = false;
    sent = true;
    const result: Published = await connector.publish(ctx, {
      variant, idempotencyKey: key(v), scheduledAt: v.dueAt!, limits: channel.limits as Limits, done,
      onPart: async (part) => {
        await core.savePart(v, part, total);
        if (part.index === total - 1) lastSaved = true;
      },
    });
    if (!lastSaved) {
      // Every part was already done (a resumed thread): record the outcome now.
      for (const part of result.parts) await core.savePart(v, part, total);
    }
    if (channel.health !== 'connected' || channel.lastError) await recordSuccess(core.deps, channel);
    if (v.recurring) await ensureNextOccurrence(core, v.postId);
  } catch (err) {
    await onError(core, v, channel, err, sent);
  }
}

async function onError(core: SchedulerCore, v: Claimed, channel: ChannelRow | null, err: unknown, sent: boolean): Promise<void> {
  const now = core.deps.clock();
  const message = (err as Error)?.message ?? String(err);
  try {
    if (err instanceof RateLimited) {
      if (channel) {
        core.limited.set(channel.id, Math.max(core.limited.get(channel.id) ?? 0, err.retryAt.getTime()));
        await core.deps.db.update(channels).set({ rateLimitedUntil: err.retryAt })
          .where(sql`${channels.id} = ${channel.id} AND (${channels.rateLimitedUntil} IS NULL OR ${channels.rateLimitedUntil} < ${err.retryAt})`);
      }
      await setState(core, v, { state: 'scheduled', notBefore: err.retryAt, claimedBy: null, claimedAt: null, errorCode: 'rate_limited', error: message, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
    } else if (err instanceof AuthExpired) {
      if (channel) await recordFailure(core.deps, channel, err);
      core.channelCache.delete(v.channelId);
      await setState(core, v, { state: 'scheduled', claimedBy: null, claimedAt: null, errorCode: 'reconnect_needed', error: message, attempts: sql`${postVariants.attempts} - 1` as unknown as number });
    } else if (err instanceof Rejected) {
      await setState(core, v, { state: 'failed', error: err.reason, errorCode: err.rejectCode, issues: err.issues.length ? err.issues : null, claimedBy: null });
      await core.notifyOutcome(v, 'failed', err.reason);
    } else if (err instanceof Transient || !sent) {
      if (v.attempts >= core.opts.maxTransientAttempts) {
        await setState(core, v, { state: 'failed', error: message, errorCode: 'transient', claimedBy: null });
        await core.notifyOutcome(v, 'failed', message);
      } else {
        const backoff = Math.min(300_000, 1000 * 2 ** v.attempts);
        await setState(core, v, { state: 'scheduled', notBefore: new Date(now.getTime() + backoff), claimedBy: null, claimedAt: null, errorCode: 'transient', error: message });
      }
    } else {
      // OutcomeUnknown, or a failure after the request may have left: ask the network, never retry blindly.
      if (!(err instanceof OutcomeUnknown)) core.deps.log.error({ err: message, variant: v.id }, 'unexpected error while publishing; outcome unknown');
      await setState(core, v, { state: 'unknown', error: message, errorCode: 'outcome_unknown', unknownAt: now, reconcileAt: new Date(now.getTime() + core.opts.reconcileDelayMs) });
    }
  } catch (inner) {
    // The database is unreachable: the claim stays `publishing` and the sweeper turns it into `unknown`.
    core.deps.log.error({ err: (inner as Error).message, variant: v.id }, 'could not record a publish outcome');
  }
}

async function setState(core: SchedulerCore, v: { id: string }, patch: Partial<typeof postVariants.$inferInsert>, onlyIfClaimedByMe = true): Promise<boolean> {
  const where = onlyIfClaimedByMe
    ? sql`${postVariants.id} = ${v.id} AND ${postVariants.state} = 'publishing' AND ${postVariants.claimedBy} = ${core.id}`
    : sql`${postVariants.id} = ${v.id}`;
  const rows = await core.deps.db.update(postVariants).set({ ...patch, updatedAt: core.deps.clock() }).where(where)
    .returning({ id: postVariants.id, workspaceId: postVariants.workspaceId, postId: postVariants.postId, state: postVariants.state });
  for (const r of rows) core.changed(r.workspaceId, r.postId);
  return rows.length > 0;
}

async function charterRules(core: SchedulerCore, workspaceId: string): Promise<CharterRules> {
  const cached = core.charters.get(workspaceId);
  if (cached && Date.now() - cached.at < 5000) return cached.rules;
  const { rules } = await loadCharter(core.deps.db, workspaceId);
  core.charters.set(workspaceId, { at: Date.now(), rules });
  return rules;
}

/** For a recurring series: the next occurrence exists (created once, whatever worker gets here). */
export async function ensureNextOccurrence(core: SchedulerCore, postId: string): Promise<string | null> {
  const [post] = await core.deps.db.select().from(posts).where(eq(posts.id, postId));
  if (!post?.recurrence || !post.seriesId) return null;
  const [ws] = await core.deps.db.select({ tz: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, post.workspaceId));
  const rule = post.recurrence as Recurrence & { start: string };
  const at = occurrenceAt(rule, rule.start, post.occurrence + 1, ws?.tz ?? 'UTC');
  if (!at) return null;
  return core.deps.db.transaction(async (tx) => {
    const now = core.deps.clock();
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
    await core.deps.realtime.publish(tx, { workspaceId: post.workspaceId, type: 'post.changed', payload: { id: next.id } });
    return next.id;
  });
}
