import { and, eq, inArray, sql } from 'drizzle-orm';
import { planSlots, postVariants, posts } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { loadCharter } from './charter.service.ts';
import { assetIds, checkVariant, languageDetector, loadAssets } from './compose.ts';
import { wakeScheduler } from './outcome.notify.ts';
import { assertMayEdit, canPublish, contentOf } from './posts.service.ts';
import { approvalSteps, channelsById, isRetryable, loadPosts, postRow, presentVariant, variantRow, variantRows, type VariantRow } from './publishing.queries.ts';
import type { PostOut, ScheduleIn, VariantOut } from './publishing.schema.ts';
import { localToUtc, nextSlot, occurrenceAt, type Recurrence } from './tz.ts';

/**
 * Scheduling: publish now, at a time (an instant, or a wall time in the workspace zone), in the next
 * slot of the social-media plan, at the planned time, or on a recurrence; unschedule; move on the
 * calendar; retry where it is safe; settle an unknown outcome by hand.
 */

/** A time more than this in the past is refused ("publish now" is the way to publish late). */
const PAST_TOLERANCE_MS = 60_000;

async function slotsFor(tx: Tx, workspaceId: string, channelId: string) {
  return tx.select().from(planSlots).where(and(eq(planSlots.workspaceId, workspaceId), eq(planSlots.channelId, channelId)));
}

/** Network and charter checks before anything is scheduled: nothing that would fail is accepted. */
export async function assertPublishable(tx: Tx, workspaceId: string, variants: VariantRow[]): Promise<void> {
  const channels = await channelsById(tx, workspaceId, variants.map((v) => v.channelId));
  const assets = await loadAssets(tx, workspaceId, [...new Set(variants.flatMap((v) => assetIds(contentOf(v))))], false);
  const charter = await loadCharter(tx, workspaceId);
  const detect = charter.rules.language && charter.rules.language.level !== 'off' ? await languageDetector() : undefined;
  for (const v of variants) {
    const ch = channels.get(v.channelId)!;
    const check = checkVariant(ch, contentOf(v), assets, charter.rules, detect);
    const first = check.issues[0];
    if (first) throw new AppError('validation_failed', `${ch.handle}: ${first.message}`, `variants[${v.id}].${first.field}`);
    const block = check.charter.find((i) => i.level === 'block');
    if (block) throw new AppError('charter_blocked', `${ch.handle}: ${block.message}`, `variants[${v.id}].${block.field}`);
  }
}

/** Schedules variants of a post (all that can be, or `variantIds`). */
export async function schedulePost(ctx: Ctx, id: string, input: ScheduleIn): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.publish');
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id, true);
    const all = await variantRows(tx, ws.id, id);
    const wanted = 'variantIds' in input && input.variantIds ? new Set(input.variantIds) : null;
    if (wanted) for (const vid of wanted) if (!all.some((v) => v.id === vid)) throw new AppError('validation_failed', 'Unknown variant of this post.', 'variantIds');
    const steps = await approvalSteps(tx, ws.id);
    const allowed = steps.length > 0 ? ['approved', 'scheduled'] : ['draft', 'approved', 'scheduled', 'failed'];
    const targets = all.filter((v) => (!wanted || wanted.has(v.id)) && ['draft', 'in_review', 'approved', 'scheduled', 'failed'].includes(v.state));
    if (targets.length === 0) throw new AppError('invalid_state', 'Nothing to schedule: every variant is publishing, published or waiting for its outcome.');
    for (const v of targets) {
      if (v.state === 'in_review' || !allowed.includes(v.state)) throw new AppError('approval_required', 'This post must be approved before it can be scheduled.');
      if (v.state === 'failed' && (v.parts as unknown[]).length > 0) throw new AppError('invalid_state', 'Part of this thread is already published: use retry.');
    }
    await assertPublishable(tx, ws.id, targets);
    const now = ctx.clock();
    const due = new Map<string, Date>();
    if (input.mode === 'recurring') {
      let n = 0;
      let at: Date | null = null;
      for (; n < 2000; n++) {
        at = occurrenceAt(input.recurrence as Recurrence, input.start, n, ws.timezone);
        if (!at || at.getTime() >= now.getTime() - PAST_TOLERANCE_MS) break;
      }
      if (!at) throw new AppError('validation_failed', 'This recurrence has no occurrence from now on.', 'recurrence');
      await tx.update(posts).set({ recurrence: { ...input.recurrence, start: input.start }, seriesId: post.seriesId ?? post.id, occurrence: n, updatedAt: now }).where(eq(posts.id, id));
      for (const v of targets) due.set(v.id, at);
    } else {
      for (const v of targets) {
        let at: Date;
        if (input.mode === 'now') at = now;
        else if (input.mode === 'at') at = new Date(input.at);
        else if (input.mode === 'local') at = localToUtc(input.date, input.time, ws.timezone);
        else if (input.mode === 'planned') {
          if (!v.dueAt) throw new AppError('validation_failed', 'This post has no planned time: choose one.', 'mode');
          at = v.dueAt;
        } else {
          const slots = await slotsFor(tx, ws.id, v.channelId);
          const next = nextSlot(slots.map((s) => ({ weekdays: s.weekdays, time: s.time })), now, ws.timezone);
          if (!next) throw new AppError('validation_failed', 'The social-media plan has no slot for this channel: add one or choose a time.', `variants[${v.id}]`);
          at = next;
        }
        if (input.mode !== 'now' && input.mode !== 'planned' && at.getTime() < now.getTime() - PAST_TOLERANCE_MS) {
          throw new AppError('validation_failed', 'This time is in the past: choose a later time or publish now.', input.mode === 'at' ? 'at' : 'time');
        }
        due.set(v.id, at);
      }
    }
    for (const v of targets) {
      await tx.update(postVariants).set({
        state: 'scheduled', dueAt: due.get(v.id)!, notBefore: null, scheduleVersion: sql`${postVariants.scheduleVersion} + 1`, scheduledBy: actorUserId(ctx.actor),
        error: null, errorCode: null, issues: null, updatedAt: now,
      }).where(eq(postVariants.id, v.id));
    }
    await audit(inTx(ctx, tx), { action: 'post.schedule', targetType: 'post', targetId: id, after: { mode: input.mode, variants: targets.map((v) => ({ id: v.id, dueAt: due.get(v.id)!.toISOString() })) } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
    await wakeScheduler(tx);
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

/** Takes scheduled variants off the schedule (they stay approved, with their planned time). */
export async function unschedulePost(ctx: Ctx, id: string, variantIds?: string[]): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.publish');
  await ctx.deps.db.transaction(async (tx) => {
    await postRow(tx, ws.id, id, true);
    const where = [eq(postVariants.postId, id), eq(postVariants.workspaceId, ws.id), eq(postVariants.state, 'scheduled')];
    if (variantIds?.length) where.push(inArray(postVariants.id, variantIds));
    const changed = await tx.update(postVariants).set({ state: 'approved', notBefore: null, updatedAt: ctx.clock() }).where(and(...where)).returning({ id: postVariants.id });
    if (changed.length === 0) throw new AppError('invalid_state', 'Nothing is scheduled (a variant being published cannot be stopped).');
    await audit(inTx(ctx, tx), { action: 'post.unschedule', targetType: 'post', targetId: id, after: { variants: changed.map((c) => c.id) } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

/**
 * Moves a variant (or its whole post, by the same amount) on the calendar. A scheduled variant gets a
 * new schedule version; one not yet scheduled only changes its planned time (its author may do that).
 */
export async function moveVariant(ctx: Ctx, variantId: string, input: { at: string; wholePost: boolean }): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const target = new Date(input.at);
  const v0 = await variantRow(ctx.db, ws.id, variantId);
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, v0.postId, true);
    const all = await variantRows(tx, ws.id, v0.postId);
    const v = all.find((x) => x.id === variantId)!;
    const delta = target.getTime() - (v.dueAt ?? target).getTime();
    const moving = input.wholePost ? all.filter((x) => x.id === variantId || (x.dueAt && ['draft', 'in_review', 'approved', 'scheduled', 'failed'].includes(x.state))) : [v];
    const now = ctx.clock();
    for (const m of moving) {
      if (!['draft', 'in_review', 'approved', 'scheduled'].includes(m.state)) throw new AppError('invalid_state', `A ${m.state} variant cannot move.`);
      const at = m.id === variantId ? target : new Date(m.dueAt!.getTime() + delta);
      if (m.state === 'scheduled') {
        authorize(ws.roles, 'post.publish');
        if (at.getTime() < now.getTime() - PAST_TOLERANCE_MS) throw new AppError('validation_failed', 'This time is in the past.', 'at');
        await tx.update(postVariants).set({ dueAt: at, notBefore: null, scheduleVersion: sql`${postVariants.scheduleVersion} + 1`, updatedAt: now }).where(eq(postVariants.id, m.id));
      } else {
        assertMayEdit(ctx, post);
        await tx.update(postVariants).set({ dueAt: at, updatedAt: now }).where(eq(postVariants.id, m.id));
      }
    }
    await audit(inTx(ctx, tx), { action: 'post.reschedule', targetType: 'post', targetId: post.id, after: { variants: moving.map((m) => m.id), at: input.at } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: post.id } });
    await wakeScheduler(tx);
  });
  return (await loadPosts(ctx.db, ws.id, [v0.postId]))[0]!;
}

/** Retries a failed variant when nothing can be duplicated (the failure happened before the network acted). */
export async function retryVariant(ctx: Ctx, variantId: string): Promise<VariantOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.publish');
  const v = await variantRow(ctx.db, ws.id, variantId);
  if (!isRetryable(v)) {
    throw new AppError('invalid_state', v.state === 'failed' ? 'The network refused this variant for good: change it, then schedule it again.' : `A ${v.state} variant cannot be retried.`);
  }
  const now = ctx.clock();
  const resume = (v.parts as unknown[]).length > 0;
  const updated = await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.update(postVariants).set(resume
      ? { state: 'scheduled', notBefore: now, error: null, errorCode: null, claimedBy: null, updatedAt: now }
      : { state: 'scheduled', dueAt: now, notBefore: null, scheduleVersion: sql`${postVariants.scheduleVersion} + 1`, attempts: 0, error: null, errorCode: null, claimedBy: null, updatedAt: now })
      .where(and(eq(postVariants.id, variantId), eq(postVariants.state, 'failed'))).returning();
    if (!row) throw new AppError('conflict');
    await audit(inTx(ctx, tx), { action: 'variant.retry', targetType: 'variant', targetId: variantId, before: { errorCode: v.errorCode, error: v.error } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: v.postId } });
    await wakeScheduler(tx);
    return row;
  });
  const [ch] = await channelsById(ctx.db, ws.id, [v.channelId]).then((m) => [...m.values()]);
  return presentVariant(updated, ch);
}

/**
 * A person settles an outcome reconciliation could not: it was published (optionally with its URL), or
 * it was not (it goes back on the schedule with the same idempotency key).
 */
export async function resolveVariant(ctx: Ctx, variantId: string, input: { outcome: 'published' | 'not_published'; url?: string | undefined }): Promise<VariantOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.publish');
  const v = await variantRow(ctx.db, ws.id, variantId);
  if (v.state !== 'unknown') throw new AppError('invalid_state', 'Only a variant whose outcome is unknown can be settled by hand.');
  const now = ctx.clock();
  const updated = await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.update(postVariants).set(input.outcome === 'published'
      ? { state: 'published', remoteUrl: input.url ?? v.remoteUrl, publishedAt: v.publishedAt ?? now, errorCode: 'resolved_by_person', reconcileAt: null, claimedBy: null, updatedAt: now }
      : { state: 'scheduled', notBefore: now, errorCode: null, error: null, reconcileAt: null, claimedBy: null, updatedAt: now })
      .where(and(eq(postVariants.id, variantId), eq(postVariants.state, 'unknown'))).returning();
    if (!row) throw new AppError('conflict');
    await audit(inTx(ctx, tx), { action: 'variant.resolve', targetType: 'variant', targetId: variantId, after: input });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: v.postId } });
    if (input.outcome === 'not_published') await wakeScheduler(tx);
    return row;
  });
  const [ch] = await channelsById(ctx.db, ws.id, [v.channelId]).then((m) => [...m.values()]);
  return presentVariant(updated, ch);
}

export { canPublish };
