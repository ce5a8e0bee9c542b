import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaces } from './core.ts';
import { messages } from './inbox.ts';

/** Moderation: rules (conditions → actions), the log of every action taken, and author block/allow lists. */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

export const moderationRules = pgTable('moderation_rules', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  enabled: boolean('enabled').notNull().default(false),
  /** all | any */
  match: text('match').notNull().default('all'),
  conditions: jsonb('conditions').$type<unknown[]>().notNull(),
  actions: jsonb('actions').$type<unknown[]>().notNull(),
  position: integer('position').notNull().default(0),
  /** Set when the rule was switched on: it never acts on messages ingested before (use a dry run for those). */
  enabledAt: ts('enabled_at'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
}, (t) => [index('moderation_rules_workspace_idx').on(t.workspaceId, t.position)]);

/**
 * One action on one message. Unique per (rule, message, action index) so re-running rules never acts
 * twice; manual actions have no rule. States: done | local_only | failed | undone.
 */
export const moderationActions = pgTable('moderation_actions', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  ruleId: uuid('rule_id').references(() => moderationRules.id, { onDelete: 'set null' }),
  ruleName: text('rule_name'),
  messageId: uuid('message_id').notNull().references(() => messages.id, { onDelete: 'cascade' }),
  conversationId: uuid('conversation_id').notNull(),
  actionIndex: integer('action_index').notNull().default(0),
  action: text('action').notNull(),
  params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
  state: text('state').notNull(),
  /** What the action changed, so undo can restore it (previous assignee, priority…). */
  before: jsonb('before').$type<Record<string, unknown>>().notNull().default({}),
  note: text('note'),
  undoable: boolean('undoable').notNull().default(false),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  at: ts('at').notNull(),
  undoneAt: ts('undone_at'),
  undoneBy: uuid('undone_by'),
}, (t) => [
  uniqueIndex('moderation_actions_once_idx').on(t.ruleId, t.messageId, t.actionIndex).where(sql`${t.ruleId} IS NOT NULL`),
  index('moderation_actions_workspace_idx').on(t.workspaceId, t.at.desc()),
  index('moderation_actions_message_idx').on(t.messageId),
]);

/** Authors on the block list (rules may act on them) or the allow list (rules may spare them). */
export const moderationAuthorLists = pgTable('moderation_author_lists', {
  id: id(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  /** block | allow */
  list: text('list').notNull(),
  network: text('network').notNull(),
  /** The network's author id or handle (either matches). */
  author: text('author').notNull(),
  note: text('note'),
  createdAt: ts('created_at').notNull(),
}, (t) => [uniqueIndex('moderation_author_lists_idx').on(t.workspaceId, t.list, t.network, t.author)]);
