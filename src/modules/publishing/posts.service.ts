import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { campaigns, postVariants, posts } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import type { Tx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, can, type Role } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { startReview } from './approvals.service.ts';
import { loadCharter } from './charter.service.ts';
import { assetIds, checkVariant, languageDetector, loadAssets, type VariantCheck, type VariantContent } from './compose.ts';
import { approvalSteps, channelsById, loadPosts, postRow, variantRows, type PostRow, type VariantRow } from './publishing.queries.ts';
import type { PostIn, PostOut, PostPatch, VariantIn, VariantState } from './publishing.schema.ts';

/** Use cases of posts: compose (create, edit, duplicate, delete), list and read, and the live check. */

/** States in which a variant's content may still change. */
const EDITABLE: VariantState[] = ['draft', 'in_review', 'approved', 'scheduled', 'failed'];
/** States whose outcome is settled or under way: never edited, never deleted. */
const LOCKED: VariantState[] = ['publishing', 'published', 'unknown'];

export const canPublish = (roles: readonly Role[]) => roles.length > 0 && roles.every((r) => can(r, 'post.publish'));

/** Contributors (who cannot publish) may only change their own posts. */
export function assertMayEdit(ctx: Ctx, post: PostRow): void {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  if (!canPublish(ws.roles) && post.authorId !== actorUserId(ctx.actor)) {
    throw new AppError('forbidden', 'You can only change posts you wrote (post.publish needed for others).');
  }
}

export function contentOf(v: VariantIn | VariantRow): VariantContent {
  return {
    text: v.text, media: (v.media ?? []) as VariantContent['media'], thread: (v.thread ?? []) as VariantContent['thread'],
    firstComment: v.firstComment ?? null, contentWarning: v.contentWarning ?? null, language: v.language ?? null,
  };
}

function sameContent(a: VariantContent, b: VariantContent): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function checkReferences(tx: Tx, workspaceId: string, input: { campaignId?: string | null | undefined; variants?: VariantIn[] | undefined }) {
  if (input.campaignId) {
    const [c] = await tx.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.id, input.campaignId), eq(campaigns.workspaceId, workspaceId)));
    if (!c) throw new AppError('validation_failed', 'Unknown campaign.', 'campaignId');
  }
  if (input.variants) {
    await channelsById(tx, workspaceId, input.variants.map((v) => v.channelId));
    const seen = new Set<string>();
    input.variants.forEach((v, i) => {
      if (seen.has(v.channelId)) throw new AppError('validation_failed', 'One variant per channel.', `variants[${i}].channelId`);
      seen.add(v.channelId);
    });
    await loadAssets(tx, workspaceId, [...new Set(input.variants.flatMap((v) => assetIds(contentOf(v))))], false);
  }
}

const variantValues = (v: VariantIn) => ({
  channelId: v.channelId, text: v.text, media: v.media, thread: v.thread, firstComment: v.firstComment, contentWarning: v.contentWarning, language: v.language,
});

/** Creates a draft post with one variant per channel. */
export async function createPost(ctx: Ctx, input: PostIn): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const id = await ctx.deps.db.transaction(async (tx) => {
    await checkReferences(tx, ws.id, input);
    const now = ctx.clock();
    const [post] = await tx.insert(posts).values({
      workspaceId: ws.id, authorId: actorUserId(ctx.actor), title: input.title, campaignId: input.campaignId, tags: input.tags, createdAt: now, updatedAt: now,
    }).returning();
    const dueAt = input.plannedAt ? new Date(input.plannedAt) : null;
    await tx.insert(postVariants).values(input.variants.map((v) => ({ workspaceId: ws.id, postId: post!.id, ...variantValues(v), dueAt, createdAt: now, updatedAt: now })));
    await audit(inTx(ctx, tx), { action: 'post.create', targetType: 'post', targetId: post!.id, after: { title: input.title, channels: input.variants.map((v) => v.channelId) } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: post!.id } });
    return post!.id;
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

export async function getPost(ctx: Ctx, id: string): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const [post] = await loadPosts(ctx.db, ws.id, [id]);
  if (!post) throw new AppError('not_found', 'Post not found.');
  return post;
}

export type PostFilter = { state?: VariantState | undefined; channelId?: string | undefined; campaignId?: string | undefined; tag?: string | undefined; authorId?: string | undefined; limit: number; offset: number };

/** Posts of the workspace, newest first, filtered by a variant state, channel, campaign, tag or author. */
export async function listPosts(ctx: Ctx, f: PostFilter): Promise<{ posts: PostOut[]; total: number }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const where: SQL[] = [eq(posts.workspaceId, ws.id)];
  if (f.campaignId) where.push(eq(posts.campaignId, f.campaignId));
  if (f.tag) where.push(sql`${f.tag} = ANY(${posts.tags})`);
  if (f.authorId) where.push(eq(posts.authorId, f.authorId));
  if (f.state || f.channelId) {
    const cond: SQL[] = [sql`v.post_id = ${posts.id}`];
    if (f.state) cond.push(sql`v.state = ${f.state}`);
    if (f.channelId) cond.push(sql`v.channel_id = ${f.channelId}`);
    where.push(sql`EXISTS (SELECT 1 FROM post_variants v WHERE ${sql.join(cond, sql` AND `)})`);
  }
  const rows = await ctx.db.select({ id: posts.id }).from(posts).where(and(...where)).orderBy(desc(posts.createdAt), desc(posts.id)).limit(f.limit).offset(f.offset);
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(posts).where(and(...where));
  return { posts: await loadPosts(ctx.db, ws.id, rows.map((r) => r.id)), total: count?.n ?? 0 };
}

/**
 * Edits a post. Content changes to a post under review, approved or scheduled send it back for approval
 * when approval applies (the workspace has approval steps, or the editor cannot publish); otherwise a
 * scheduled variant stays scheduled with its new content. Variants publishing, published or with an
 * unknown outcome cannot change.
 */
export async function updatePost(ctx: Ctx, id: string, patch: PostPatch): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id, true);
    assertMayEdit(ctx, post);
    await checkReferences(tx, ws.id, patch);
    const now = ctx.clock();
    const existing = await variantRows(tx, ws.id, id);
    const steps = await approvalSteps(tx, ws.id);
    const needsApproval = steps.length > 0 || !canPublish(ws.roles);
    const live = existing.filter((v) => !['failed'].includes(v.state));
    const phase: VariantState = live.some((v) => v.state === 'in_review') ? 'in_review'
      : live.some((v) => v.state === 'scheduled' || v.state === 'approved') ? 'approved' : 'draft';
    let contentChanged = false;

    if (patch.variants) {
      const byId = new Map(existing.map((v) => [v.id, v]));
      const keep = new Set<string>();
      for (const [i, input] of patch.variants.entries()) {
        const current = input.id ? byId.get(input.id) : undefined;
        if (input.id && !current) throw new AppError('validation_failed', 'Unknown variant of this post.', `variants[${i}].id`);
        if (current) {
          keep.add(current.id);
          const changed = current.channelId !== input.channelId || !sameContent(contentOf(current), contentOf(input));
          if (!changed) continue;
          if (LOCKED.includes(current.state as VariantState)) throw new AppError('invalid_state', `The variant for this channel is ${current.state}: it can no longer change.`, `variants[${i}]`);
          if ((current.parts as unknown[]).length > 0) throw new AppError('invalid_state', 'Part of this thread is already published: it can no longer change.', `variants[${i}]`);
          contentChanged = true;
          const state = current.state === 'failed' ? (needsApproval ? 'draft' : 'approved') : current.state;
          await tx.update(postVariants).set({ ...variantValues(input), state, error: current.state === 'failed' ? null : current.error, errorCode: current.state === 'failed' ? null : current.errorCode, issues: null, updatedAt: now })
            .where(eq(postVariants.id, current.id));
        } else {
          contentChanged = true;
          const state: VariantState = phase === 'draft' ? 'draft' : phase === 'in_review' ? 'in_review' : needsApproval ? 'in_review' : 'approved';
          await tx.insert(postVariants).values({ workspaceId: ws.id, postId: id, ...variantValues(input), state, dueAt: existing[0]?.dueAt ?? null, createdAt: now, updatedAt: now });
        }
      }
      const removed = existing.filter((v) => !keep.has(v.id));
      for (const v of removed) {
        if (LOCKED.includes(v.state as VariantState)) throw new AppError('invalid_state', `The variant for a removed channel is ${v.state}: it cannot be removed.`, 'variants');
      }
      if (removed.length) await tx.delete(postVariants).where(inArray(postVariants.id, removed.map((v) => v.id)));
    }
    if (patch.plannedAt !== undefined) {
      await tx.update(postVariants).set({ dueAt: patch.plannedAt ? new Date(patch.plannedAt) : null, updatedAt: now })
        .where(and(eq(postVariants.postId, id), inArray(postVariants.state, ['draft', 'in_review', 'approved', 'failed'])));
    }
    const postPatch: Partial<typeof posts.$inferInsert> = { updatedAt: now };
    if (patch.title !== undefined) postPatch.title = patch.title;
    if (patch.campaignId !== undefined) postPatch.campaignId = patch.campaignId;
    if (patch.tags !== undefined) postPatch.tags = patch.tags;
    await tx.update(posts).set(postPatch).where(eq(posts.id, id));
    if (contentChanged && needsApproval && phase !== 'draft') {
      // Editing a post under review or approved sends it back to the first approval step.
      await tx.update(postVariants).set({ state: 'in_review', updatedAt: now })
        .where(and(eq(postVariants.postId, id), inArray(postVariants.state, ['in_review', 'approved', 'scheduled', 'draft'])));
      await startReview(ctx, tx, { ...post, ...postPatch } as PostRow, 'edited');
    }
    await audit(inTx(ctx, tx), { action: 'post.update', targetType: 'post', targetId: id, after: { ...patch, variants: patch.variants?.map((v) => v.channelId) } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
  });
  return (await loadPosts(ctx.db, ws.id, [id]))[0]!;
}

/** A new draft with the same content, campaign and tags (no time, no outcome). */
export async function duplicatePost(ctx: Ctx, id: string): Promise<PostOut> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const newId = await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id);
    const variants = await variantRows(tx, ws.id, id);
    const now = ctx.clock();
    const [copy] = await tx.insert(posts).values({
      workspaceId: ws.id, authorId: actorUserId(ctx.actor), title: post.title ? `${post.title} (copy)` : '', campaignId: post.campaignId, tags: post.tags, createdAt: now, updatedAt: now,
    }).returning();
    if (variants.length) {
      await tx.insert(postVariants).values(variants.map((v) => ({
        workspaceId: ws.id, postId: copy!.id, channelId: v.channelId, text: v.text, media: v.media, thread: v.thread, firstComment: v.firstComment,
        contentWarning: v.contentWarning, language: v.language, createdAt: now, updatedAt: now,
      })));
    }
    await audit(inTx(ctx, tx), { action: 'post.duplicate', targetType: 'post', targetId: copy!.id, after: { from: id } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: copy!.id } });
    return copy!.id;
  });
  return (await loadPosts(ctx.db, ws.id, [newId]))[0]!;
}

/** Deletes a post that has nothing publishing or with an unknown outcome (published posts stay on the network). */
export async function deletePost(ctx: Ctx, id: string): Promise<void> {
  const ws = scope(ctx);
  await ctx.deps.db.transaction(async (tx) => {
    const post = await postRow(tx, ws.id, id, true);
    assertMayEdit(ctx, post);
    const variants = await variantRows(tx, ws.id, id);
    const busy = variants.find((v) => v.state === 'publishing' || v.state === 'unknown');
    if (busy) throw new AppError('invalid_state', `A variant is ${busy.state}; wait for its outcome before deleting the post.`);
    await tx.delete(posts).where(eq(posts.id, id));
    await audit(inTx(ctx, tx), { action: 'post.delete', targetType: 'post', targetId: id, before: { title: post.title, variants: variants.map((v) => ({ channelId: v.channelId, state: v.state })) } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id } });
  });
}

/**
 * The composer's live check of unsaved content: per variant, network issues (counted the way the
 * network counts, with the channel's stored limits), charter issues and preview data.
 */
export async function validateDraft(ctx: Ctx, variants: VariantIn[]): Promise<{ variants: (VariantCheck & { channelId: string })[]; toneNotes: string }> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const channels = await channelsById(ctx.db, ws.id, variants.map((v) => v.channelId));
  const assets = await loadAssets(ctx.db, ws.id, [...new Set(variants.flatMap((v) => assetIds(contentOf(v))))], false);
  const charter = await loadCharter(ctx.db, ws.id);
  const detect = charter.rules.language && charter.rules.language.level !== 'off' ? await languageDetector() : undefined;
  return {
    toneNotes: charter.toneNotes,
    variants: variants.map((v) => ({ channelId: v.channelId, ...checkVariant(channels.get(v.channelId)!, contentOf(v), assets, charter.rules, detect) })),
  };
}

/** The same check for the variants of a saved post. */
export async function validatePost(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  await postRow(ctx.db, ws.id, id);
  const variants = await variantRows(ctx.db, ws.id, id);
  const result = await validateDraft(ctx, variants.map((v) => ({ ...contentOf(v), channelId: v.channelId, id: v.id } as VariantIn)));
  return { toneNotes: result.toneNotes, variants: result.variants.map((c, i) => ({ ...c, variantId: variants[i]!.id })) };
}
