import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaces } from './core.ts';
import { conversations, messages } from './inbox.ts';

/** Relay to the company: routes (intent or tag → team, by email digest or Slack-compatible webhook) and relayed items. */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

export const relayRoutes = pgTable('relay_routes', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  team: text('team').notNull(),
  intents: text('intents').array().notNull().default(sql`'{}'::text[]`),
  tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
  /** email | webhook */
  delivery: text('delivery').notNull(),
  emails: text('emails').array().notNull().default(sql`'{}'::text[]`),
  digestMinutes: integer('digest_minutes').notNull().default(60),
  webhookUrl: text('webhook_url'),
  webhookSecretSealed: text('webhook_secret_sealed'),
  enabled: boolean('enabled').notNull().default(true),
  lastDigestAt: ts('last_digest_at'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('relay_routes_workspace_idx').on(t.workspaceId)]);

/** One message relayed on one route. Status: new → sent → acknowledged → resolved (or failed). */
export const relayItems = pgTable('relay_items', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  routeId: uuid('route_id').notNull().references(() => relayRoutes.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull().references(() => conversations.id, { onDelete: 'cascade' }),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  /** intent label or tag that matched, or `manual`. */
  reason: text('reason').notNull(),
  status: text('status').notNull().default('new'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
  createdAt: ts('created_at').notNull(),
  sentAt: ts('sent_at'),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [
  uniqueIndex('relay_items_once_idx').on(t.routeId, t.messageId),
  index('relay_items_conversation_idx').on(t.conversationId),
  index('relay_items_route_status_idx').on(t.routeId, t.status, t.createdAt),
]);
