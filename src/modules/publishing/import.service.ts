import { eq } from 'drizzle-orm';
import { channels } from '../../db/schema/index.ts';
import { allInTx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { guardedFetch } from '../channels/channel.gateway.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { submitPost } from './approvals.service.ts';
import { loadCharter } from './charter.service.ts';
import { checkVariant, languageDetector, type AssetInfo } from './compose.ts';
import { parseCsv } from './import.csv.ts';
import { MAX_IMAGE_BYTES, sniffMime, uploadMedia } from './media.service.ts';
import { canPublish, createPost } from './posts.service.ts';
import { approvalSteps, type ChannelRow } from './publishing.queries.ts';
import { schedulePost } from './schedule.service.ts';
import { isLocalDate, isLocalTime, localToUtc } from './tz.ts';

/**
 * CSV bulk import: one row per post (time, channels, text, media URL, link). Every row is checked
 * first (time, channels, network limits, charter); when any row is invalid nothing is imported, unless
 * the caller chose to import the valid rows. Media URLs are fetched through the SSRF guard. The posts
 * are created in one transaction (all or none); submitting or scheduling them follows, post by post.
 */

export type ImportOptions = { csv: string; dryRun: boolean; importValidRows: boolean; then: 'draft' | 'submit' | 'schedule' };
type RowError = { field: string; message: string };
type RowReport = { line: number; ok: boolean; errors: RowError[]; at: string | null; channelIds: string[]; postId: string | null };

const REQUIRED = ['time', 'channels', 'text'];
const MAX_ROWS = 500;

function parseTime(value: string, tz: string): Date | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v)) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})$/.exec(v);
  if (m && isLocalDate(m[1]!) && isLocalTime(m[2]!)) return localToUtc(m[1]!, m[2]!, tz);
  return null;
}

function matchChannel(list: ChannelRow[], ref: string): ChannelRow | undefined {
  const r = ref.trim().toLowerCase().replace(/^@/, '');
  const byHandle = (h: string, net: string | null) => list.find((c) => c.handle.toLowerCase() === h.replace(/^@/, '') && (net === null || c.network === net));
  const colon = r.indexOf(':');
  return list.find((c) => c.id === r) ?? byHandle(r, null) ?? (colon > 0 ? byHandle(r.slice(colon + 1), r.slice(0, colon)) : undefined);
}

async function fetchMedia(ctx: Ctx, url: string): Promise<{ bytes: Buffer; filename: string }> {
  const res = await guardedFetch(ctx.deps)(url, { signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`the server answered ${res.status}`);
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_IMAGE_BYTES) throw new Error('the image is over 10 MB');
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_IMAGE_BYTES) throw new Error('the image is over 10 MB');
  return { bytes, filename: new URL(url).pathname.split('/').pop() || 'image' };
}

/** Checks (and unless `dryRun`, imports) a CSV; returns a per-row report. */
export async function importCsv(ctx: Ctx, opts: ImportOptions) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  if (opts.then === 'schedule') {
    authorize(ws.roles, 'post.publish');
    if ((await approvalSteps(ctx.db, ws.id)).length > 0) throw new AppError('approval_required', 'Posts of this workspace are approved before they are scheduled: import them as drafts or submit them.');
  }
  let parsed;
  try {
    parsed = parseCsv(opts.csv);
  } catch (err) {
    throw new AppError('validation_failed', (err as Error).message, 'csv');
  }
  const missing = REQUIRED.filter((h) => !parsed.header.includes(h));
  if (missing.length) throw new AppError('validation_failed', `The header row must name the columns time, channels, text (and optionally media_url, link); missing: ${missing.join(', ')}.`, 'csv');
  if (parsed.rows.length === 0) throw new AppError('validation_failed', 'The file has no rows.', 'csv');
  if (parsed.rows.length > MAX_ROWS) throw new AppError('validation_failed', `At most ${MAX_ROWS} rows per import.`, 'csv');
  const col = (row: string[], name: string) => (row[parsed.header.indexOf(name)] ?? '').trim();

  const chans = await ctx.db.select().from(channels).where(eq(channels.workspaceId, ws.id));
  const charter = await loadCharter(ctx.db, ws.id);
  const detect = charter.rules.language && charter.rules.language.level !== 'off' ? await languageDetector() : undefined;
  const now = ctx.clock();
  const prepared: { report: RowReport; text: string; mediaUrl: string; at: Date | null; targets: ChannelRow[] }[] = [];

  for (const r of parsed.rows) {
    const errors: RowError[] = [];
    const at = parseTime(col(r.cells, 'time'), ws.timezone);
    if (!col(r.cells, 'time')) errors.push({ field: 'time', message: 'A time is required.' });
    else if (!at) errors.push({ field: 'time', message: 'Write the time as 2026-03-10 09:00 (workspace time zone) or ISO 8601 with an offset.' });
    else if (opts.then === 'schedule' && at.getTime() < now.getTime() - 60_000) errors.push({ field: 'time', message: 'This time is in the past.' });
    const refs = col(r.cells, 'channels').split(/[|;,]/).map((s) => s.trim()).filter(Boolean);
    const targets: ChannelRow[] = [];
    if (refs.length === 0) errors.push({ field: 'channels', message: 'Name at least one channel (its handle, or network:handle).' });
    for (const ref of refs) {
      const c = matchChannel(chans, ref);
      if (!c) errors.push({ field: 'channels', message: `No connected channel “${ref}”.` });
      else if (!targets.includes(c)) targets.push(c);
    }
    let text = col(r.cells, 'text');
    const link = col(r.cells, 'link');
    if (link) {
      if (!/^https?:\/\/\S+$/i.test(link)) errors.push({ field: 'link', message: 'The link must be an http(s) URL.' });
      else if (!text.includes(link)) text = `${text}${text ? '\n' : ''}${link}`;
    }
    const mediaUrl = col(r.cells, 'media_url');
    if (mediaUrl && !/^https?:\/\/\S+$/i.test(mediaUrl)) errors.push({ field: 'media_url', message: 'The media URL must be an http(s) URL.' });
    if (!text && !mediaUrl) errors.push({ field: 'text', message: 'Text (or a media URL) is required.' });
    // Network limits and charter, per channel (media sizes are checked once fetched).
    const noMedia = new Map<string, AssetInfo>();
    for (const c of targets) {
      const check = checkVariant(c, { text, media: [], thread: [], firstComment: null, contentWarning: null, language: null }, noMedia, charter.rules, detect);
      for (const i of check.issues) if (!(mediaUrl && i.code === 'text_empty')) errors.push({ field: 'text', message: `${c.handle}: ${i.message}` });
      for (const i of check.charter) if (i.level === 'block') errors.push({ field: 'text', message: `${c.handle}: ${i.message}` });
    }
    prepared.push({ report: { line: r.line, ok: errors.length === 0, errors, at: at?.toISOString() ?? null, channelIds: targets.map((t) => t.id), postId: null }, text, mediaUrl, at, targets });
  }

  // Media are fetched only for an actual import (a dry run does not touch other servers).
  const media = new Map<number, { bytes: Buffer; filename: string }>();
  if (!opts.dryRun) {
    for (const p of prepared) {
      if (!p.report.ok || !p.mediaUrl) continue;
      try {
        const m = await fetchMedia(ctx, p.mediaUrl);
        if (!sniffMime(m.bytes) || sniffMime(m.bytes)!.kind !== 'image') throw new Error('it is not an image');
        media.set(p.report.line, m);
      } catch (err) {
        p.report.ok = false;
        p.report.errors.push({ field: 'media_url', message: `Could not use the media: ${(err as Error).message}.` });
      }
    }
  }
  const valid = prepared.filter((p) => p.report.ok);
  const invalid = prepared.length - valid.length;
  const willImport = !opts.dryRun && (invalid === 0 || opts.importValidRows);
  let imported = 0;
  if (willImport) {
    // Every post (and its media) is created in one transaction: a failure midway (the database, a
    // row refused at the last moment) leaves nothing half-imported. The services' own transactions
    // become savepoints of this one (drizzle nests them).
    const created = await ctx.deps.db.transaction(async (tx) => {
      const txCtx = allInTx(ctx, tx);
      const ids: string[] = [];
      for (const p of valid) {
        const m = media.get(p.report.line);
        const asset = m ? await uploadMedia(txCtx, { bytes: m.bytes, filename: m.filename, altText: '' }) : null;
        const post = await createPost(txCtx, {
          title: p.text.split('\n')[0]!.slice(0, 80), campaignId: null, tags: [], plannedAt: p.at!.toISOString(),
          variants: p.targets.map((c) => ({ channelId: c.id, text: p.text, media: asset ? [{ assetId: asset.id }] : [], thread: [], firstComment: null, contentWarning: null, language: null })),
        });
        ids.push(post.id);
      }
      return ids;
    });
    valid.forEach((p, n) => (p.report.postId = created[n]!));
    imported = created.length;
    // Then, post by post, what the importer asked for; a post that cannot go further stays a draft.
    for (const p of valid) {
      try {
        if (opts.then === 'submit') await submitPost(ctx, p.report.postId!);
        else if (opts.then === 'schedule' && canPublish(ws.roles)) await schedulePost(ctx, p.report.postId!, { mode: 'planned' });
      } catch (err) {
        p.report.errors.push({ field: 'then', message: `Imported as a draft: ${(err as Error).message}` });
      }
    }
  }
  return {
    dryRun: opts.dryRun, rows: prepared.map((p) => p.report), valid: valid.length, invalid, imported,
    message: opts.dryRun ? `${valid.length} valid row(s), ${invalid} invalid.`
      : willImport ? `${imported} post(s) imported${invalid ? `; ${invalid} invalid row(s) skipped` : ''}.`
      : `Nothing imported: ${invalid} row(s) are invalid. Fix them, or choose to import the valid rows only.`,
  };
}
