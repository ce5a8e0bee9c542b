import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { Limits, MediaInput, Variant, VariantPart } from '../../connectors/connector.ts';
import { channels } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { callChannel, openChannel } from './channel.gateway.ts';
import type { TestPostIn } from './channels.schema.ts';
import { getChannelRow } from './channels.service.ts';

/**
 * What a channel's test page does, through the connector contract only: validate, publish (text,
 * images with alt text, threads, replies), delete, read interactions with a resumable cursor, hide a
 * reply, fetch metrics. The publishing and inbox capabilities build on the same calls.
 */

function toPart(p: { text: string; images?: { dataBase64: string; mimeType: string; altText?: string | undefined }[] | undefined }, field: string): VariantPart {
  const media: MediaInput[] = (p.images ?? []).map((img, i) => {
    const bytes = Buffer.from(img.dataBase64, 'base64');
    if (bytes.length === 0) throw new AppError('validation_failed', 'The image is empty or not base64.', `${field}images.${i}.dataBase64`);
    return { bytes: new Uint8Array(bytes), mimeType: img.mimeType, ...(img.altText ? { altText: img.altText } : {}) };
  });
  return { text: p.text, ...(media.length ? { media } : {}) };
}

export function toVariant(input: TestPostIn): Variant {
  return {
    ...toPart(input, ''),
    ...(input.thread?.length ? { thread: input.thread.map((p, i) => toPart(p, `thread.${i}.`)) } : {}),
    ...(input.replyTo ? { replyTo: input.replyTo } : {}),
    ...(input.language ? { language: input.language } : {}),
  };
}

/** Every issue of a post against the channel's limits (pure; nothing is sent). */
export async function validatePost(ctx: Ctx, id: string, input: TestPostIn) {
  authorize(scope(ctx).roles, 'post.draft');
  const row = await getChannelRow(ctx, id);
  const { connector } = openChannel(ctx.deps, row);
  return { issues: connector.validate(toVariant(input), row.limits as Limits) };
}

/** Publishes now. Over-limit input is refused before anything is sent (a thread is never half-published). */
export async function publishTest(ctx: Ctx, id: string, input: TestPostIn) {
  authorize(scope(ctx).roles, 'post.publish');
  const row = await getChannelRow(ctx, id);
  const variant = toVariant(input);
  const { connector } = openChannel(ctx.deps, row);
  const issues = connector.validate(variant, row.limits as Limits);
  if (issues.length > 0) throw new AppError('validation_failed', issues.map((i) => i.message).join(' '), issues[0]!.field);
  const published = await callChannel(ctx.deps, row, (c, cctx) => c.publish(cctx, {
    variant, idempotencyKey: `test:${row.id}:${randomUUID()}`, scheduledAt: ctx.clock(), limits: row.limits as Limits,
  }));
  await audit(ctx, { action: 'channel.test_publish', targetType: 'channel', targetId: row.id, after: { remoteId: published.remoteId, url: published.url, parts: published.parts.length } });
  return { remoteId: published.remoteId, url: published.url, publishedAt: published.publishedAt.toISOString(), parts: published.parts.map((p) => ({ index: p.index, remoteId: p.remoteId, url: p.url })) };
}

/** Deletes one of the channel's own posts. */
export async function deleteTestPost(ctx: Ctx, id: string, remoteId: string) {
  authorize(scope(ctx).roles, 'post.publish');
  const row = await getChannelRow(ctx, id);
  await callChannel(ctx.deps, row, (c, cctx) => c.deletePost(cctx, remoteId));
  await audit(ctx, { action: 'channel.test_delete', targetType: 'channel', targetId: row.id, before: { remoteId } });
}

/**
 * Reads interactions newer than the channel's stored cursor (or from the start with `fromStart`), and
 * stores the new cursor, so the next call resumes where this one stopped.
 */
export async function readInteractions(ctx: Ctx, id: string, opts: { fromStart: boolean; limit: number }) {
  authorize(scope(ctx).roles, 'inbox.read');
  const row = await getChannelRow(ctx, id);
  const page = await callChannel(ctx.deps, row, (c, cctx) => c.fetchInteractions(cctx, opts.fromStart ? null : row.interactionsCursor, { limit: opts.limit }));
  await ctx.db.update(channels).set({ interactionsCursor: page.cursor ?? row.interactionsCursor }).where(eq(channels.id, row.id));
  return {
    items: page.items.map((i) => ({
      remoteId: i.remoteId, kind: i.kind, text: i.text, createdAt: i.createdAt.toISOString(), inReplyTo: i.inReplyTo, root: i.root, url: i.url,
      author: { remoteId: i.author.remoteId, handle: i.author.handle, displayName: i.author.displayName, avatarUrl: i.author.avatarUrl },
    })),
    cursor: page.cursor,
    hasMore: page.hasMore,
  };
}

/** Hides (or unhides) someone's reply below our post, where the network allows it. */
export async function moderateTest(ctx: Ctx, id: string, input: { action: 'hide' | 'unhide'; remoteId: string; root?: string | undefined }) {
  authorize(scope(ctx).roles, 'moderation.manage');
  const row = await getChannelRow(ctx, id);
  const { connector } = openChannel(ctx.deps, row);
  if (!connector.capabilities.moderation.includes(input.action)) {
    throw new AppError('network_rejected', `${row.network} does not let Passerelle ${input.action} replies.`);
  }
  await callChannel(ctx.deps, row, (c, cctx) => c.moderate(cctx, input.action, { remoteId: input.remoteId, ...(input.root ? { root: input.root } : {}) }));
  await audit(ctx, { action: `channel.test_${input.action}`, targetType: 'channel', targetId: row.id, after: { remoteId: input.remoteId } });
}

/** Current counts of posts of this channel. */
export async function fetchTestMetrics(ctx: Ctx, id: string, remoteIds: string[]) {
  authorize(scope(ctx).roles, 'analytics.read');
  const row = await getChannelRow(ctx, id);
  const snaps = await callChannel(ctx.deps, row, (c, cctx) => c.fetchMetrics(cctx, remoteIds));
  return { metrics: snaps.map((s) => ({ remoteId: s.remoteId, fetchedAt: s.fetchedAt.toISOString(), values: s.values, fields: s.fields })) };
}
