// Shapes of the Passerelle HTTP API (/api): publishing — posts and their variants per channel, charter, plan, calendar, media, links, CSV import.

import type { ValidationIssue } from './channels.ts';

export const VARIANT_STATES = ['draft', 'in_review', 'approved', 'scheduled', 'publishing', 'published', 'failed', 'unknown'] as const;
export type VariantState = (typeof VARIANT_STATES)[number];

export interface MediaRef {
  assetId: string;
  altText?: string;
}

export interface VariantInput {
  id?: string;
  channelId: string;
  text: string;
  media: MediaRef[];
  thread: { text: string; media: MediaRef[] }[];
  firstComment: string | null;
  contentWarning: string | null;
  language: string | null;
}

export interface PostVariant extends VariantInput {
  id: string;
  postId: string;
  network: string;
  channelHandle: string;
  state: VariantState;
  dueAt: string | null;
  notBefore: string | null;
  scheduleVersion: number;
  attempts: number;
  remoteId: string | null;
  remoteUrl: string | null;
  parts: { index: number; remoteId: string; url: string; publishedAt: string }[];
  publishedAt: string | null;
  error: string | null;
  errorCode: string | null;
  retryable: boolean;
  needsDecision: boolean;
  updatedAt: string;
}

export interface Campaign {
  id: string;
  name: string;
  color: string;
}

export interface ApprovalStep {
  name: string;
  approverIds: string[];
}

export interface Post {
  id: string;
  title: string;
  author: { id: string; name: string } | null;
  campaign: Campaign | null;
  tags: string[];
  recurrence: unknown;
  seriesId: string | null;
  occurrence: number;
  status: VariantState;
  approval: { round: number; step: number | null; steps: ApprovalStep[]; submittedAt: string | null };
  variants: PostVariant[];
  createdAt: string;
  updatedAt: string;
}

export interface PostInput {
  title: string;
  campaignId: string | null;
  tags: string[];
  plannedAt: string | null;
  variants: VariantInput[];
}

export interface Recurrence {
  freq: 'daily' | 'weekly' | 'monthly';
  interval: number;
  weekdays?: number[];
  time: string;
  until?: string;
  count?: number;
}

export type ScheduleInput =
  | { mode: 'now' }
  | { mode: 'at'; at: string }
  | { mode: 'local'; date: string; time: string }
  | { mode: 'next_slot' }
  | { mode: 'planned' }
  | { mode: 'recurring'; recurrence: Recurrence; start: string };

export type CharterLevel = 'off' | 'warn' | 'block';

export interface CharterRules {
  bannedPhrases?: { level: CharterLevel; phrases: string[] };
  requiredMentions?: { level: CharterLevel; values: string[]; match: 'all' | 'any' };
  requiredHashtags?: { level: CharterLevel; values: string[]; match: 'all' | 'any' };
  maxHashtags?: { level: CharterLevel; max: number };
  emoji?: { level: CharterLevel; policy: 'none' | 'max'; max: number };
  language?: { level: CharterLevel; value: string };
}

export interface Charter {
  toneNotes: string;
  rules: CharterRules;
  updatedAt: string | null;
}

export interface CharterIssue {
  rule: keyof CharterRules;
  level: 'warn' | 'block';
  field: string;
  message: string;
  matches: string[];
}

export interface PreviewSegment {
  type: 'text' | 'link' | 'mention' | 'tag';
  text: string;
  href?: string;
}

export interface VariantCheck {
  channelId: string;
  network: string;
  issues: ValidationIssue[];
  charter: CharterIssue[];
  blocked: boolean;
  counts: { field: string; length: number; limit: number; counting: string; bytes: number; maxBytes: number | null }[];
  preview: {
    handle: string;
    displayName: string | null;
    avatarUrl: string | null;
    contentWarning: string | null;
    parts: { segments: PreviewSegment[]; media: { assetId: string; altText: string; mimeType: string }[] }[];
  };
}

export interface ComposeCheck {
  toneNotes: string;
  variants: VariantCheck[];
}

export interface LocalTime {
  date: string;
  time: string;
  weekday: number;
}

export interface CalendarItem {
  variantId: string;
  postId: string;
  title: string;
  excerpt: string;
  channelId: string;
  network: string;
  channelHandle: string;
  state: VariantState;
  at: string;
  local: LocalTime;
  campaign: Campaign | null;
  tags: string[];
  author: { id: string; name: string } | null;
  channelColor: string;
  remoteUrl: string | null;
  error: string | null;
  recurring: boolean;
}

export interface CalendarSuggestion {
  slotId: string;
  channelId: string;
  at: string;
  local: LocalTime;
  label: string;
}

export interface CalendarRange {
  timezone: string;
  items: CalendarItem[];
  suggestions: CalendarSuggestion[];
}

export interface PlanSlot {
  id?: string;
  channelId: string;
  weekdays: number[];
  time: string;
  label: string;
}

export interface Plan {
  timezone: string;
  slots: PlanSlot[];
  next: { channelId: string; at: string | null }[];
}

export interface BestTimes {
  timezone: string;
  channels: { channelId: string; samples: number; best: { weekday: number; hour: number; averageEngagement: number; posts: number }[] | null }[];
}

export interface MediaAsset {
  id: string;
  kind: 'image' | 'video';
  mimeType: string;
  sizeBytes: number;
  filename: string;
  altText: string;
  sha256: string;
  createdAt: string;
}

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface ShortLink {
  id: string;
  code: string;
  shortUrl: string;
  destination: string;
  originalUrl: string;
  utm: Utm;
  postId: string | null;
  variantId: string | null;
  clicks: number;
  createdAt: string;
}

export interface ApprovalEvent {
  round: number;
  step: number | null;
  decision: string;
  comment: string;
  user: { id: string; name: string } | null;
  at: string;
}

export interface ImportRow {
  line: number;
  ok: boolean;
  errors: { field: string; message: string }[];
  at: string | null;
  channelIds: string[];
  postId: string | null;
}

export interface ImportReport {
  dryRun: boolean;
  rows: ImportRow[];
  valid: number;
  invalid: number;
  imported: number;
  message: string;
}
