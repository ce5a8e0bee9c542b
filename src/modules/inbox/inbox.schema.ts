import { z } from 'zod';
import { AppError } from '../../platform/errors.ts';

/** Request/response schemas of the inbox. Remote text is plain text: the UI renders it as text, never HTML. */

export const STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const KINDS = ['thread', 'dm', 'mention', 'quote', 'review'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export const INTENTS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent', 'other'] as const;
export const SLA_STATES = ['none', 'ok', 'at_risk', 'breached', 'met'] as const;

const list = <T extends readonly [string, ...string[]]>(values: T) =>
  z.string().max(500).transform((s, ctx) => {
    const out = s.split(',').map((x) => x.trim()).filter(Boolean);
    for (const v of out) {
      if (!(values as readonly string[]).includes(v)) {
        ctx.addIssue({ code: 'custom', message: `must be among ${values.join(', ')}` });
        return z.NEVER;
      }
    }
    return out as T[number][];
  });
const uuidList = z.string().max(4000).transform((s, ctx) => {
  const out = s.split(',').map((x) => x.trim()).filter(Boolean);
  if (out.some((x) => !/^[0-9a-f-]{36}$/i.test(x))) {
    ctx.addIssue({ code: 'custom', message: 'must be ids separated by commas' });
    return z.NEVER;
  }
  return out;
});
const tagList = z.string().max(1000).transform((s) => s.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean));

/** Filters of the inbox list (query string; lists are comma-separated). Saved views store the same object. */
export const inboxFilters = z.strictObject({
  status: list(STATUSES).optional(),
  channel: uuidList.optional(),
  kind: list(KINDS).optional(),
  /** A member id, `me`, or `none` (unassigned). */
  assignee: z.string().max(40).optional(),
  language: z.string().max(100).transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)).optional(),
  sentiment: list(SENTIMENTS).optional(),
  intent: list(INTENTS).optional(),
  /** Conversations carrying every one of these tags. */
  tag: tagList.optional(),
  priority: list(PRIORITIES).optional(),
  sla: list(SLA_STATES).optional(),
  unanswered: z.enum(['true', 'false']).optional(),
  contact: z.uuid().optional(),
  /** Full-text search (PostgreSQL text search with each message's language). */
  q: z.string().trim().min(1).max(200).optional(),
  /** Search in French, English, or both (default). */
  qlang: z.enum(['fr', 'en', 'any']).optional(),
  sort: z.enum(['newest', 'oldest']).optional(),
});
export type InboxFilters = z.infer<typeof inboxFilters>;

export const listQuery = inboxFilters.extend({
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** A saved view's filters, applied under the explicit ones. */
  view: z.uuid().optional(),
});

/** Saved views keep the raw query-string form of the filters so the UI can restore its controls. */
export const viewFiltersIn = z.record(z.string().max(40), z.string().max(4000)).refine((f) => Object.keys(f).length <= 20, 'too many filters');

export function parseViewFilters(raw: Record<string, string>): InboxFilters {
  const parsed = inboxFilters.safeParse(raw);
  if (!parsed.success) throw new AppError('validation_failed', `Saved view filter: ${parsed.error.issues[0]?.message}`, `filters.${String(parsed.error.issues[0]?.path[0] ?? '')}`);
  return parsed.data;
}

export const personOut = z.object({ id: z.string(), name: z.string() }).nullable();
export const contactBrief = z.object({ id: z.string(), displayName: z.string().nullable(), handle: z.string(), avatarUrl: z.string().nullable(), followers: z.number().nullable() }).nullable();
export const slaOut = z.object({ state: z.enum(SLA_STATES), target: z.enum(['first_response', 'resolution']).nullable(), dueAt: z.iso.datetime().nullable(), policyId: z.string().nullable() });

export const conversationItem = z.object({
  id: z.string(),
  channelId: z.string(),
  kind: z.string(),
  status: z.enum(STATUSES),
  snoozedUntil: z.iso.datetime().nullable(),
  assignee: personOut,
  priority: z.enum(PRIORITIES),
  tags: z.array(z.string()),
  language: z.string().nullable(),
  sentiment: z.string().nullable(),
  intents: z.array(z.string()),
  maxToxicity: z.number().nullable(),
  hasUnanswered: z.boolean(),
  unansweredCount: z.number(),
  messageCount: z.number(),
  lastMessageAt: z.iso.datetime(),
  lastInboundAt: z.iso.datetime().nullable(),
  contact: contactBrief,
  /** The latest message's text (plain text, at most 280 characters). */
  preview: z.string().nullable(),
  /** Review conversations: the stars of the review's latest version (1–5); null otherwise. */
  rating: z.number().nullable(),
  sla: slaOut,
});
export type ConversationItem = z.infer<typeof conversationItem>;

export const messageOut = z.object({
  id: z.string(),
  remoteId: z.string(),
  direction: z.enum(['in', 'out']),
  kind: z.string(),
  author: z.object({ remoteId: z.string(), handle: z.string(), name: z.string().nullable(), followers: z.number().nullable(), contactId: z.string().nullable() }),
  text: z.string(),
  url: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  createdAt: z.iso.datetime(),
  language: z.string().nullable(),
  sentiment: z.string().nullable(),
  sentimentScore: z.number().nullable(),
  toxicity: z.number().nullable(),
  toxic: z.boolean().nullable(),
  profanity: z.boolean().nullable(),
  intents: z.array(z.string()).nullable(),
  hidden: z.boolean(),
  deleted: z.boolean(),
  sentBy: z.string().nullable(),
  /** A review's stars (1–5) in this version of it; null for everything else. */
  rating: z.number().nullable(),
});

export const guardOut = z.object({
  result: z.enum(['ok', 'warn', 'needs_approval', 'delayed']),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
  undoUntil: z.iso.datetime().nullable(),
});

export const replyOut = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  authorId: z.string().nullable(),
  text: z.string(),
  state: z.enum(['needs_approval', 'delayed', 'queued', 'sending', 'sent', 'unknown', 'failed', 'cancelled', 'rejected']),
  guard: z.object({ result: z.string(), reasons: z.array(z.object({ code: z.string(), message: z.string() })) }),
  sendAfter: z.iso.datetime().nullable(),
  approvedBy: z.string().nullable(),
  remoteId: z.string().nullable(),
  url: z.string().nullable(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});

export const noteOut = z.object({ id: z.string(), author: personOut, body: z.string(), mentions: z.array(z.string()), createdAt: z.iso.datetime() });
export const eventOut = z.object({ id: z.string(), type: z.string(), actorName: z.string().nullable(), data: z.record(z.string(), z.unknown()), at: z.iso.datetime() });
export const presenceOut = z.object({ userId: z.string(), name: z.string(), state: z.enum(['viewing', 'typing']), at: z.iso.datetime() });
export const relayItemOut = z.object({
  id: z.string(), routeId: z.string(), routeName: z.string(), team: z.string(), messageId: z.string(), conversationId: z.string(),
  reason: z.string(), status: z.enum(['new', 'sent', 'acknowledged', 'resolved', 'failed']), error: z.string().nullable(), createdAt: z.iso.datetime(), sentAt: z.iso.datetime().nullable(),
});

export const conversationDetail = z.object({
  conversation: conversationItem.extend({
    rootRemoteId: z.string().nullable(),
    context: z.object({ remoteId: z.string().nullable(), url: z.string().nullable(), text: z.string().nullable(), authorHandle: z.string().nullable() }).nullable(),
    firstResponseAt: z.iso.datetime().nullable(),
    firstResponseSeconds: z.number().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    resolutionSeconds: z.number().nullable(),
    createdAt: z.iso.datetime(),
  }),
  /** Oldest first. */
  messages: z.array(messageOut),
  replies: z.array(replyOut),
  notes: z.array(noteOut),
  events: z.array(eventOut),
  presence: z.array(presenceOut),
  relay: z.array(relayItemOut),
});

/** A change to one or many conversations (PATCH one, or bulk). */
export const conversationChange = z.strictObject({
  status: z.enum(STATUSES).optional(),
  snoozedUntil: z.iso.datetime().optional(),
  assigneeId: z.uuid().nullable().optional(),
  priority: z.enum(PRIORITIES).optional(),
  addTags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).optional(),
  removeTags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).optional(),
}).refine((c) => Object.keys(c).length > 0, 'say what to change')
  .refine((c) => c.status !== 'snoozed' || c.snoozedUntil !== undefined, { message: 'snoozing needs snoozedUntil', path: ['snoozedUntil'] });
export type ConversationChange = z.infer<typeof conversationChange>;

export const replyIn = z.strictObject({
  text: z.string().trim().min(1).max(5000).optional(),
  savedReplyId: z.uuid().optional(),
  /** The message answered; default: the latest inbound message. */
  messageId: z.uuid().optional(),
  /** Send although the guard warned (warn mode). */
  acknowledgeWarnings: z.boolean().optional(),
  /** Send although a teammate replied seconds ago. */
  confirmCollision: z.boolean().optional(),
  /** Close the conversation once sent. */
  close: z.boolean().optional(),
}).refine((r) => r.text !== undefined || r.savedReplyId !== undefined, { message: 'text or savedReplyId is required', path: ['text'] });

export const noteIn = z.strictObject({
  body: z.string().trim().min(1).max(5000),
  /** Member ids to notify (the UI's @-picker); `@[Name](id)` in the body also counts. */
  mentions: z.array(z.uuid()).max(20).optional(),
});

export const savedReplyIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  body: z.string().trim().min(1).max(5000),
  language: z.enum(['fr', 'en']).nullable().optional(),
  shortcut: z.string().trim().max(30).nullable().optional(),
});
export const savedReplyOut = z.object({
  id: z.string(), name: z.string(), body: z.string(), language: z.string().nullable(), shortcut: z.string().nullable(), updatedAt: z.iso.datetime(),
});

export const savedViewIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  filters: viewFiltersIn,
  shared: z.boolean().optional(),
  position: z.number().int().min(0).max(1000).optional(),
});
export const savedViewOut = z.object({
  id: z.string(), name: z.string(), filters: z.record(z.string(), z.string()), shared: z.boolean(), position: z.number(), ownerId: z.string().nullable(), mine: z.boolean(),
});

export const guardSettingsIn = z.strictObject({
  mode: z.enum(['off', 'warn', 'approval', 'delay']),
  delaySeconds: z.number().int().min(5).max(600).optional(),
  toxicityThreshold: z.number().min(0).max(1).optional(),
  negativeThreshold: z.number().min(-1).max(0).optional(),
  reachThreshold: z.number().int().min(0).max(1_000_000_000).optional(),
  forbiddenPhrases: z.array(z.string().trim().min(1).max(100)).max(200).optional(),
  collisionSeconds: z.number().int().min(0).max(600).optional(),
});
export const guardSettingsOut = z.object({
  mode: z.enum(['off', 'warn', 'approval', 'delay']), delaySeconds: z.number(), toxicityThreshold: z.number(), negativeThreshold: z.number(),
  reachThreshold: z.number(), forbiddenPhrases: z.array(z.string()), collisionSeconds: z.number(), crmWebhookUrl: z.string().nullable(),
});

const dayHours = z.array(z.tuple([
  z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM'),
  z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM'),
]).refine(([a, b]) => a < b, 'must close after it opens')).max(4).optional();
/** Opening hours per weekday in the workspace's time zone; a missing day is closed. */
export const weekIn = z.strictObject({ mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours, sat: dayHours, sun: dayHours });

export const policyIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  channelIds: z.array(z.uuid()).max(100).optional(),
  priorities: z.array(z.enum(PRIORITIES)).max(4).optional(),
  firstResponseMinutes: z.number().int().min(1).max(60 * 24 * 30),
  resolutionMinutes: z.number().int().min(1).max(60 * 24 * 90).nullable().optional(),
  atRiskRatio: z.number().min(0.1).max(1).optional(),
  position: z.number().int().min(0).max(1000).optional(),
  enabled: z.boolean().optional(),
});
export const policyOut = z.object({
  id: z.string(), name: z.string(), channelIds: z.array(z.string()), priorities: z.array(z.string()), firstResponseMinutes: z.number(),
  resolutionMinutes: z.number().nullable(), atRiskRatio: z.number(), position: z.number(), enabled: z.boolean(),
});
export const calendarOut = z.object({
  timezone: z.string(),
  week: z.record(z.string(), z.array(z.tuple([z.string(), z.string()]))),
  holidays: z.array(z.object({ day: z.string(), name: z.string() })),
});
