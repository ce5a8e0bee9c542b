import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users, workspaces } from './core.ts';

/** Connected accounts (channels), Mastodon app registrations, and pending OAuth authorizations. */

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const channels = pgTable('channels', {
  id: uuid('id').primaryKey(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  network: text('network').notNull(),
  remoteId: text('remote_id').notNull(),
  handle: text('handle').notNull(),
  displayName: text('display_name'),
  avatarUrl: text('avatar_url'),
  profileUrl: text('profile_url'),
  /** Where the account lives: the PDS (Bluesky) or the instance (Mastodon). */
  serverUrl: text('server_url'),
  /** Connector credentials sealed with the SecretBox, bound to this row (aad `channel:<id>`). Never presented. */
  credentialsSealed: text('credentials_sealed').notNull(),
  limits: jsonb('limits').notNull(),
  /** connected | reconnect_needed | rate_limited (derived with rate_limited_until when read) */
  health: text('health').notNull().default('connected'),
  rateLimitedUntil: ts('rate_limited_until'),
  /** Last rate-limit headers seen: {remaining, limit, resetAt}. */
  rateLimit: jsonb('rate_limit'),
  tokenExpiresAt: ts('token_expires_at'),
  lastError: text('last_error'),
  /**
   * Lasting conditions of a working channel, by code (`ConnectorContext.setNotice`), e.g.
   * `{ dm_access_missing: { message, since } }`: Bluesky DMs unreadable with this app password.
   */
  notices: jsonb('notices').$type<Record<string, { message: string; since: string }>>().notNull().default({}),
  /** Resume point of fetchInteractions (the inbox's ingest uses its own per-channel cursor table later). */
  interactionsCursor: text('interactions_cursor'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
}, (t) => [
  uniqueIndex('channels_account_idx').on(t.workspaceId, t.network, t.remoteId),
  index('channels_workspace_idx').on(t.workspaceId),
]);

/**
 * Passerelle's app registration on each Mastodon instance (per redirect URI), reused for every channel
 * connected there. Installation-wide, not workspace data: it holds no user information.
 */
export const mastodonApps = pgTable('mastodon_apps', {
  instanceUrl: text('instance_url').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  clientId: text('client_id').notNull(),
  clientSecretSealed: text('client_secret_sealed').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
}, (t) => [uniqueIndex('mastodon_apps_idx').on(t.instanceUrl, t.redirectUri)]);

/** An OAuth authorization in progress: `state` (hashed) ties the callback to the user and workspace that began it. */
export const oauthStates = pgTable('oauth_states', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  stateHash: text('state_hash').notNull().unique(),
  workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  network: text('network').notNull(),
  /** The connector's pending authorization (app + PKCE verifier), sealed. */
  pendingSealed: text('pending_sealed').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});
