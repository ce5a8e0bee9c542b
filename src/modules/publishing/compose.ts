import { and, eq, inArray } from 'drizzle-orm';
import type { Limits, MediaInput, ValidationIssue, Variant } from '../../connectors/connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import type { NetworkId } from '../../connectors/connector.ts';
import { detectLinks, detectMentions, detectTags } from '../../connectors/text/detect.ts';
import { countGraphemes, utf8Length } from '../../connectors/text/unicode.ts';
import { countText } from '../../connectors/text/validate.ts';
import { mediaAssets, mediaBlobs } from '../../db/schema/index.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { detectLanguageSync, loadLanguageDetector } from '../insights/index.ts';
import { checkCharter, type CharterIssue, type CharterRules, type CheckedText } from './charter.rules.ts';
import type { MediaRef, PartIn } from './publishing.schema.ts';
import type { ChannelRow } from './publishing.queries.ts';

/**
 * From a stored (or composed) variant to what a connector publishes, and the composer's live checks:
 * network limits through `connector.validate` with the channel's stored limits, the charter's rules,
 * and the data a network-like preview needs.
 */

export type VariantContent = {
  text: string;
  media: MediaRef[];
  thread: PartIn[];
  firstComment: string | null;
  contentWarning: string | null;
  language: string | null;
};

export type AssetInfo = { id: string; mimeType: string; sizeBytes: number; altText: string; filename: string; bytes?: Buffer };

/** Every part of a variant in publishing order: the post, its thread, then the first comment. */
export function contentParts(c: VariantContent): { field: string; text: string; media: MediaRef[] }[] {
  const parts = [{ field: 'text', text: c.text, media: c.media }, ...c.thread.map((p, i) => ({ field: `thread[${i}].text`, text: p.text, media: p.media ?? [] }))];
  if (c.firstComment && c.firstComment.trim() !== '') parts.push({ field: 'firstComment', text: c.firstComment, media: [] });
  return parts;
}

/** Media asset ids a variant uses. */
export function assetIds(c: VariantContent): string[] {
  return [...new Set(contentParts(c).flatMap((p) => p.media.map((m) => m.assetId)))];
}

/** Assets of the workspace by id (bytes too when `withBytes`); unknown ids are refused. */
export async function loadAssets(db: DbOrTx, workspaceId: string, ids: string[], withBytes: boolean): Promise<Map<string, AssetInfo>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select({ id: mediaAssets.id, mimeType: mediaAssets.mimeType, sizeBytes: mediaAssets.sizeBytes, altText: mediaAssets.altText, filename: mediaAssets.filename })
    .from(mediaAssets).where(and(eq(mediaAssets.workspaceId, workspaceId), inArray(mediaAssets.id, ids)));
  const map = new Map<string, AssetInfo>(rows.map((r) => [r.id, r]));
  const missing = ids.find((id) => !map.has(id));
  if (missing) throw new AppError('validation_failed', `Unknown media asset ${missing}.`, 'media');
  if (withBytes) {
    const blobs = await db.select().from(mediaBlobs).where(inArray(mediaBlobs.assetId, ids));
    for (const b of blobs) map.get(b.assetId)!.bytes = b.bytes;
  }
  return map;
}

/**
 * The connector's view of a variant. Without bytes (live validation), each image is a zero-filled
 * buffer of the asset's size: `validate` only reads sizes and types, and large zero pages cost nothing.
 */
export function toConnectorVariant(c: VariantContent, assets: Map<string, AssetInfo>, opts: { replyCapable: boolean } = { replyCapable: true }): Variant {
  const media = (refs: MediaRef[]): MediaInput[] => refs.map((m) => {
    const a = assets.get(m.assetId)!;
    const alt = m.altText ?? a.altText;
    return { bytes: a.bytes ?? new Uint8Array(a.sizeBytes), mimeType: a.mimeType, filename: a.filename, ...(alt ? { altText: alt } : {}) };
  });
  const thread = c.thread.map((p) => ({ text: p.text, ...(p.media?.length ? { media: media(p.media) } : {}) }));
  if (c.firstComment && c.firstComment.trim() !== '' && opts.replyCapable) thread.push({ text: c.firstComment });
  const v: Variant = { text: c.text };
  if (c.media.length) v.media = media(c.media);
  if (thread.length) v.thread = thread;
  if (c.language) v.language = c.language;
  if (c.contentWarning) v.contentWarning = c.contentWarning;
  return v;
}

let languageReady = false;
/** The charter's language detector, loaded once on first need. */
export async function languageDetector(): Promise<(text: string) => { lang: string; reliable: boolean }> {
  if (!languageReady) {
    await loadLanguageDetector();
    languageReady = true;
  }
  return (text) => detectLanguageSync(text);
}

export type PreviewSegment = { type: 'text' | 'link' | 'mention' | 'tag'; text: string; href?: string };
export type VariantCheck = {
  network: string;
  issues: ValidationIssue[];
  charter: CharterIssue[];
  /** True when a network issue or a blocking charter rule prevents publishing. */
  blocked: boolean;
  counts: { field: string; length: number; limit: number; counting: string; bytes: number; maxBytes: number | null }[];
  preview: { handle: string; displayName: string | null; avatarUrl: string | null; parts: { segments: PreviewSegment[]; media: { assetId: string; altText: string; mimeType: string }[] }[]; contentWarning: string | null };
};

/** Splits text into plain, link, mention and tag segments as the network would render them. */
export function segments(text: string): PreviewSegment[] {
  const spans = [
    ...detectLinks(text).map((s) => ({ ...s, type: 'link' as const, href: s.uri })),
    ...detectMentions(text).map((s) => ({ ...s, type: 'mention' as const, href: undefined })),
    ...detectTags(text).map((s) => ({ ...s, type: 'tag' as const, href: undefined })),
  ].sort((a, b) => a.start - b.start);
  const out: PreviewSegment[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at) continue;
    if (s.start > at) out.push({ type: 'text', text: text.slice(at, s.start) });
    out.push({ type: s.type, text: text.slice(s.start, s.end), ...(s.href ? { href: s.href } : {}) });
    at = s.end;
  }
  if (at < text.length) out.push({ type: 'text', text: text.slice(at) });
  return out;
}

/** Network issues, charter issues, counts and preview of one variant on one channel. */
export function checkVariant(channel: ChannelRow, c: VariantContent, assets: Map<string, AssetInfo>, rules: CharterRules, detect?: (text: string) => { lang: string; reliable: boolean }): VariantCheck {
  const connector = getConnector(channel.network as NetworkId);
  const limits = channel.limits as Limits;
  const variant = toConnectorVariant(c, assets, { replyCapable: connector.capabilities.publish.thread || connector.capabilities.publish.reply });
  const issues = connector.validate(variant, limits).map((i) => ({ ...i, field: firstCommentField(i.field, c) }));
  const parts = contentParts(c);
  const checked: CheckedText[] = parts.map((p) => ({ field: p.field, text: p.text }));
  const charter = checkCharter(checked, rules, detect);
  return {
    network: channel.network,
    issues,
    charter,
    blocked: issues.length > 0 || charter.some((i) => i.level === 'block'),
    counts: parts.map((p) => ({
      field: p.field, length: countText(p.text, limits), limit: limits.text.maxLength, counting: limits.text.counting,
      bytes: utf8Length(p.text), maxBytes: limits.text.maxBytes,
    })),
    preview: {
      handle: channel.handle, displayName: channel.displayName, avatarUrl: channel.avatarUrl, contentWarning: c.contentWarning,
      parts: parts.map((p) => ({
        segments: segments(p.text),
        media: p.media.map((m) => ({ assetId: m.assetId, altText: m.altText ?? assets.get(m.assetId)?.altText ?? '', mimeType: assets.get(m.assetId)?.mimeType ?? '' })),
      })),
    },
  };
}

/** The connector numbers the first comment as the thread's last part; the composer calls it `firstComment`. */
function firstCommentField(field: string, c: VariantContent): string {
  if (!c.firstComment || c.firstComment.trim() === '') return field;
  const m = /^thread\[(\d+)\](.*)$/.exec(field);
  if (m && Number(m[1]) === c.thread.length) return `firstComment${m[2]!.replace(/^\.text$/, '')}`;
  return field;
}

export { countGraphemes };
