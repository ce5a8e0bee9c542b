import { inArray } from 'drizzle-orm';
import { users } from '../../db/schema/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { csvCell } from '../workspaces/audit.service.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { reportConversationsSql, reportMessagesSql, reportTeammatesSql, type ReportRange } from './report.queries.ts';
import type { InboxReport, ReportQuery, ReportTotals } from './report.schema.ts';
import { localParts, zonedTime } from './sla.time.ts';

/**
 * The inbox report: volumes, response times and SLA outcomes over a period of local days, with the
 * previous period of the same length for comparison. Conversation figures (new conversations, first
 * response, resolution, SLA) are those of the conversations *started* in the period (their first
 * inbound message), whenever they were answered or closed; message figures (inbound messages, replies
 * sent, kinds, sentiment, intents) count the messages written in the period.
 */

/** The longest custom period (a year, leap day included). */
export const MAX_REPORT_DAYS = 366;

const DAY_MS = 86_400_000;
const ymd = (d: Date) => d.toISOString().slice(0, 10);
const addDays = (day: string, n: number) => ymd(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
/** The instant local `day` begins in `tz` (its midnight, or the first instant after a DST gap at midnight). */
const midnight = (day: string, tz: string) => {
  const [y, m, d] = day.split('-').map(Number);
  return zonedTime(y!, m!, d!, 0, 0, tz);
};

export type ReportPeriod = {
  from: string; to: string; days: number; prevFrom: string; prevTo: string;
  /** Instants: previous period start, period start, period end (exclusive). */
  prevStartAt: Date; startAt: Date; endAt: Date;
};

/**
 * Resolves the query's period into local days of `tz`: `7d`/`30d`/`90d` end today (included); `custom`
 * takes `from`…`to` inclusive. Bad input is a 400 naming the field.
 */
export function reportPeriod(q: Pick<ReportQuery, 'period' | 'from' | 'to'>, now: Date, tz: string): ReportPeriod {
  let from: string;
  let to: string;
  if (q.period === 'custom') {
    if (!q.from) throw new AppError('validation_failed', 'from is required with period=custom', 'query.from');
    if (!q.to) throw new AppError('validation_failed', 'to is required with period=custom', 'query.to');
    ({ from, to } = q as { from: string; to: string });
    if (to < from) throw new AppError('validation_failed', 'to must not be before from', 'query.to');
    if (daysBetween(from, to) + 1 > MAX_REPORT_DAYS) throw new AppError('validation_failed', `a period is at most ${MAX_REPORT_DAYS} days`, 'query.to');
  } else {
    if (q.from || q.to) throw new AppError('validation_failed', 'from and to need period=custom', 'query.period');
    const p = localParts(now, tz);
    to = `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
    from = addDays(to, -(Number(q.period.slice(0, -1)) - 1));
  }
  const days = daysBetween(from, to) + 1;
  const prevFrom = addDays(from, -days);
  return {
    from, to, days, prevFrom, prevTo: addDays(from, -1),
    prevStartAt: midnight(prevFrom, tz), startAt: midnight(from, tz), endAt: midnight(addDays(to, 1), tz),
  };
}

type MessageRow = { day: string; direction: string; kind: 'comment' | 'mention' | 'dm' | 'review'; sentiment: string | null; intents: string[] | null; sent_by: string | null; n: number };
type ConversationRow = {
  day: string | null; cur: boolean | null; period_total: boolean; conversations: number; answered: number; frt_p50: number | null; frt_p90: number | null;
  resolved: number; res_p50: number | null; sla_decided: number; sla_met: number; breaches: number;
};
type TeammateRow = { user_id: string; first_responses: number; frt_p50: number | null };

const secs = (v: number | null) => (v === null ? null : Math.round(Number(v)));
const emptyTotals = (): ReportTotals => ({
  inboundMessages: 0, newConversations: 0, repliesSent: 0, answeredConversations: 0, firstResponseMedianSeconds: null, firstResponseP90Seconds: null,
  resolvedConversations: 0, resolutionMedianSeconds: null, slaConversations: 0, slaMet: 0, slaMetShare: null, slaBreaches: 0,
});

/** The report of a workspace's inbox (inbox.read). */
export async function inboxReport(ctx: Ctx, q: ReportQuery): Promise<InboxReport> {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const p = reportPeriod(q, ctx.clock(), ws.timezone);
  const channels = q.channel?.length ? [...new Set(q.channel)] : null;
  const range: ReportRange = { workspaceId: ws.id, timezone: ws.timezone, from: p.prevStartAt, start: p.startAt, to: p.endAt, channels };
  const [msgRows, convRows, mateRows] = await Promise.all([
    ctx.db.execute<MessageRow>(reportMessagesSql(range)).then((r) => r.rows),
    ctx.db.execute<ConversationRow>(reportConversationsSql(range)).then((r) => r.rows),
    ctx.db.execute<TeammateRow>(reportTeammatesSql(range)).then((r) => r.rows),
  ]);

  const current = emptyTotals();
  const previous = emptyTotals();
  const days = new Map<string, InboxReport['days'][number]>();
  for (let i = 0; i < p.days; i++) {
    const day = addDays(p.from, i);
    days.set(day, {
      day, inbound: { comment: 0, mention: 0, dm: 0, review: 0 }, newConversations: 0, repliesSent: 0, firstResponseMedianSeconds: null,
      sentiment: { positive: 0, neutral: 0, negative: 0, unknown: 0 },
    });
  }
  const intents = new Map<string, number>();
  const mates = new Map<string, InboxReport['teammates'][number]>();
  const mate = (userId: string) => {
    let m = mates.get(userId);
    if (!m) mates.set(userId, (m = { userId, name: null, repliesSent: 0, firstResponses: 0, firstResponseMedianSeconds: null }));
    return m;
  };

  for (const r of msgRows) {
    const d = days.get(r.day);
    const totals = d ? current : previous;
    if (r.direction === 'in') {
      totals.inboundMessages += r.n;
      if (!d) continue;
      d.inbound[r.kind] += r.n;
      const s = r.sentiment === 'positive' || r.sentiment === 'neutral' || r.sentiment === 'negative' ? r.sentiment : 'unknown';
      d.sentiment[s] += r.n;
      for (const intent of new Set(r.intents ?? [])) intents.set(intent, (intents.get(intent) ?? 0) + r.n);
    } else {
      totals.repliesSent += r.n;
      if (!d) continue;
      d.repliesSent += r.n;
      if (r.sent_by) mate(r.sent_by).repliesSent += r.n;
    }
  }
  for (const r of convRows) {
    if (r.period_total) {
      const t = r.cur ? current : previous;
      Object.assign(t, {
        newConversations: r.conversations, answeredConversations: r.answered, firstResponseMedianSeconds: secs(r.frt_p50), firstResponseP90Seconds: secs(r.frt_p90),
        resolvedConversations: r.resolved, resolutionMedianSeconds: secs(r.res_p50), slaConversations: r.sla_decided, slaMet: r.sla_met,
        slaMetShare: r.sla_decided ? r.sla_met / r.sla_decided : null, slaBreaches: r.breaches,
      });
      continue;
    }
    const d = r.day ? days.get(r.day) : undefined;
    if (!d) continue;
    d.newConversations = r.conversations;
    d.firstResponseMedianSeconds = secs(r.frt_p50);
  }
  for (const r of mateRows) Object.assign(mate(r.user_id), { firstResponses: r.first_responses, firstResponseMedianSeconds: secs(r.frt_p50) });
  if (mates.size) {
    const named = await ctx.db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, [...mates.keys()]));
    for (const u of named) mate(u.id).name = u.name;
  }

  return {
    period: { from: p.from, to: p.to, days: p.days, timezone: ws.timezone, previous: { from: p.prevFrom, to: p.prevTo } },
    channels,
    durations: 'business_seconds',
    totals: { current, previous },
    days: [...days.values()],
    intents: [...intents].map(([intent, count]) => ({ intent, count })).sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent)).slice(0, 10),
    teammates: [...mates.values()].sort((a, b) => b.repliesSent - a.repliesSent || b.firstResponses - a.firstResponses || (a.name ?? '').localeCompare(b.name ?? '')),
  };
}

const CSV_COLUMNS = [
  'day', 'inbound_messages', 'comments', 'mentions', 'dms', 'reviews', 'new_conversations', 'replies_sent',
  'first_response_median_business_minutes', 'sentiment_positive', 'sentiment_neutral', 'sentiment_negative', 'sentiment_unclassified',
];

/**
 * The report's daily series as CSV: UTF-8 with a byte-order mark (Excel otherwise reads it as the
 * system's legacy code page and mangles accents), CRLF line ends, one row per local day.
 */
export function reportCsv(report: InboxReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const d of report.days) {
    const inbound = d.inbound.comment + d.inbound.mention + d.inbound.dm + d.inbound.review;
    const frt = d.firstResponseMedianSeconds === null ? null : Math.round(d.firstResponseMedianSeconds / 6) / 10;
    lines.push([d.day, inbound, d.inbound.comment, d.inbound.mention, d.inbound.dm, d.inbound.review, d.newConversations, d.repliesSent, frt,
      d.sentiment.positive, d.sentiment.neutral, d.sentiment.negative, d.sentiment.unknown].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
