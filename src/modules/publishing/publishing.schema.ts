import { z } from 'zod';
import { isLocalDate, isLocalTime } from './tz.ts';

/** Request and response schemas shared by the publishing routes (types inferred from them). */

export const VARIANT_STATES = ['draft', 'in_review', 'approved', 'scheduled', 'publishing', 'published', 'failed', 'unknown'] as const;
export const variantState = z.enum(VARIANT_STATES);
export type VariantState = z.infer<typeof variantState>;

export const idParams = z.strictObject({ wid: z.string(), id: z.uuid({ message: 'must be an id' }) });
export const localDate = z.string().refine(isLocalDate, { message: 'must be a date YYYY-MM-DD' });
export const localTime = z.string().refine(isLocalTime, { message: 'must be a time HH:MM' });
export const isoInstant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-10T09:00:00+01:00' });

export const mediaRef = z.strictObject({ assetId: z.uuid(), altText: z.string().max(1500).optional() });
export type MediaRef = z.infer<typeof mediaRef>;
export const partIn = z.strictObject({ text: z.string().max(50_000), media: z.array(mediaRef).max(10).default([]) });
export type PartIn = z.infer<typeof partIn>;

export const variantIn = z.strictObject({
  /** Keep (and update) an existing variant; omitted: a new variant. */
  id: z.uuid().optional(),
  channelId: z.uuid(),
  text: z.string().max(50_000),
  media: z.array(mediaRef).max(10).default([]),
  thread: z.array(partIn).max(25).default([]),
  firstComment: z.string().max(50_000).nullable().default(null),
  contentWarning: z.string().max(1000).nullable().default(null),
  language: z.string().min(2).max(12).nullable().default(null),
});
export type VariantIn = z.infer<typeof variantIn>;

export const recurrenceIn = z.strictObject({
  freq: z.enum(['daily', 'weekly', 'monthly']),
  interval: z.number().int().min(1).max(365).default(1),
  weekdays: z.array(z.number().int().min(1).max(7)).max(7).optional(),
  time: localTime,
  until: localDate.optional(),
  count: z.number().int().min(1).max(1000).optional(),
});

export const postIn = z.strictObject({
  title: z.string().trim().max(200).default(''),
  campaignId: z.uuid().nullable().default(null),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  variants: z.array(variantIn).min(1).max(20),
  /** Planned time for every variant (a draft may carry it; scheduling uses it when no time is given). */
  plannedAt: isoInstant.nullable().default(null),
});
export type PostIn = z.infer<typeof postIn>;

export const postPatch = z.strictObject({
  title: z.string().trim().max(200).optional(),
  campaignId: z.uuid().nullable().optional(),
  tags: z.array(z.string().trim().min(1).max(50)).max(30).optional(),
  /** The full list of variants: listed ids are updated, new entries created, missing ones removed. */
  variants: z.array(variantIn).min(1).max(20).optional(),
  plannedAt: isoInstant.nullable().optional(),
});
export type PostPatch = z.infer<typeof postPatch>;

export const scheduleIn = z.discriminatedUnion('mode', [
  z.strictObject({ mode: z.literal('now'), variantIds: z.array(z.uuid()).optional() }),
  z.strictObject({ mode: z.literal('at'), at: isoInstant, variantIds: z.array(z.uuid()).optional() }),
  z.strictObject({ mode: z.literal('local'), date: localDate, time: localTime, variantIds: z.array(z.uuid()).optional() }),
  z.strictObject({ mode: z.literal('next_slot'), variantIds: z.array(z.uuid()).optional() }),
  z.strictObject({ mode: z.literal('planned'), variantIds: z.array(z.uuid()).optional() }),
  z.strictObject({ mode: z.literal('recurring'), recurrence: recurrenceIn, start: localDate }),
]);
export type ScheduleIn = z.infer<typeof scheduleIn>;

const issueOut = z.object({ code: z.string(), field: z.string(), message: z.string(), limit: z.number(), actual: z.number(), over: z.number() });
const charterIssueOut = z.object({ rule: z.string(), level: z.enum(['warn', 'block']), field: z.string(), message: z.string(), matches: z.array(z.string()) });
export { charterIssueOut, issueOut };

const partPublishedOut = z.object({ index: z.number(), remoteId: z.string(), url: z.string(), publishedAt: z.string() });

export const variantOut = z.object({
  id: z.string(),
  postId: z.string(),
  channelId: z.string(),
  network: z.string(),
  channelHandle: z.string(),
  text: z.string(),
  media: z.array(z.object({ assetId: z.string(), altText: z.string().optional() })),
  thread: z.array(z.object({ text: z.string(), media: z.array(z.object({ assetId: z.string(), altText: z.string().optional() })) })),
  firstComment: z.string().nullable(),
  contentWarning: z.string().nullable(),
  language: z.string().nullable(),
  state: variantState,
  dueAt: z.string().nullable(),
  notBefore: z.string().nullable(),
  scheduleVersion: z.number(),
  attempts: z.number(),
  remoteId: z.string().nullable(),
  remoteUrl: z.string().nullable(),
  parts: z.array(partPublishedOut),
  publishedAt: z.string().nullable(),
  /** The exact error when it failed (or why the outcome is unknown). */
  error: z.string().nullable(),
  errorCode: z.string().nullable(),
  issues: z.unknown().nullable(),
  /** A retry is safe (nothing can be duplicated). */
  retryable: z.boolean(),
  /** The outcome is unknown and reconciliation could not tell: a person must decide. */
  needsDecision: z.boolean(),
  updatedAt: z.string(),
});
export type VariantOut = z.infer<typeof variantOut>;

export const postOut = z.object({
  id: z.string(),
  title: z.string(),
  author: z.object({ id: z.string(), name: z.string() }).nullable(),
  campaign: z.object({ id: z.string(), name: z.string(), color: z.string() }).nullable(),
  tags: z.array(z.string()),
  recurrence: z.unknown().nullable(),
  seriesId: z.string().nullable(),
  occurrence: z.number(),
  /** The least advanced state of its variants (what the post as a whole is waiting for). */
  status: variantState,
  approval: z.object({
    round: z.number(),
    step: z.number().nullable(),
    steps: z.array(z.object({ name: z.string(), approverIds: z.array(z.string()) })),
    submittedAt: z.string().nullable(),
  }),
  variants: z.array(variantOut),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PostOut = z.infer<typeof postOut>;
