import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { approvalFlows, approvals, members, postVariants, posts, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, can, isRole } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { notifyPeople, wakeScheduler } from './outcome.notify.ts';
import { assertPublishable } from './schedule.service.ts';
import { approvalSteps, effectiveSteps, loadPosts, postRow, variantRows, type ApprovalStep, type PostRow } from './publishing.queries.ts';
import type { PostOut } from './publishing.schema.ts';

/**
 * Approvals: contributors and clients cannot publish, they submit. A post then goes through the
 * workspace's approval steps in order (one decision per step, by one of its approvers); a rejection
 * (with a comment) sends it back to draft; the author is told in the app and by email.
 */

export async function getFlow(ctx: Ctx): Promise<{ steps: ApprovalStep[] }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  return { steps: await approvalSteps(ctx.db, ws.id) };
}

/** Replaces the approval steps; every approver must be a member whose role may approve. */
export async function updateFlow(ctx: Ctx, steps: ApprovalStep[]): Promise<{ steps: ApprovalStep[] }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'workspace.update');
  const ids = [...new Set(steps.flatMap((s) => s.approverIds))];
  const rows = ids.length ? await ctx.db.select({ userId: members.userId, role: members.role }).from(members).where(and(eq(members.workspaceId, ws.id), inArray(members.userId, ids))) : [];
  const ok = new Set(rows.filter((r) => isRole(r.role) && can(r.role, 'post.approve')).map((r) => r.userId));
  steps.forEach((s, i) => s.approverIds.forEach((a, j) => {
    if (!ok.has(a)) throw new AppError('validation_failed', 'Approvers must be members whose role may approve posts.', `steps[${i}].approverIds[${j}]`);
  }));
  await ctx.deps.db.transaction(async (tx) => {
    const before = await approvalSteps(tx, ws.id);
    await tx.insert(approvalFlows).values({ workspaceId: ws.id, steps, updatedAt: ctx.clock() }).onConflictDoUpdate({ target: approvalFlows.workspaceId, set: { steps, updatedAt: ctx.clock() } });
    await audit(inTx(ctx, tx), { action: 'approval_flow.update', targetType: 'workspace', targetId: ws.id, before, after: steps });
  });
  return { steps };
}

/** People who decide a step: its approvers, or every member whose role may approve (except the author). */
async function stepApprovers(tx: Tx, workspaceId: string, step: ApprovalStep, authorId: string | null): Promise<string[]> {
  if (step.approverIds.length > 0) return step.approverIds;
  const rows = await tx.select({ userId: members.userId, role: members.role }).from(members).where(eq(members.workspaceId, workspaceId));
  return rows.filter((r) => isRole(r.role) && can(r.role, 'post.approve') && r.userId !== authorId).map((r) => r.userId);
}

/** Opens a new approval round at step 1 and tells its approvers (inside the caller's transaction). */
export async function startReview(ctx: Ctx, tx: Tx, post: PostRow, reason: 'submitted' | 'edited'): Promise<void> {
  const ws = scope(ctx);
  const steps = effectiveSteps(await approvalSteps(tx, ws.id));
  const round = post.approvalRound + 1;
  const now = ctx.clock();
  await tx.update(posts).set({ approvalRound: round, approvalStep: 0, submittedAt: now, updatedAt: now }).where(eq(posts.id, post.id));
  await tx.insert(approvals).values({ workspaceId: ws.id, postId: post.id, round, step: 0, decision: reason, comment: '', userId: actorUserId(ctx.actor), at: now });
  const to = await stepApprovers(tx, ws.id, steps[0]!, post.authorId);
  await notifyPeople(ctx.deps, tx, ws.id, { userIds: to }, {
    kind: 'post.review_requested', title: `Approval requested: ${post.title || 'a post'}`,
    body: `${ctx.actor.name} ${reason === 'edited' ? 'changed a post that needs approval again' : 'submitted a post for approval'} (${steps[0]!.name}).`,
    link: `/w/${ws.id}/posts/${post.id}`,
  });
}

/** Submits a draft (or a post that failed) for approval. */
export async function submitPost(ctx: Ctx, id: string): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id, true);
    if (!ws.roles.every((r) => can(r, 'post.publish')) && post.authorId !== actorUserId(ctx.actor)) throw new AppError('forbidden', 'You can only submit posts you wrote.');
    const variants = await variantRows(tx, ws.id, id);
    const ready = variants.filter((v) => v.state === 'draft' || (v.state === 'failed' && (v.parts as unknown[]).length === 0));
    if (ready.length === 0) throw new AppError('invalid_state', 'Nothing to submit: the post is not a draft.');
    // Approvers should never be asked to approve what could not be published (over a limit, charter block).
    await assertPublishable(tx, ws.id, ready);
    await tx.update(postVariants).set({ state: 'in_review', error: null, errorCode: null, updatedAt: ctx.clock() }).where(inArray(postVariants.id, ready.map((v) => v.id)));
    await startReview(ctx, tx, post, 'submitted');
    await audit(inTx(ctx, tx), { action: 'post.submit', targetType: 'post', targetId: id });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

/**
 * Approves or rejects the current step. The last approval makes the variants approved, and those with
 * a planned time scheduled for it (approving is consenting to publish then).
 */
export async function decide(ctx: Ctx, id: string, input: { decision: 'approve' | 'reject'; comment: string }): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.approve');
  const me = actorUserId(ctx.actor);
  if (input.decision === 'reject' && input.comment.trim() === '') throw new AppError('validation_failed', 'Say why the post is rejected.', 'comment');
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id, true);
    const variants = await variantRows(tx, ws.id, id);
    const inReview = variants.filter((v) => v.state === 'in_review');
    if (post.approvalStep === null || inReview.length === 0) throw new AppError('invalid_state', 'This post is not waiting for approval.');
    const steps = effectiveSteps(await approvalSteps(tx, ws.id));
    const stepIndex = Math.min(post.approvalStep, steps.length - 1);
    const step = steps[stepIndex]!;
    if (step.approverIds.length > 0 && (!me || !step.approverIds.includes(me))) {
      throw new AppError('forbidden', `Step “${step.name}” is decided by its approvers.`);
    }
    const now = ctx.clock();
    await tx.insert(approvals).values({ workspaceId: ws.id, postId: id, round: post.approvalRound, step: stepIndex, decision: input.decision === 'approve' ? 'approved' : 'rejected', comment: input.comment, userId: me, at: now });
    const link = `/w/${ws.id}/posts/${id}`;
    const title = post.title || 'your post';
    if (input.decision === 'reject') {
      await tx.update(postVariants).set({ state: 'draft', updatedAt: now }).where(inArray(postVariants.id, inReview.map((v) => v.id)));
      await tx.update(posts).set({ approvalStep: null, updatedAt: now }).where(eq(posts.id, id));
      await notifyPeople(ctx.deps, tx, ws.id, { userIds: [post.authorId] }, { kind: 'post.rejected', title: `Changes requested: ${title}`, body: `${ctx.actor.name} (${step.name}): ${input.comment}`, link });
    } else if (stepIndex + 1 < steps.length) {
      await tx.update(posts).set({ approvalStep: stepIndex + 1, updatedAt: now }).where(eq(posts.id, id));
      const next = steps[stepIndex + 1]!;
      await notifyPeople(ctx.deps, tx, ws.id, { userIds: await stepApprovers(tx, ws.id, next, post.authorId) }, {
        kind: 'post.review_requested', title: `Approval requested: ${title}`, body: `${ctx.actor.name} approved step “${step.name}”; “${next.name}” is yours.`, link,
      });
    } else {
      const planned = inReview.filter((v) => v.dueAt !== null);
      const unplanned = inReview.filter((v) => v.dueAt === null);
      if (unplanned.length) await tx.update(postVariants).set({ state: 'approved', updatedAt: now }).where(inArray(postVariants.id, unplanned.map((v) => v.id)));
      if (planned.length) {
        await tx.update(postVariants).set({ state: 'scheduled', scheduleVersion: sql`${postVariants.scheduleVersion} + 1`, scheduledBy: me, notBefore: null, updatedAt: now })
          .where(inArray(postVariants.id, planned.map((v) => v.id)));
        await wakeScheduler(tx);
      }
      await tx.update(posts).set({ approvalStep: null, updatedAt: now }).where(eq(posts.id, id));
      await notifyPeople(ctx.deps, tx, ws.id, { userIds: [post.authorId] }, {
        kind: 'post.approved', title: `Approved: ${title}`, body: `${ctx.actor.name} approved it${planned.length ? '; it is scheduled for its planned time' : ''}.${input.comment ? ` “${input.comment}”` : ''}`, link,
      });
    }
    await audit(inTx(ctx, tx), { action: input.decision === 'approve' ? 'post.approve' : 'post.reject', targetType: 'post', targetId: id, after: { step: stepIndex, comment: input.comment } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

/** Posts waiting for a decision the caller may take (their step names them, or names nobody). */
export async function approvalInbox(ctx: Ctx): Promise<{ posts: PostOut[] }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.approve');
  const me = actorUserId(ctx.actor);
  const steps = effectiveSteps(await approvalSteps(ctx.db, ws.id));
  const waiting = await ctx.db.select({ id: posts.id, step: posts.approvalStep }).from(posts)
    .where(and(eq(posts.workspaceId, ws.id), isNotNull(posts.approvalStep), sql`EXISTS (SELECT 1 FROM post_variants v WHERE v.post_id = ${posts.id} AND v.state = 'in_review')`))
    .orderBy(asc(posts.submittedAt));
  const mine = waiting.filter((p) => {
    const step = steps[Math.min(p.step ?? 0, steps.length - 1)]!;
    return step.approverIds.length === 0 || (me !== null && step.approverIds.includes(me));
  });
  return { posts: await loadPosts(ctx.db, ws.id, mine.map((p) => p.id)) };
}

/** Every submission and decision of a post, oldest first. */
export async function approvalHistory(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  await postRow(ctx.db, ws.id, id);
  const rows = await ctx.db.select({ a: approvals, name: users.name }).from(approvals).leftJoin(users, eq(users.id, approvals.userId))
    .where(and(eq(approvals.workspaceId, ws.id), eq(approvals.postId, id))).orderBy(asc(approvals.at));
  return {
    history: rows.map(({ a, name }) => ({ round: a.round, step: a.step, decision: a.decision, comment: a.comment, user: a.userId ? { id: a.userId, name: name ?? '' } : null, at: a.at.toISOString() })),
  };
}
