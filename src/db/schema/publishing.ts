import { sql } from 'drizzle-orm';
import {
  bigserial, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { channels } from './channels.ts';
import { users, workspaces } from './core.ts';

/**
 * Publishing: posts and their per-channel variants (the unit the scheduler publishes exactly once),
 * campaigns, the media library, the editorial charter, approval steps and decisions, the social-media
 * plan's cadence, short links and their clicks, and metric points (the base of the best-time hint).
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

export const campaigns = pgTable('campaigns', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  color: text('color').notNull().default('#228be6'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('campaigns_name_idx').on(t.workspaceId, sql`lower(${t.name})`)]);

/** A post: one message written once; its variants adapt it per channel. */
export const posts = pgTable('posts', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
  title: text('title').notNull().default(''),
  campaignId: uuid('campaign_id').references(() => campaigns.id, { onDelete: 'set null' }),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  /** {freq, interval, weekdays?, time, until?, count?} in the workspace time zone; null for a one-off post. */
  recurrence: jsonb('recurrence'),
  /** First post of a recurring series (itself for the first occurrence); null for one-off posts. */
  seriesId: uuid('series_id'),
  occurrence: integer('occurrence').notNull().default(0),
  /** Approval: round number (bumped at every submission) and the step waiting for a decision. */
  approvalRound: integer('approval_round').notNull().default(0),
  approvalStep: integer('approval_step'),
  submittedAt: ts('submitted_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('posts_workspace_idx').on(t.workspaceId, t.createdAt.desc()),
  uniqueIndex('posts_series_occurrence_idx').on(t.seriesId, t.occurrence),
]);

/**
 * A post as it goes out on one channel. `state` follows DESIGN "Publishing must be exactly-once":
 * draft → in_review → approved → scheduled → publishing → published | failed | unknown.
 */
export const postVariants = pgTable('post_variants', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
  channelId: uuid('channel_id').notNull().references(() => channels.id, { onDelete: 'cascade' }),
  text: text('text').notNull().default(''),
  /** [{assetId, altText?}] */
  media: jsonb('media').notNull().default(sql`'[]'::jsonb`),
  /** Further parts of a thread: [{text, media: [{assetId, altText?}]}] */
  thread: jsonb('thread').notNull().default(sql`'[]'::jsonb`),
  firstComment: text('first_comment'),
  contentWarning: text('content_warning'),
  language: text('language'),
  state: text('state').notNull().default('draft'),
  /** When it should go out (UTC); planned time while still a draft. */
  dueAt: ts('due_at'),
  /** Not before this time (rate limit or retry backoff), without changing the planned time. */
  notBefore: ts('not_before'),
  /** Bumped at every (re)scheduling: the idempotency key is `<id>:<scheduleVersion>`. */
  scheduleVersion: integer('schedule_version').notNull().default(0),
  scheduledBy: uuid('scheduled_by').references(() => users.id, { onDelete: 'set null' }),
  claimedBy: text('claimed_by'),
  claimedAt: ts('claimed_at'),
  attempts: integer('attempts').notNull().default(0),
  /** Parts already published ([{index, remoteId, url, publishedAt}]), saved the moment each exists. */
  parts: jsonb('parts').notNull().default(sql`'[]'::jsonb`),
  remoteId: text('remote_id'),
  remoteUrl: text('remote_url'),
  publishedAt: ts('published_at'),
  error: text('error'),
  errorCode: text('error_code'),
  issues: jsonb('issues'),
  unknownAt: ts('unknown_at'),
  /** Next reconciliation attempt (a lease while one runs); null when none is due. */
  reconcileAt: ts('reconcile_at'),
  reconcileAttempts: integer('reconcile_attempts').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('post_variants_post_idx').on(t.postId),
  index('post_variants_workspace_due_idx').on(t.workspaceId, t.dueAt),
  index('post_variants_due_idx').on(t.dueAt).where(sql`${t.state} = 'scheduled'`),
  index('post_variants_publishing_idx').on(t.claimedAt).where(sql`${t.state} = 'publishing'`),
  index('post_variants_publishing_channel_idx').on(t.channelId, t.claimedBy).where(sql`${t.state} = 'publishing'`),
  index('post_variants_reconcile_idx').on(t.reconcileAt).where(sql`${t.state} = 'unknown'`),
  index('post_variants_published_idx').on(t.channelId, t.publishedAt).where(sql`${t.state} = 'published'`),
]);

/** The media library: metadata here, bytes in `media_blobs` (PostgreSQL, so every process sees them). */
export const mediaAssets = pgTable('media_assets', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  kind: text('kind').notNull(),
  mimeType: text('mime_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  sha256: text('sha256').notNull(),
  filename: text('filename').notNull(),
  altText: text('alt_text').notNull().default(''),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('media_assets_workspace_idx').on(t.workspaceId, t.createdAt.desc())]);

export const mediaBlobs = pgTable('media_blobs', {
  assetId: uuid('asset_id').primaryKey().references(() => mediaAssets.id, { onDelete: 'cascade' }),
  bytes: bytea('bytes').notNull(),
});

/** The editorial charter of a workspace: tone notes and rules, each set to warn or block. */
export const charters = pgTable('charters', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  toneNotes: text('tone_notes').notNull().default(''),
  rules: jsonb('rules').notNull().default(sql`'{}'::jsonb`),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Approval steps of a workspace, in order: [{name, approverIds: uuid[]}] (empty approvers: anyone who may approve). */
export const approvalFlows = pgTable('approval_flows', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  steps: jsonb('steps').notNull().default(sql`'[]'::jsonb`),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Every approval decision (and submission), per post and round. */
export const approvals = pgTable('approvals', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
  round: integer('round').notNull(),
  step: integer('step').notNull(),
  decision: text('decision').notNull(),
  comment: text('comment').notNull().default(''),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  at: ts('at').notNull().defaultNow(),
}, (t) => [index('approvals_post_idx').on(t.postId, t.at)]);

/** The social-media plan's cadence: "this channel, these weekdays, at this local time". */
export const planSlots = pgTable('plan_slots', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  channelId: uuid('channel_id').notNull().references(() => channels.id, { onDelete: 'cascade' }),
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  weekdays: integer('weekdays').array().notNull(),
  /** Local time "HH:MM" in the workspace time zone. */
  time: text('time').notNull(),
  label: text('label').notNull().default(''),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('plan_slots_workspace_idx').on(t.workspaceId)]);

/** A short link served at /l/<code>, usually one per variant (clicks per variant → click-through rate). */
export const shortLinks = pgTable('short_links', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  code: text('code').notNull().unique(),
  /** Final destination, UTM parameters included. */
  destination: text('destination').notNull(),
  originalUrl: text('original_url').notNull(),
  utm: jsonb('utm').notNull().default(sql`'{}'::jsonb`),
  postId: uuid('post_id').references(() => posts.id, { onDelete: 'set null' }),
  variantId: uuid('variant_id').references(() => postVariants.id, { onDelete: 'set null' }),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('short_links_workspace_idx').on(t.workspaceId), index('short_links_variant_idx').on(t.variantId)]);

/** One click: no IP stored, only a daily salted hash of (IP, user agent) to count unique visitors. */
export const linkClicks = pgTable('link_clicks', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  linkId: uuid('link_id').notNull().references(() => shortLinks.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  variantId: uuid('variant_id'),
  at: ts('at').notNull().defaultNow(),
  referrerHost: text('referrer_host'),
  visitorHash: text('visitor_hash').notNull(),
  bot: boolean('bot').notNull().default(false),
}, (t) => [index('link_clicks_link_idx').on(t.linkId, t.at), index('link_clicks_variant_idx').on(t.variantId)]);

/** A measured value with its provenance (the network field and when it was fetched). */
export const metricPoints = pgTable('metric_points', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  entityType: text('entity_type').notNull(),
  entityId: uuid('entity_id').notNull(),
  channelId: uuid('channel_id'),
  metric: text('metric').notNull(),
  value: doublePrecision('value').notNull(),
  at: ts('at').notNull(),
  networkField: text('network_field'),
  fetchedAt: ts('fetched_at').notNull(),
}, (t) => [index('metric_points_entity_idx').on(t.entityType, t.entityId, t.metric, t.at.desc()), index('metric_points_workspace_idx').on(t.workspaceId, t.at)]);

/** Scheduler processes alive now: a claim held by a worker whose heartbeat stopped is stale. */
export const schedulerWorkers = pgTable('scheduler_workers', {
  id: text('id').primaryKey(),
  startedAt: ts('started_at').notNull(),
  heartbeatAt: ts('heartbeat_at').notNull(),
});
