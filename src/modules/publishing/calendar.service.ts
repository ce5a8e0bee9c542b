import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { campaigns, channels, planSlots, postVariants, posts, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { inTx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { channelsById } from './publishing.queries.ts';
import type { VariantState } from './publishing.schema.ts';
import { nextSlot, slotsBetween, utcToLocal, zonedParts } from './tz.ts';

/**
 * The editorial calendar: variants in a time range (month, week or list views are the client's), with
 * filters; empty slots of the social-media plan as suggestions; a best-time hint per channel.
 */

export type CalendarFilter = {
  from: Date; to: Date;
  channelIds?: string[] | undefined; campaignId?: string | undefined; tag?: string | undefined; status?: VariantState[] | undefined; authorId?: string | undefined;
};

/** A stable colour per channel (the calendar can colour by channel or by campaign). */
export function channelColor(id: string): string {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 65% 45%)`;
}

const MAX_RANGE_MS = 100 * 86_400_000;

export async function calendar(ctx: Ctx, f: CalendarFilter) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  if (f.to <= f.from) throw new AppError('validation_failed', '`to` must be after `from`.', 'query.to');
  if (f.to.getTime() - f.from.getTime() > MAX_RANGE_MS) throw new AppError('validation_failed', 'At most 100 days at a time.', 'query.to');
  const at = sql`coalesce(${postVariants.publishedAt}, ${postVariants.dueAt})`;
  const where: SQL[] = [eq(postVariants.workspaceId, ws.id), sql`${at} >= ${f.from}`, sql`${at} < ${f.to}`];
  if (f.channelIds?.length) where.push(inArray(postVariants.channelId, f.channelIds));
  if (f.status?.length) where.push(inArray(postVariants.state, f.status));
  if (f.campaignId) where.push(eq(posts.campaignId, f.campaignId));
  if (f.tag) where.push(sql`${f.tag} = ANY(${posts.tags})`);
  if (f.authorId) where.push(eq(posts.authorId, f.authorId));
  const rows = await ctx.db.select({ v: postVariants, p: posts, ch: { network: channels.network, handle: channels.handle }, camp: campaigns, author: { id: users.id, name: users.name } })
    .from(postVariants).innerJoin(posts, eq(posts.id, postVariants.postId)).innerJoin(channels, eq(channels.id, postVariants.channelId))
    .leftJoin(campaigns, eq(campaigns.id, posts.campaignId)).leftJoin(users, eq(users.id, posts.authorId))
    .where(and(...where)).orderBy(at).limit(2000);
  const items = rows.map(({ v, p, ch, camp, author }) => {
    const when = v.publishedAt ?? v.dueAt!;
    const local = utcToLocal(when, ws.timezone);
    return {
      variantId: v.id, postId: p.id, title: p.title, excerpt: v.text.slice(0, 140), channelId: v.channelId, network: ch.network, channelHandle: ch.handle,
      state: v.state as VariantState, at: when.toISOString(), local, campaign: camp ? { id: camp.id, name: camp.name, color: camp.color } : null,
      tags: p.tags, author: author?.id ? { id: author.id, name: author.name } : null, channelColor: channelColor(v.channelId),
      remoteUrl: v.remoteUrl, error: v.error, recurring: p.recurrence !== null,
    };
  });
  // Plan slots with nothing of that channel within an hour are suggestions.
  const slots = await ctx.db.select().from(planSlots).where(and(eq(planSlots.workspaceId, ws.id), f.channelIds?.length ? inArray(planSlots.channelId, f.channelIds) : undefined));
  const now = ctx.clock();
  const suggestions = slots.flatMap((s) => slotsBetween({ weekdays: s.weekdays, time: s.time }, f.from > now ? f.from : now, f.to, ws.timezone)
    .filter((t) => !items.some((i) => i.channelId === s.channelId && Math.abs(Date.parse(i.at) - t.getTime()) < 3_600_000))
    .map((t) => ({ slotId: s.id, channelId: s.channelId, at: t.toISOString(), local: utcToLocal(t, ws.timezone), label: s.label })))
    .sort((a, b) => a.at.localeCompare(b.at));
  return { timezone: ws.timezone, items, suggestions };
}

export type SlotIn = { channelId: string; weekdays: number[]; time: string; label: string };

export async function getPlan(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const rows = await ctx.db.select().from(planSlots).where(eq(planSlots.workspaceId, ws.id)).orderBy(planSlots.createdAt);
  const now = ctx.clock();
  return {
    timezone: ws.timezone,
    slots: rows.map((r) => ({ id: r.id, channelId: r.channelId, weekdays: r.weekdays, time: r.time, label: r.label })),
    next: [...new Set(rows.map((r) => r.channelId))].map((channelId) => {
      const n = nextSlot(rows.filter((r) => r.channelId === channelId).map((r) => ({ weekdays: r.weekdays, time: r.time })), now, ws.timezone);
      return { channelId, at: n?.toISOString() ?? null };
    }),
  };
}

/** Replaces the plan's cadence ("LinkedIn: Tue–Thu 09:00" = one slot with weekdays [2,3,4] at 09:00). */
export async function updatePlan(ctx: Ctx, slots: SlotIn[]) {
  const ws = scope(ctx);
  authorize(ws.roles, 'charter.manage');
  await channelsById(ctx.db, ws.id, slots.map((s) => s.channelId), 'slots');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.delete(planSlots).where(eq(planSlots.workspaceId, ws.id));
    if (slots.length) await tx.insert(planSlots).values(slots.map((s) => ({ workspaceId: ws.id, channelId: s.channelId, weekdays: [...new Set(s.weekdays)].sort(), time: s.time, label: s.label, createdAt: ctx.clock() })));
    await audit(inTx(ctx, tx), { action: 'plan.update', targetType: 'workspace', targetId: ws.id, after: slots });
  });
  return getPlan(ctx);
}

/** Published variants with engagement needed before a channel gets a best-time hint. */
export const BEST_TIME_MIN_SAMPLES = 5;

/**
 * Best time to post per channel: the average engagement (likes + reposts + replies + quotes, latest
 * measure of each post, plus link clicks) of past posts by weekday and hour of publication in the
 * workspace time zone. Null until a channel has enough measured posts.
 */
export async function bestTimes(ctx: Ctx, channelIds?: string[]) {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  const since = new Date(ctx.clock().getTime() - 180 * 86_400_000);
  const res = await ctx.db.execute(sql`
    WITH latest AS (
      SELECT DISTINCT ON (m.entity_id, m.metric) m.entity_id, m.metric, m.value
      FROM metric_points m WHERE m.workspace_id = ${ws.id} AND m.entity_type = 'variant' AND m.metric IN ('likes','reposts','replies','quotes')
      ORDER BY m.entity_id, m.metric, m.at DESC),
    engagement AS (SELECT entity_id, sum(value) AS value FROM latest GROUP BY entity_id),
    clicks AS (SELECT variant_id, count(*) AS n FROM link_clicks WHERE workspace_id = ${ws.id} AND NOT bot GROUP BY variant_id)
    SELECT v.id, v.channel_id, v.published_at, e.value + coalesce(c.n, 0) AS score
    FROM post_variants v JOIN engagement e ON e.entity_id = v.id LEFT JOIN clicks c ON c.variant_id = v.id
    WHERE v.workspace_id = ${ws.id} AND v.state = 'published' AND v.published_at >= ${since}
      ${channelIds?.length ? sql`AND v.channel_id = ANY(${`{${channelIds.join(',')}}`}::uuid[])` : sql``}`);
  const byChannel = new Map<string, { weekday: number; hour: number; score: number }[]>();
  for (const r of res.rows as { channel_id: string; published_at: Date | string; score: number | string }[]) {
    const p = zonedParts(new Date(r.published_at), ws.timezone);
    const list = byChannel.get(r.channel_id) ?? [];
    list.push({ weekday: p.weekday, hour: p.hour, score: Number(r.score) });
    byChannel.set(r.channel_id, list);
  }
  const ids = channelIds?.length ? channelIds : (await ctx.db.select({ id: channels.id }).from(channels).where(eq(channels.workspaceId, ws.id))).map((c) => c.id);
  return {
    timezone: ws.timezone,
    channels: ids.map((channelId) => {
      const samples = byChannel.get(channelId) ?? [];
      if (samples.length < BEST_TIME_MIN_SAMPLES) return { channelId, samples: samples.length, best: null };
      const buckets = new Map<string, { weekday: number; hour: number; total: number; n: number }>();
      for (const s of samples) {
        const k = `${s.weekday}:${s.hour}`;
        const b = buckets.get(k) ?? { weekday: s.weekday, hour: s.hour, total: 0, n: 0 };
        b.total += s.score;
        b.n++;
        buckets.set(k, b);
      }
      const best = [...buckets.values()].map((b) => ({ weekday: b.weekday, hour: b.hour, averageEngagement: +(b.total / b.n).toFixed(2), posts: b.n }))
        .sort((a, b) => b.averageEngagement - a.averageEngagement || b.posts - a.posts).slice(0, 3);
      return { channelId, samples: samples.length, best };
    }),
  };
}

