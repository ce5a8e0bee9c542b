import { z } from 'zod';
import { inboxFilters } from './inbox.schema.ts';

/**
 * The inbox report's query: a period of local days in the workspace's time zone (the last 7, 30 or 90
 * days including today, or `from`…`to` inclusive with `period=custom`), an optional channel filter
 * (comma-separated ids), and the answer's format (JSON, or the daily series as CSV).
 */
export const reportQuery = z.strictObject({
  period: z.enum(['7d', '30d', '90d', 'custom']).default('30d'),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  channel: inboxFilters.shape.channel,
  format: z.enum(['json', 'csv']).default('json'),
});
export type ReportQuery = z.infer<typeof reportQuery>;

const seconds = z.number().nullable();
const totals = z.object({
  inboundMessages: z.number().int(),
  newConversations: z.number().int(),
  repliesSent: z.number().int(),
  answeredConversations: z.number().int(),
  firstResponseMedianSeconds: seconds,
  firstResponseP90Seconds: seconds,
  resolvedConversations: z.number().int(),
  resolutionMedianSeconds: seconds,
  /** Conversations under an SLA policy whose first-response target is decided (answered, or breached). */
  slaConversations: z.number().int(),
  slaMet: z.number().int(),
  /** slaMet / slaConversations, 0–1; null when no conversation had a policy. */
  slaMetShare: z.number().nullable(),
  slaBreaches: z.number().int(),
});
export type ReportTotals = z.infer<typeof totals>;

const byKind = z.object({ comment: z.number().int(), mention: z.number().int(), dm: z.number().int(), review: z.number().int() });
const bySentiment = z.object({ positive: z.number().int(), neutral: z.number().int(), negative: z.number().int(), unknown: z.number().int() });

export const reportOut = z.object({
  period: z.object({
    from: z.iso.date(), to: z.iso.date(), days: z.number().int(), timezone: z.string(),
    previous: z.object({ from: z.iso.date(), to: z.iso.date() }),
  }),
  channels: z.array(z.string()).nullable(),
  /** Durations are business seconds (the workspace's business hours and holidays), as the SLA timers count. */
  durations: z.literal('business_seconds'),
  totals: z.object({ current: totals, previous: totals }),
  days: z.array(z.object({
    day: z.iso.date(),
    inbound: byKind,
    newConversations: z.number().int(),
    repliesSent: z.number().int(),
    firstResponseMedianSeconds: seconds,
    sentiment: bySentiment,
  })),
  intents: z.array(z.object({ intent: z.string(), count: z.number().int() })),
  teammates: z.array(z.object({
    userId: z.string(), name: z.string().nullable(), repliesSent: z.number().int(), firstResponses: z.number().int(), firstResponseMedianSeconds: seconds,
  })),
});
export type InboxReport = z.infer<typeof reportOut>;
