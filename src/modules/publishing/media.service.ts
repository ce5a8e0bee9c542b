import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { mediaAssets, mediaBlobs } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';

/**
 * The media library: images and videos with alt text, reusable across posts. Bytes live in
 * PostgreSQL (`media_blobs`) so that every web and worker process sees them without a shared disk.
 * The type is read from the file's first bytes (magic numbers), never trusted from the client.
 */

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const MAX_VIDEO_BYTES = 50 * 1024 * 1024;

/** The media type of `bytes` from its signature, or null when it is not an image or video we accept. */
export function sniffMime(bytes: Uint8Array): { mimeType: string; kind: 'image' | 'video' } | null {
  const b = bytes;
  const at = (i: number, ...sig: number[]) => sig.every((x, j) => b[i + j] === x);
  const ascii = (i: number, s: string) => [...s].every((c, j) => b[i + j] === c.charCodeAt(0));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { mimeType: 'image/png', kind: 'image' };
  if (at(0, 0xff, 0xd8, 0xff)) return { mimeType: 'image/jpeg', kind: 'image' };
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return { mimeType: 'image/gif', kind: 'image' };
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return { mimeType: 'image/webp', kind: 'image' };
  if (ascii(4, 'ftyp')) {
    const brand = String.fromCharCode(...b.slice(8, 12));
    if (/^(avif|avis)/.test(brand)) return { mimeType: 'image/avif', kind: 'image' };
    if (brand === 'qt  ') return { mimeType: 'video/quicktime', kind: 'video' };
    return { mimeType: 'video/mp4', kind: 'video' };
  }
  if (at(0, 0x1a, 0x45, 0xdf, 0xa3)) return { mimeType: 'video/webm', kind: 'video' };
  return null;
}

type AssetRow = typeof mediaAssets.$inferSelect;
export function presentAsset(a: AssetRow) {
  return { id: a.id, kind: a.kind, mimeType: a.mimeType, sizeBytes: a.sizeBytes, filename: a.filename, altText: a.altText, sha256: a.sha256, createdAt: a.createdAt.toISOString() };
}

/** Stores an upload after checking its real type and size. */
export async function uploadMedia(ctx: Ctx, input: { bytes: Buffer; filename: string; altText: string; declaredMime?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  if (input.bytes.length === 0) throw new AppError('validation_failed', 'The file is empty.', 'file');
  const sniffed = sniffMime(input.bytes);
  if (!sniffed) throw new AppError('validation_failed', 'Only images (PNG, JPEG, GIF, WebP, AVIF) and videos (MP4, MOV, WebM) are accepted.', 'file');
  if (input.declaredMime && input.declaredMime.split('/')[0] !== sniffed.kind) {
    throw new AppError('validation_failed', `The file says it is ${input.declaredMime} but its content is ${sniffed.mimeType}.`, 'mimeType');
  }
  const max = sniffed.kind === 'image' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
  if (input.bytes.length > max) throw new AppError('payload_too_large', `${sniffed.kind === 'image' ? 'Images' : 'Videos'} are limited to ${max / 1024 / 1024} MB.`, 'file');
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const row = await ctx.deps.db.transaction(async (tx) => {
    const [a] = await tx.insert(mediaAssets).values({
      workspaceId: ws.id, kind: sniffed.kind, mimeType: sniffed.mimeType, sizeBytes: input.bytes.length, sha256,
      filename: input.filename.slice(0, 200) || 'file', altText: input.altText, createdBy: actorUserId(ctx.actor), createdAt: ctx.clock(),
    }).returning();
    await tx.insert(mediaBlobs).values({ assetId: a!.id, bytes: input.bytes });
    await audit(inTx(ctx, tx), { action: 'media.upload', targetType: 'media', targetId: a!.id, after: { filename: a!.filename, mimeType: a!.mimeType, sizeBytes: a!.sizeBytes } });
    return a!;
  });
  return presentAsset(row);
}

export async function listMedia(ctx: Ctx, q: { limit: number; offset: number; kind?: 'image' | 'video' | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const where = and(eq(mediaAssets.workspaceId, ws.id), q.kind ? eq(mediaAssets.kind, q.kind) : undefined);
  const rows = await ctx.db.select().from(mediaAssets).where(where).orderBy(desc(mediaAssets.createdAt), desc(mediaAssets.id)).limit(q.limit).offset(q.offset);
  const [c] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(mediaAssets).where(where);
  return { media: rows.map(presentAsset), total: c?.n ?? 0 };
}

async function assetRow(ctx: Ctx, id: string): Promise<AssetRow> {
  const ws = scope(ctx);
  const [a] = await ctx.db.select().from(mediaAssets).where(and(eq(mediaAssets.id, id), eq(mediaAssets.workspaceId, ws.id)));
  if (!a) throw new AppError('not_found', 'Media not found.');
  return a;
}

export async function getMediaContent(ctx: Ctx, id: string): Promise<{ mimeType: string; bytes: Buffer; filename: string }> {
  authorize(scope(ctx).roles, 'post.read');
  const a = await assetRow(ctx, id);
  const [b] = await ctx.db.select().from(mediaBlobs).where(eq(mediaBlobs.assetId, id));
  if (!b) throw new AppError('not_found', 'Media not found.');
  return { mimeType: a.mimeType, bytes: b.bytes, filename: a.filename };
}

export async function updateMedia(ctx: Ctx, id: string, patch: { altText?: string | undefined; filename?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const a = await assetRow(ctx, id);
  const set: Partial<AssetRow> = {};
  if (patch.altText !== undefined) set.altText = patch.altText;
  if (patch.filename !== undefined) set.filename = patch.filename;
  const row = await ctx.deps.db.transaction(async (tx) => {
    const [u] = await tx.update(mediaAssets).set(set).where(eq(mediaAssets.id, id)).returning();
    await audit(inTx(ctx, tx), { action: 'media.update', targetType: 'media', targetId: id, before: { altText: a.altText, filename: a.filename }, after: patch });
    return u!;
  });
  return presentAsset(row);
}

/** Deletes an asset no variant still waiting to be published uses. */
export async function deleteMedia(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const a = await assetRow(ctx, id);
  const res = await ctx.db.execute(sql`SELECT 1 FROM post_variants WHERE workspace_id = ${ws.id} AND state IN ('draft','in_review','approved','scheduled','publishing','unknown')
    AND (media @> ${JSON.stringify([{ assetId: id }])}::jsonb OR EXISTS (SELECT 1 FROM jsonb_array_elements(thread) t WHERE t->'media' @> ${JSON.stringify([{ assetId: id }])}::jsonb)) LIMIT 1`);
  if (res.rows.length) throw new AppError('invalid_state', 'A post that is not published yet uses this media; remove it there first.');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.delete(mediaAssets).where(eq(mediaAssets.id, id));
    await audit(inTx(ctx, tx), { action: 'media.delete', targetType: 'media', targetId: id, before: { filename: a.filename } });
  });
}
