import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { publicUrl } from '../../config/config.ts';
import { detectSchemeLinks } from '../../connectors/text/detect.ts';
import { linkClicks, postVariants, shortLinks } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { startReview } from './approvals.service.ts';
import { assertMayEdit, canPublish } from './posts.service.ts';
import { approvalSteps, postRow, variantRow } from './publishing.queries.ts';

/**
 * Short links through Passerelle's own redirect (`/l/<code>`): UTM parameters appended to the
 * destination, one link per variant so clicks (and the click-through rate) count per variant.
 * No IP address is stored: a click keeps its time, variant, referrer host and a salted daily hash.
 */

export type Utm = { source?: string | undefined; medium?: string | undefined; campaign?: string | undefined; term?: string | undefined; content?: string | undefined };

const ALPHABET = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
function newCode(): string {
  const bytes = randomBytes(8);
  let s = '';
  for (const b of bytes) s += ALPHABET[b % ALPHABET.length];
  return s;
}

/** `url` with the UTM parameters set (existing utm_* of the same name replaced). Only http(s). */
export function withUtm(url: string, utm: Utm): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('validation_failed', 'Not a valid URL.', 'url');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new AppError('validation_failed', 'Only http and https links can be shortened.', 'url');
  for (const [k, v] of Object.entries(utm)) if (v) u.searchParams.set(`utm_${k}`, v);
  return u.toString();
}

export const shortUrl = (deps: Deps, code: string) => `${publicUrl(deps.config)}/l/${code}`;

function present(deps: Deps, l: typeof shortLinks.$inferSelect, clicks = 0) {
  return { id: l.id, code: l.code, shortUrl: shortUrl(deps, l.code), destination: l.destination, originalUrl: l.originalUrl, utm: l.utm as Utm, postId: l.postId, variantId: l.variantId, clicks, createdAt: l.createdAt.toISOString() };
}

/** Creates a short link (for a variant when `variantId` is given). */
export async function createLink(ctx: Ctx, input: { url: string; utm: Utm; variantId?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const destination = withUtm(input.url, input.utm);
  let postId: string | null = null;
  if (input.variantId) {
    const v = await variantRow(ctx.db, ws.id, input.variantId);
    postId = v.postId;
  }
  const row = await ctx.deps.db.transaction(async (tx) => {
    const [l] = await tx.insert(shortLinks).values({
      workspaceId: ws.id, code: newCode(), destination, originalUrl: input.url, utm: input.utm, postId, variantId: input.variantId ?? null, createdBy: actorUserId(ctx.actor), createdAt: ctx.clock(),
    }).returning();
    await audit(inTx(ctx, tx), { action: 'link.create', targetType: 'short_link', targetId: l!.id, after: { destination, variantId: input.variantId ?? null } });
    return l!;
  });
  return present(ctx.deps, row);
}

/**
 * Replaces every http(s) link of a variant's text (and thread) with its own short link, UTM added;
 * links already shortened by Passerelle are left alone. Returns the new text.
 */
export async function shortenVariantLinks(ctx: Ctx, variantId: string, utm: Utm) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.draft');
  const v = await variantRow(ctx.db, ws.id, variantId);
  assertMayEdit(ctx, await postRow(ctx.db, ws.id, v.postId));
  if (!['draft', 'in_review', 'approved', 'failed'].includes(v.state)) throw new AppError('invalid_state', `A ${v.state} variant cannot change.`);
  const ours = `${publicUrl(ctx.deps.config)}/l/`;
  const created: ReturnType<typeof present>[] = [];
  const rewrite = async (text: string) => {
    let out = '';
    let at = 0;
    for (const link of detectSchemeLinks(text)) {
      const url = text.slice(link.start, link.end);
      out += text.slice(at, link.start);
      at = link.end;
      if (url.startsWith(ours)) { out += url; continue; }
      const l = await createLink(ctx, { url, utm, variantId });
      created.push(l);
      out += l.shortUrl;
    }
    return out + text.slice(at);
  };
  const text = await rewrite(v.text);
  const thread: { text: string; media: unknown[] }[] = [];
  for (const p of v.thread as { text: string; media: unknown[] }[]) thread.push({ ...p, text: await rewrite(p.text) });
  const changed = text !== v.text || JSON.stringify(thread) !== JSON.stringify(v.thread);
  if (changed) {
    await ctx.deps.db.transaction(async (tx) => {
      const now = ctx.clock();
      await tx.update(postVariants).set({ text, thread, updatedAt: now }).where(eq(postVariants.id, variantId));
      // Like any edit: a post under review or approved goes back to the first approval step
      // when the workspace needs approval for this author (the same rule as updatePost).
      const needsApproval = (await approvalSteps(tx, ws.id)).length > 0 || !canPublish(ws.roles);
      if (needsApproval && (v.state === 'in_review' || v.state === 'approved')) {
        await tx.update(postVariants).set({ state: 'in_review', updatedAt: now })
          .where(and(eq(postVariants.postId, v.postId), inArray(postVariants.state, ['in_review', 'approved'])));
        await startReview(ctx, tx, await postRow(tx, ws.id, v.postId, true), 'edited');
      }
      await audit(inTx(ctx, tx), { action: 'variant.shorten_links', targetType: 'variant', targetId: variantId, after: { links: created.length } });
      await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'post.changed', payload: { id: v.postId } });
    });
  }
  return { text, thread, links: created };
}

export async function listLinks(ctx: Ctx, filter: { variantId?: string | undefined; postId?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const rows = await ctx.db.select({ l: shortLinks, clicks: sql<number>`(SELECT count(*)::int FROM link_clicks c WHERE c.link_id = short_links.id AND NOT c.bot)` })
    .from(shortLinks)
    .where(and(eq(shortLinks.workspaceId, ws.id), filter.variantId ? eq(shortLinks.variantId, filter.variantId) : undefined, filter.postId ? eq(shortLinks.postId, filter.postId) : undefined))
    .orderBy(desc(shortLinks.createdAt)).limit(500);
  return { links: rows.map((r) => present(ctx.deps, r.l, r.clicks)) };
}

/** Clicks of one link: total, unique visitors, per day (workspace time zone not applied: UTC days), per referrer. */
export async function linkStats(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'analytics.read');
  const [l] = await ctx.db.select().from(shortLinks).where(and(eq(shortLinks.id, id), eq(shortLinks.workspaceId, ws.id)));
  if (!l) throw new AppError('not_found', 'Link not found.');
  const base = and(eq(linkClicks.linkId, id), eq(linkClicks.bot, false));
  const [totals] = await ctx.db.select({ clicks: sql<number>`count(*)::int`, unique: sql<number>`count(DISTINCT ${linkClicks.visitorHash})::int` }).from(linkClicks).where(base);
  const byDay = await ctx.db.select({ day: sql<string>`to_char(${linkClicks.at} AT TIME ZONE 'UTC', 'YYYY-MM-DD')`, clicks: sql<number>`count(*)::int` }).from(linkClicks).where(base).groupBy(sql`1`).orderBy(sql`1`);
  const byReferrer = await ctx.db.select({ host: linkClicks.referrerHost, clicks: sql<number>`count(*)::int` }).from(linkClicks).where(base).groupBy(linkClicks.referrerHost).orderBy(sql`2 DESC`).limit(20);
  const [bots] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(linkClicks).where(and(eq(linkClicks.linkId, id), eq(linkClicks.bot, true)));
  return { link: present(ctx.deps, l, totals?.clicks ?? 0), clicks: totals?.clicks ?? 0, uniqueVisitors: totals?.unique ?? 0, botClicks: bots?.n ?? 0, byDay, byReferrer: byReferrer.map((r) => ({ host: r.host, clicks: r.clicks })) };
}

/** A secret per process (never stored): an IP cannot be recovered from a visitor hash by trying every address. */
const VISITOR_SALT = randomBytes(16).toString('hex');

const BOT_UA = /bot|crawler|spider|preview|facebookexternalhit|slackbot|discordbot|embedly|mastodon|bluesky|cardyb|curl|wget|python-requests/i;

/**
 * The public redirect: records the click (no IP kept: a hash of IP, user agent, day and the
 * installation's key, to count unique visitors) and returns where to send the browser. Link-preview
 * fetchers (networks build cards) are recorded as bots, not counted as clicks.
 */
export async function followLink(deps: Deps, code: string, visitor: { ip: string; userAgent: string; referrer: string | undefined }): Promise<string | null> {
  if (!/^[A-Za-z0-9]{4,16}$/.test(code)) return null;
  const [l] = await deps.db.select({ id: shortLinks.id, workspaceId: shortLinks.workspaceId, variantId: shortLinks.variantId, destination: shortLinks.destination }).from(shortLinks).where(eq(shortLinks.code, code));
  if (!l) return null;
  const now = deps.clock();
  let referrerHost: string | null = null;
  try {
    referrerHost = visitor.referrer ? new URL(visitor.referrer).hostname.slice(0, 200) : null;
  } catch { /* not a URL: ignored */ }
  const visitorHash = createHash('sha256').update(`${VISITOR_SALT}:${now.toISOString().slice(0, 10)}:${visitor.ip}:${visitor.userAgent}`).digest('hex').slice(0, 32);
  await deps.db.insert(linkClicks).values({ linkId: l.id, workspaceId: l.workspaceId, variantId: l.variantId, at: now, referrerHost, visitorHash, bot: BOT_UA.test(visitor.userAgent) });
  return l.destination;
}
