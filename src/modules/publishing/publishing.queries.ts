import { and, eq, inArray } from 'drizzle-orm';
import type { NetworkId } from '../../connectors/connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import { approvalFlows, campaigns, channels, postVariants, posts, users } from '../../db/schema/index.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { VARIANT_STATES, type PostOut, type VariantOut, type VariantState } from './publishing.schema.ts';

/** Loaders and presenters shared by the publishing services; every query is scoped by workspace. */

export type PostRow = typeof posts.$inferSelect;
export type VariantRow = typeof postVariants.$inferSelect;
export type ChannelRow = typeof channels.$inferSelect;
export type ApprovalStep = { name: string; approverIds: string[] };

/** Error codes after which publishing again cannot duplicate anything (nothing reached the network). */
const RETRYABLE_CODES = new Set(['missed_grace', 'transient', 'reconnect_needed', 'charter_blocked', 'rate_limited']);

export function isRetryable(v: VariantRow): boolean {
  return v.state === 'failed' && RETRYABLE_CODES.has(v.errorCode ?? '');
}

export function presentVariant(v: VariantRow, channel: Pick<ChannelRow, 'network' | 'handle'> | undefined): VariantOut {
  const parts = (v.parts as VariantOut['parts']) ?? [];
  return {
    id: v.id, postId: v.postId, channelId: v.channelId, network: channel?.network ?? 'unknown', channelHandle: channel?.handle ?? '',
    text: v.text, media: v.media as VariantOut['media'], thread: v.thread as VariantOut['thread'],
    firstComment: v.firstComment, contentWarning: v.contentWarning, language: v.language,
    state: v.state as VariantState, dueAt: v.dueAt?.toISOString() ?? null, notBefore: v.notBefore?.toISOString() ?? null,
    scheduleVersion: v.scheduleVersion, attempts: v.attempts, remoteId: v.remoteId, remoteUrl: v.remoteUrl, parts,
    publishedAt: v.publishedAt?.toISOString() ?? null, error: v.error, errorCode: v.errorCode, issues: v.issues ?? null,
    retryable: isRetryable(v), needsDecision: v.state === 'unknown' && v.errorCode === 'needs_decision', updatedAt: v.updatedAt.toISOString(),
  };
}

/** The least advanced state among variants (draft < in_review < … < published), failures and unknowns first. */
export function summaryState(states: string[]): VariantState {
  if (states.includes('unknown')) return 'unknown';
  if (states.includes('failed')) return 'failed';
  const order = VARIANT_STATES.filter((s) => s !== 'failed' && s !== 'unknown');
  for (const s of order) if (states.includes(s)) return s;
  return 'draft';
}

export async function approvalSteps(db: DbOrTx, workspaceId: string): Promise<ApprovalStep[]> {
  const [row] = await db.select().from(approvalFlows).where(eq(approvalFlows.workspaceId, workspaceId));
  return (row?.steps as ApprovalStep[] | undefined) ?? [];
}

/** The steps that apply: the configured ones, or one step any approver may decide. */
export function effectiveSteps(steps: ApprovalStep[]): ApprovalStep[] {
  return steps.length > 0 ? steps : [{ name: 'Approval', approverIds: [] }];
}

/** Posts with everything their presentation needs, in the order of `ids`. */
export async function loadPosts(db: DbOrTx, workspaceId: string, ids: string[]): Promise<PostOut[]> {
  if (ids.length === 0) return [];
  const rows = await db.select({ post: posts, author: { id: users.id, name: users.name }, campaign: campaigns }).from(posts)
    .leftJoin(users, eq(users.id, posts.authorId)).leftJoin(campaigns, eq(campaigns.id, posts.campaignId))
    .where(and(eq(posts.workspaceId, workspaceId), inArray(posts.id, ids)));
  const variants = await db.select({ v: postVariants, ch: { network: channels.network, handle: channels.handle } }).from(postVariants)
    .innerJoin(channels, eq(channels.id, postVariants.channelId))
    .where(and(eq(postVariants.workspaceId, workspaceId), inArray(postVariants.postId, ids)))
    .orderBy(postVariants.createdAt, postVariants.id);
  const steps = effectiveSteps(await approvalSteps(db, workspaceId));
  const byPost = new Map<string, VariantOut[]>();
  for (const { v, ch } of variants) {
    const list = byPost.get(v.postId) ?? [];
    list.push(presentVariant(v, ch));
    byPost.set(v.postId, list);
  }
  const byId = new Map(rows.map((r) => [r.post.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    if (!r) return [];
    const vs = byPost.get(id) ?? [];
    const p = r.post;
    return [{
      id: p.id, title: p.title, author: r.author?.id ? { id: r.author.id, name: r.author.name } : null,
      campaign: r.campaign ? { id: r.campaign.id, name: r.campaign.name, color: r.campaign.color } : null,
      tags: p.tags, recurrence: p.recurrence ?? null, seriesId: p.seriesId, occurrence: p.occurrence,
      status: summaryState(vs.map((v) => v.state)),
      approval: { round: p.approvalRound, step: p.approvalStep, steps, submittedAt: p.submittedAt?.toISOString() ?? null },
      variants: vs, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString(),
    }];
  });
}

/** A post row of the workspace (404 otherwise), optionally locked for update. */
export async function postRow(db: DbOrTx, workspaceId: string, id: string, lock = false): Promise<PostRow> {
  const q = db.select().from(posts).where(and(eq(posts.id, id), eq(posts.workspaceId, workspaceId)));
  const [row] = lock ? await q.for('update') : await q;
  if (!row) throw new AppError('not_found', 'Post not found.');
  return row;
}

export async function variantRows(db: DbOrTx, workspaceId: string, postId: string): Promise<VariantRow[]> {
  return db.select().from(postVariants).where(and(eq(postVariants.workspaceId, workspaceId), eq(postVariants.postId, postId))).orderBy(postVariants.createdAt, postVariants.id);
}

/** A variant row of the workspace (404 otherwise). */
export async function variantRow(db: DbOrTx, workspaceId: string, id: string): Promise<VariantRow> {
  const [row] = await db.select().from(postVariants).where(and(eq(postVariants.id, id), eq(postVariants.workspaceId, workspaceId)));
  if (!row) throw new AppError('not_found', 'Variant not found.');
  return row;
}

/** Channels of the workspace by id; refuses ids of other workspaces (as a validation error on `field`). */
export async function channelsById(db: DbOrTx, workspaceId: string, ids: string[], field = 'variants'): Promise<Map<string, ChannelRow>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await db.select().from(channels).where(and(eq(channels.workspaceId, workspaceId), inArray(channels.id, unique))) : [];
  const map = new Map(rows.map((r) => [r.id, r]));
  const missing = unique.findIndex((id) => !map.has(id));
  if (missing >= 0) throw new AppError('validation_failed', 'Unknown channel.', `${field}[${ids.indexOf(unique[missing]!)}].channelId`);
  // A channel that publishes no posts of its own (Google Business Profile only answers reviews).
  const postless = ids.findIndex((id) => !getConnector(map.get(id)!.network as NetworkId).capabilities.publish.text);
  if (postless >= 0) {
    const ch = map.get(ids[postless]!)!;
    throw new AppError('validation_failed', `${ch.handle} (${ch.network}) cannot publish posts: it only answers from the inbox.`, `${field}[${postless}].channelId`);
  }
  return map;
}
