import { sql } from 'drizzle-orm';
import {
  boolean, check, customType, doublePrecision, index, integer, jsonb, numeric, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';
import { channels } from './channels.ts';
import { users, workspaces } from './core.ts';

/**
 * The inbox: conversations and their messages (ingested from channels), outbound replies, notes,
 * contacts (one person across networks), saved replies and views, SLA policies, reply-guard settings,
 * presence, and each channel's ingest state.
 */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Per-channel ingest state: the connector cursor (saved only after a batch commits) and backfill progress. */
export const inboxChannelState = pgTable('inbox_channel_state', {
  channelId: uuid('channel_id').primaryKey().references(() => channels.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  cursor: text('cursor'),
  /** Set once the backfill of replies under recent posts has run (on connect). */
  backfilledAt: ts('backfilled_at'),
  lastPolledAt: ts('last_polled_at'),
  lastError: text('last_error'),
  /** Likes, reposts and follows are not inbox items: only counted here. */
  engagement: jsonb('engagement').$type<Record<string, number>>().notNull().default({}),
  ingestedCount: integer('ingested_count').notNull().default(0),
  /** Real-time stream (stream.supervisor.ts): open since (null while down), last event, last error. */
  streamConnectedSince: ts('stream_connected_since'),
  streamLastEventAt: ts('stream_last_event_at'),
  streamLastError: text('stream_last_error'),
  /** Refreshed by the process holding the streams; older than a minute or two means nobody does (e.g. it died). */
  streamSeenAt: ts('stream_seen_at'),
});

/** One person across networks; lead fields for sales. `mergedIntoId` is set on a contact merged into another. */
export const contacts = pgTable('contacts', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  displayName: text('display_name'),
  primaryHandle: text('primary_handle').notNull(),
  avatarUrl: text('avatar_url'),
  followers: integer('followers'),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  leadStatus: text('lead_status'),
  leadValue: numeric('lead_value', { precision: 14, scale: 2 }),
  leadOwnerId: uuid('lead_owner_id').references(() => users.id, { onDelete: 'set null' }),
  email: text('email'),
  mergedIntoId: uuid('merged_into_id'),
  firstSeenAt: ts('first_seen_at').notNull(),
  lastSeenAt: ts('last_seen_at').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  index('contacts_workspace_seen_idx').on(t.workspaceId, t.lastSeenAt.desc()),
]);

/** A network account of a contact: unique per workspace, network and the network's author id. */
export const contactIdentities = pgTable('contact_identities', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  network: text('network').notNull(),
  remoteId: text('remote_id').notNull(),
  handle: text('handle').notNull(),
  displayName: text('display_name'),
  avatarUrl: text('avatar_url'),
  followers: integer('followers'),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('contact_identities_remote_idx').on(t.workspaceId, t.network, t.remoteId),
  index('contact_identities_contact_idx').on(t.contactId),
]);

export const contactNotes = pgTable('contact_notes', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  contactId: uuid('contact_id').notNull().references(() => contacts.id, { onDelete: 'cascade' }),
  authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
  body: text('body').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [index('contact_notes_contact_idx').on(t.contactId, t.createdAt)]);

/**
 * A thread on a channel: the comments under a post, a DM thread, a mention or quote and its replies, a
 * review. `threadKey` is unique per channel (`thread:<root remote id>`, `dm:<author>`, `review:<id>`).
 */
export const conversations = pgTable('conversations', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  channelId: uuid('channel_id').notNull().references(() => channels.id, { onDelete: 'cascade' }),
  threadKey: text('thread_key').notNull(),
  /** thread | dm | mention | quote | review */
  kind: text('kind').notNull(),
  rootRemoteId: text('root_remote_id'),
  /** The original post shown as context: {remoteId, url, text, authorHandle} as far as known. */
  context: jsonb('context').$type<{ remoteId: string | null; url: string | null; text: string | null; authorHandle: string | null }>(),
  contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
  /** open | pending | snoozed | closed */
  status: text('status').notNull().default('open'),
  snoozedUntil: ts('snoozed_until'),
  assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
  /** low | normal | high | urgent */
  priority: text('priority').notNull().default('normal'),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  /** Of the latest inbound message. */
  language: text('language'),
  sentiment: text('sentiment'),
  intents: text('intents').array().notNull().default(sql`'{}'::text[]`),
  maxToxicity: doublePrecision('max_toxicity'),
  hasUnanswered: boolean('has_unanswered').notNull().default(true),
  unansweredCount: integer('unanswered_count').notNull().default(0),
  messageCount: integer('message_count').notNull().default(0),
  firstInboundAt: ts('first_inbound_at'),
  lastInboundAt: ts('last_inbound_at'),
  lastMessageAt: ts('last_message_at').notNull(),
  /** Analytics: first reply after the first inbound message, and closing; durations in business seconds. */
  firstResponseAt: ts('first_response_at'),
  firstResponseSeconds: integer('first_response_seconds'),
  resolvedAt: ts('resolved_at'),
  resolutionSeconds: integer('resolution_seconds'),
  slaPolicyId: uuid('sla_policy_id'),
  /** When the current SLA target falls due (first response, then resolution). */
  slaDueAt: ts('sla_due_at'),
  /** none | ok | at_risk | breached | met */
  slaState: text('sla_state').notNull().default('none'),
  slaTarget: text('sla_target'),
  slaBreachedAt: ts('sla_breached_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('conversations_thread_idx').on(t.channelId, t.threadKey),
  index('conversations_status_idx').on(t.workspaceId, t.status, t.lastMessageAt.desc(), t.id.desc()),
  index('conversations_recent_idx').on(t.workspaceId, t.lastMessageAt.desc(), t.id.desc()),
  index('conversations_channel_idx').on(t.workspaceId, t.channelId, t.status, t.lastMessageAt.desc(), t.id.desc()),
  index('conversations_assignee_idx').on(t.workspaceId, t.assigneeId, t.status, t.lastMessageAt.desc(), t.id.desc()),
  index('conversations_unanswered_idx').on(t.workspaceId, t.lastMessageAt.desc(), t.id.desc()).where(sql`${t.hasUnanswered} AND ${t.status} <> 'closed'`),
  index('conversations_tags_idx').using('gin', t.tags),
  index('conversations_intents_idx').using('gin', t.intents),
  index('conversations_contact_idx').on(t.contactId),
  index('conversations_sla_due_idx').on(t.slaDueAt).where(sql`${t.slaState} IN ('ok', 'at_risk')`),
  index('conversations_snoozed_idx').on(t.snoozedUntil).where(sql`${t.status} = 'snoozed'`),
]);

/**
 * Conversations per status of a workspace, as deltas: a statement-level trigger on `conversations`
 * (migration 0007) inserts (workspace, status, ±n) rows in the same transaction as every insert,
 * status change or delete, so `sum(n)` per status is exact under MVCC without a hot counter row (no
 * lock shared by concurrent ingests). The minute tick folds the rows into one per (workspace, status).
 * No foreign key: a workspace's cascade delete writes its own negative deltas.
 */
export const inboxStatusCounts = pgTable('inbox_status_counts', {
  workspaceId: uuid('workspace_id').notNull(),
  status: text('status').notNull(),
  n: integer('n').notNull(),
}, (t) => [index('inbox_status_counts_workspace_idx').on(t.workspaceId, t.status)]);

/**
 * One item: inbound (ingested, remote id unique per channel) or outbound (our reply once it exists on
 * the network). Text is stored and rendered as plain text. `tsv` is maintained by PostgreSQL with the
 * message's language (french / english / simple).
 */
export const messages = pgTable('messages', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  channelId: uuid('channel_id').notNull().references(() => channels.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  remoteId: text('remote_id').notNull(),
  /** in | out */
  direction: text('direction').notNull(),
  kind: text('kind').notNull(),
  contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
  authorRemoteId: text('author_remote_id').notNull(),
  authorHandle: text('author_handle').notNull(),
  authorName: text('author_name'),
  authorFollowers: integer('author_followers'),
  text: text('text').notNull(),
  url: text('url'),
  inReplyTo: text('in_reply_to'),
  rootRemoteId: text('root_remote_id'),
  /** When the network says it was written. */
  createdAt: ts('created_at').notNull(),
  ingestedAt: ts('ingested_at').notNull(),
  language: text('language'),
  sentiment: text('sentiment'),
  sentimentScore: doublePrecision('sentiment_score'),
  toxicity: doublePrecision('toxicity'),
  toxic: boolean('toxic'),
  profanity: boolean('profanity'),
  intents: text('intents').array(),
  intentScores: jsonb('intent_scores').$type<Record<string, number>>(),
  hidden: boolean('hidden').notNull().default(false),
  deletedAt: ts('deleted_at'),
  /** The user who sent it from Passerelle (outbound). */
  sentBy: uuid('sent_by').references(() => users.id, { onDelete: 'set null' }),
  /** Star rating of a review (1–5), of the version this message holds; null for everything else. */
  rating: smallint('rating'),
  tsv: tsvector('tsv').generatedAlwaysAs(sql`to_tsvector(CASE language WHEN 'fr' THEN 'french'::regconfig WHEN 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, text)`),
}, (t) => [
  uniqueIndex('messages_remote_idx').on(t.channelId, t.remoteId),
  index('messages_workspace_created_idx').on(t.workspaceId, t.createdAt.desc()),
  index('messages_contact_idx').on(t.contactId, t.createdAt.desc()),
  index('messages_tsv_idx').using('gin', t.tsv),
  check('messages_rating_range', sql`${t.rating} BETWEEN 1 AND 5`),
  // Also messages_search_idx (conversation_id, created_at, id) INCLUDE (workspace_id, tsv), created in
  // migration 0012 (drizzle cannot declare INCLUDE). It serves both a conversation's messages in order and
  // full-text search, which walks conversations newest first and probes each one's messages index-only
  // instead of reading the wide rows. One index for both: every index is paid on each of the many
  // inserts (bench/inbox.ts). There is no (channel, author) index: the moderation engine's repeated-text
  // signal reads an author's recent messages through messages_contact_idx (one contact per author).
]);

/**
 * A reply written in Passerelle. States: needs_approval → queued; delayed (until `sendAfter`, undo by
 * cancelling) → sending → sent | unknown (reconciled with findPublished) | failed; cancelled; rejected.
 */
export const inboxReplies = pgTable('inbox_replies', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  /** The message answered (its remote id is the network's replyTo). */
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
  text: text('text').notNull(),
  state: text('state').notNull(),
  guard: jsonb('guard').$type<{ result: string; reasons: { code: string; message: string }[] }>().notNull(),
  sendAfter: ts('send_after'),
  approvedBy: uuid('approved_by').references(() => users.id, { onDelete: 'set null' }),
  remoteId: text('remote_id'),
  url: text('url'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  closeAfter: boolean('close_after').notNull().default(false),
  createdAt: ts('created_at').notNull(),
  sentAt: ts('sent_at'),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  index('inbox_replies_conversation_idx').on(t.conversationId, t.createdAt),
  index('inbox_replies_due_idx').on(t.sendAfter).where(sql`${t.state} = 'delayed'`),
]);

/** An internal note on a conversation; `mentions` are the teammates notified. */
export const inboxNotes = pgTable('inbox_notes', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
  body: text('body').notNull(),
  mentions: uuid('mentions').array().notNull().default(sql`'{}'::uuid[]`),
  createdAt: ts('created_at').notNull(),
}, (t) => [index('inbox_notes_conversation_idx').on(t.conversationId, t.createdAt)]);

/** History of a conversation's work (assigned, tagged, closed…), shown in its timeline. */
export const conversationEvents = pgTable('conversation_events', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  type: text('type').notNull(),
  data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  at: ts('at').notNull(),
}, (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.at)]);

/** A reusable reply with variables ({{first_name}}, {{handle}}, {{agent_name}}…). */
export const savedReplies = pgTable('saved_replies', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  body: text('body').notNull(),
  language: text('language'),
  shortcut: text('shortcut'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('saved_replies_workspace_idx').on(t.workspaceId, t.name)]);

/** A named set of inbox filters; personal unless `shared`. */
export const savedViews = pgTable('saved_views', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  filters: jsonb('filters').$type<Record<string, unknown>>().notNull(),
  shared: boolean('shared').notNull().default(false),
  position: integer('position').notNull().default(0),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('saved_views_workspace_idx').on(t.workspaceId, t.position)]);

/**
 * Response-time targets in business hours. Applies to conversations matching `channelIds` (empty: all)
 * and `priorities` (empty: all); the most specific, then lowest `position`, wins.
 */
export const slaPolicies = pgTable('sla_policies', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  channelIds: uuid('channel_ids').array().notNull().default(sql`'{}'::uuid[]`),
  priorities: text('priorities').array().notNull().default(sql`'{}'::text[]`),
  firstResponseMinutes: integer('first_response_minutes').notNull(),
  resolutionMinutes: integer('resolution_minutes'),
  /** Share of the target after which the conversation is "at risk" (0..1). */
  atRiskRatio: doublePrecision('at_risk_ratio').notNull().default(0.8),
  position: integer('position').notNull().default(0),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Business hours per weekday in the workspace's time zone: {mon: [["09:00","18:00"]], …}. */
export const businessHours = pgTable('business_hours', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  week: jsonb('week').$type<Record<string, [string, string][]>>().notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const holidays = pgTable('holidays', {
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** Local date YYYY-MM-DD in the workspace's time zone. */
  day: text('day').notNull(),
  name: text('name').notNull(),
}, (t) => [primaryKey({ columns: [t.workspaceId, t.day] })]);

/**
 * Reply guard: what happens when a reply is flagged (warn / approval / delay), thresholds, and the
 * charter's words. Integration point: when publishing's charter lands, read its rules here too.
 */
export const replyGuardSettings = pgTable('reply_guard_settings', {
  workspaceId: uuid('workspace_id').primaryKey().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** off | warn | approval | delay */
  mode: text('mode').notNull().default('warn'),
  delaySeconds: integer('delay_seconds').notNull().default(30),
  toxicityThreshold: doublePrecision('toxicity_threshold').notNull().default(0.6),
  negativeThreshold: doublePrecision('negative_threshold').notNull().default(-0.5),
  reachThreshold: integer('reach_threshold').notNull().default(10_000),
  forbiddenPhrases: text('forbidden_phrases').array().notNull().default(sql`'{}'::text[]`),
  /** Seconds within which a second reply in the same conversation asks for confirmation. */
  collisionSeconds: integer('collision_seconds').notNull().default(30),
  /** CRM webhook for contacts (sent through the SSRF guard, signed with HMAC). */
  crmWebhookUrl: text('crm_webhook_url'),
  crmWebhookSecretSealed: text('crm_webhook_secret_sealed'),
  updatedAt: ts('updated_at').notNull(),
});

/** Who is viewing or typing in a conversation (heartbeats; stale after a few seconds). */
export const inboxPresence = pgTable('inbox_presence', {
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** viewing | typing */
  state: text('state').notNull(),
  at: ts('at').notNull(),
}, (t) => [primaryKey({ columns: [t.conversationId, t.userId] })]);
