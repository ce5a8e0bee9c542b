import { request } from '../../../api/client.ts';
import { inbox, qs } from './paths.ts';

// Inbox → Report: volumes, response times and SLA outcomes over a period (src/modules/inbox/report.schema.ts).

export type ReportPeriodChoice = '7d' | '30d' | '90d' | 'custom';
export interface ReportParams {
  period: ReportPeriodChoice;
  from?: string | undefined;
  to?: string | undefined;
  channels: string[];
}

export interface ReportTotals {
  inboundMessages: number;
  newConversations: number;
  repliesSent: number;
  answeredConversations: number;
  firstResponseMedianSeconds: number | null;
  firstResponseP90Seconds: number | null;
  resolvedConversations: number;
  resolutionMedianSeconds: number | null;
  slaConversations: number;
  slaMet: number;
  slaMetShare: number | null;
  slaBreaches: number;
}

export type ReportKind = 'comment' | 'mention' | 'dm' | 'review';
export type ReportSentiment = 'positive' | 'neutral' | 'negative' | 'unknown';

export interface InboxReport {
  period: { from: string; to: string; days: number; timezone: string; previous: { from: string; to: string } };
  channels: string[] | null;
  durations: 'business_seconds';
  totals: { current: ReportTotals; previous: ReportTotals };
  days: {
    day: string;
    inbound: Record<ReportKind, number>;
    newConversations: number;
    repliesSent: number;
    firstResponseMedianSeconds: number | null;
    sentiment: Record<ReportSentiment, number>;
  }[];
  intents: { intent: string; count: number }[];
  teammates: { userId: string; name: string | null; repliesSent: number; firstResponses: number; firstResponseMedianSeconds: number | null }[];
}

const query = (p: ReportParams, format?: 'csv') =>
  qs({ period: p.period, from: p.period === 'custom' ? p.from : undefined, to: p.period === 'custom' ? p.to : undefined, channel: p.channels.join(','), format });

/** Calls of Inbox → Report (part of inboxApi). */
export const reportApi = {
  report: (wid: string, p: ReportParams) => request<InboxReport>('GET', `${inbox(wid)}/report${query(p)}`),
  /** The daily series as a CSV download (a plain link: the session cookie authenticates it). */
  reportCsvUrl: (wid: string, p: ReportParams) => `${inbox(wid)}/report${query(p, 'csv')}`,
};

// Query key outside the inbox's prefix on purpose: inbox events (every ingested page, note, tag…) refresh the
// inbox, not this report, which reads whole days and costs a full scan of its range.
export const reportKey = (wid: string, p: ReportParams) => ['workspace', wid, 'inbox-report', p] as const;
