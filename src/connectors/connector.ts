/**
 * The one contract every social network implements. Publishing, inbox, moderation, listening and
 * analytics use only this interface; the channels module owns the database and passes everything a
 * connector needs through a `ConnectorContext`. Connectors never touch the database themselves.
 *
 * Errors are the typed classes of `./errors.ts`; see docs/connectors.md for what each one means to the
 * scheduler.
 */

/** Networks with a connector. */
export type NetworkId = 'bluesky' | 'mastodon' | 'google-business';

// ---------------------------------------------------------------------------------------------------
// Context

/** pino-compatible subset. Connectors log ids and statuses, never credentials or post bodies. */
export interface ConnectorLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What a network's rate-limit headers said, reported after every response that carried them. */
export interface RateLimitState {
  /** Requests left in the current window, when the network says so. */
  remaining: number | null;
  /** Size of the window, when the network says so. */
  limit: number | null;
  /** When the window resets. */
  resetAt: Date;
  /** True when the network answered 429: the channel must wait until `resetAt`. */
  limited: boolean;
}

/** What every call needs that is not connector-specific. */
export interface BaseContext {
  /** The SSRF-guarded fetch (`createGuardedFetch`); connectors use nothing else for HTTP. */
  fetch: typeof fetch;
  now(): Date;
  log: ConnectorLogger;
  /** Budget for one HTTP request; a write that runs out becomes `OutcomeUnknown`. */
  timeoutMs: number;
}

/**
 * Context of a call on a connected channel. `C` is the network's credentials type
 * (`BlueskyCredentials`, `MastodonCredentials`), decrypted by the channels module.
 */
export interface ConnectorContext<C = unknown> extends BaseContext {
  credentials: C;
  /**
   * Persist renewed credentials (e.g. a refreshed Bluesky session) before the call returns. This is
   * how sessions are shared across jobs and processes; the channels module encrypts and stores them.
   */
  saveCredentials(next: C): Promise<void>;
  /** The channel's stored rate-limit horizon: when set in the future, calls throw `RateLimited` at once. */
  rateLimitedUntil: Date | null;
  /** Persist rate-limit headers into the channel's state (shared by all workers). */
  onRateLimit(state: RateLimitState): Promise<void>;
  /**
   * Record (or clear, with null) a lasting condition under `code` that limits what the channel can do
   * while the channel itself works, e.g. Bluesky DMs unreadable with this app password. The channels
   * module stores it on the channel and shows it; connectors call it on every check (writes happen
   * only on change). Optional: contexts without it (scripts) drop notices.
   */
  setNotice?(code: string, notice: ChannelNotice | null): Promise<void>;
}

/** A lasting condition of a working channel (see `ConnectorContext.setNotice`). */
export interface ChannelNotice {
  /** English sentence for logs and API clients; the UI translates by code. */
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Capabilities and limits

export type InteractionKind =
  | 'comment'
  | 'reply'
  | 'mention'
  | 'quote'
  | 'dm'
  | 'review'
  | 'like'
  | 'repost'
  | 'follow';

export type ModerationAction = 'hide' | 'unhide' | 'delete' | 'block' | 'unblock';

export type MetricName = 'likes' | 'reposts' | 'replies' | 'quotes' | 'impressions' | 'clicks';

/** What a network allows; the UI and the services read this instead of testing the network id. */
export interface Capabilities {
  /** How a channel is connected: an app password (form) or an OAuth authorization-code flow. */
  auth: 'app-password' | 'oauth2';
  /** Whether credentials expire and whether the connector renews them itself. */
  credentials: { expire: boolean; refreshable: boolean };
  publish: {
    text: boolean;
    images: boolean;
    video: boolean;
    /** A thread: several parts, each replying to the previous one. */
    thread: boolean;
    /** A reply to any post (`Variant.replyTo`). */
    reply: boolean;
    /** `Variant.contentWarning`. */
    contentWarning: boolean;
  };
  /** Delete our own posts. */
  deleteOwn: boolean;
  /** Kinds `fetchInteractions` returns. */
  interactions: InteractionKind[];
  /** Actions `moderate` accepts on other people's content. */
  moderation: ModerationAction[];
  /** Metrics `fetchMetrics` returns. */
  metrics: MetricName[];
  search: boolean;
  /**
   * How `findPublished` reconciles: `record-key` = the post's id is derived from the idempotency key
   * (a lookup is exact forever); `idempotency-header` = the network deduplicates for a while (Mastodon
   * ~1 h) and recent posts are searched after that.
   */
  reconciliation: 'record-key' | 'idempotency-header';
  /**
   * Real-time delivery on top of polling (polling with cursors stays the source of truth):
   * `account` = `stream` follows one channel over its own connection (Mastodon streaming);
   * `network` = one shared connection serves every channel of the network (Bluesky Jetstream);
   * `none` = polling only.
   */
  stream: 'none' | 'account' | 'network';
}

/** Text, media and thread limits of one channel (some are per instance). */
export interface Limits {
  text: {
    /** Maximum length, counted as `counting` says. */
    maxLength: number;
    /**
     * `graphemes`: user-perceived characters (Intl.Segmenter).
     * `mastodon`: graphemes, every http(s) URL counts `urlLength`, `@user@domain` counts as `@user`.
     */
    counting: 'graphemes' | 'mastodon';
    /** Maximum UTF-8 bytes, when the network also caps bytes (Bluesky 3,000). */
    maxBytes: number | null;
    /** Characters one URL counts for, when fixed (Mastodon 23). */
    urlLength: number | null;
  };
  media: {
    maxCount: number;
    maxImageBytes: number;
    imageMimeTypes: string[];
    /** Maximum characters of an alt text. */
    maxAltTextLength: number;
  };
  /** Maximum parts in a thread (1 when threads are not supported). */
  maxThreadParts: number;
  /** Maximum languages per post. */
  maxLanguages: number;
}

// ---------------------------------------------------------------------------------------------------
// Publishing

/** One image (or later video) attached to a post. */
export interface MediaInput {
  bytes: Uint8Array;
  mimeType: string;
  /** Alt text; strongly recommended, shown to screen-reader users. */
  altText?: string;
  filename?: string;
}

/** One post of a thread. */
export interface VariantPart {
  text: string;
  media?: MediaInput[];
}

/** What to publish on one channel: a post, optionally continued by a thread, optionally a reply. */
export interface Variant extends VariantPart {
  /** Further posts, each a reply to the previous one (a thread). */
  thread?: VariantPart[];
  /** Remote id of the post this one replies to (from `Published.remoteId` or `Interaction.remoteId`). */
  replyTo?: string;
  /** BCP-47 / ISO 639-1 language code, e.g. `fr`. */
  language?: string;
  /** Content warning / spoiler text, where the network has one. */
  contentWarning?: string;
}

/** One published post; `index` is its position in the thread (0 = the main post). */
export interface PublishedPart {
  index: number;
  remoteId: string;
  url: string;
  publishedAt: Date;
}

/** Result of a publish: the main post, plus every part when it was a thread. */
export interface Published {
  remoteId: string;
  url: string;
  publishedAt: Date;
  parts: PublishedPart[];
}

/** Everything `publish` needs besides the content. */
export interface PublishRequest {
  variant: Variant;
  /**
   * Stable per variant and attempt series (e.g. the variant's id + its schedule version): the same key
   * must never produce two posts.
   */
  idempotencyKey: string;
  /** The time the variant was scheduled for; stable across retries (record keys derive from it). */
  scheduledAt: Date;
  /**
   * The channel's limits: when given, every part is validated before the first call, so a thread is
   * never half-published because its third part is too long (`Rejected` carrying the issues).
   */
  limits?: Limits;
  /** Parts an earlier attempt already published (saved from `onPart`): they are not created again. */
  done?: PublishedPart[];
  /** Called the moment each part exists remotely, so its remote id is saved before anything else. */
  onPart?(part: PublishedPart): Promise<void>;
}

/** Everything `findPublished` needs to answer "did this publish happen?". */
export interface ReconcileRequest {
  variant: Variant;
  idempotencyKey: string;
  /** The same `scheduledAt` the publish used; also the lower bound of a recent-posts search. */
  since: Date;
}

// ---------------------------------------------------------------------------------------------------
// Validation

/** One problem with a variant, precise enough for the composer to highlight it. */
export interface ValidationIssue {
  code:
    | 'text_empty'
    | 'text_too_long'
    | 'text_too_many_bytes'
    | 'too_many_media'
    | 'media_too_large'
    | 'media_type_unsupported'
    | 'alt_text_too_long'
    | 'thread_too_long'
    | 'thread_unsupported'
    | 'reply_unsupported'
    /** The network publishes only replies (Google Business Profile: answers to reviews). */
    | 'reply_required'
    | 'content_warning_unsupported';
  /** Path of the offending field: `text`, `thread[1].text`, `media[2]`, `thread[0].media[1].altText`… */
  field: string;
  /** English sentence saying what is over and by how much; the UI translates by `code`. */
  message: string;
  limit: number;
  actual: number;
  /** `actual - limit` (how much to remove). */
  over: number;
}

// ---------------------------------------------------------------------------------------------------
// Inbound

/** Someone on the network. */
export interface RemoteAuthor {
  remoteId: string;
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  followers?: number;
}

/** A comment, reply, mention, like… normalized across networks. */
export interface Interaction {
  /** Unique per channel and stable: used as the message's remote id. */
  remoteId: string;
  kind: InteractionKind;
  author: RemoteAuthor;
  /** Plain text (HTML stripped); empty for likes, reposts and follows. */
  text: string;
  createdAt: Date;
  /** Remote id of the post this one answers or acts on (the liked post, the parent of a reply…). */
  inReplyTo: string | null;
  /** Remote id of the thread's root post. */
  root: string | null;
  url: string | null;
  /** Star rating of a review, 1 (worst) to 5 (best); absent or null for everything else. */
  rating?: number | null;
  /** A few raw fields for debugging and provenance (never tokens). */
  raw: Record<string, unknown>;
}

/** A post read by id (`fetchPosts`): what the inbox shows as a conversation's context. */
export type RemotePost = Pick<Interaction, 'remoteId' | 'author' | 'text' | 'createdAt' | 'url'>;

/** One page of interactions, oldest first; pass `cursor` back to get only newer ones. */
export interface InteractionPage {
  items: Interaction[];
  /** Opaque resume point; store it and pass it to the next call. */
  cursor: string | null;
  /** True when more items newer than `cursor` are waiting: call again at once. */
  hasMore: boolean;
}

/** Options of `fetchInteractions`. */
export interface FetchInteractionsOptions {
  limit?: number;
  /**
   * Backfill: with a null cursor, start from this instant instead of the newest page (the inbox's first
   * poll of a channel). Pages then come oldest first with `hasMore` until caught up.
   */
  since?: Date;
}

/** What `moderate` acts on: a reply/comment/mention, or its author. */
export interface ModerationTarget {
  /** Remote id of the content (for hide/unhide/delete). */
  remoteId?: string;
  /** Root post of the thread the content belongs to, when known (saves a lookup). */
  root?: string;
  /** Remote id of the author (for block/unblock). */
  authorRemoteId?: string;
}

/** Counts for one post at one time, with the network field each came from. */
export interface MetricSnapshot {
  remoteId: string;
  fetchedAt: Date;
  values: Partial<Record<MetricName, number>>;
  /** Provenance: network field name per metric, e.g. `{ likes: 'favourites_count' }`. */
  fields: Partial<Record<MetricName, string>>;
}

/** Our connected account as the network describes it. */
export interface AccountProfile {
  remoteId: string;
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  url: string;
}

/** What a successful connect hands to the channels module to store. */
export interface Connected<C> {
  account: AccountProfile;
  /** To encrypt and store; passed back as `ConnectorContext.credentials`. */
  credentials: C;
  limits: Limits;
  /** When the credentials stop working unless renewed by the user (null: they do not expire). */
  tokenExpiresAt: Date | null;
}

// ---------------------------------------------------------------------------------------------------
// Streams (real time on top of polling; see docs/connectors.md "Streams")

/** Where an account stream (`capabilities.stream === 'account'`) delivers what it receives. */
export interface StreamSink {
  /**
   * The connection is open: called on the first connect and after every reconnect. Whatever happened
   * while it was down is not replayed by the stream, so the caller polls once (`fetchInteractions`).
   */
  onOpen(): void;
  /**
   * Interactions as they arrive, mapped exactly as `fetchInteractions` maps them (same remote ids, so
   * the poll that later sees them again is a harmless duplicate). The stream waits for the promise.
   */
  onInteractions(items: Interaction[]): Promise<void>;
  /** The connection dropped; the stream reconnects by itself after a backoff. For status display. */
  onDrop(error: Error): void;
}

/** What a network stream (`capabilities.stream === 'network'`) needs: no channel, no credentials. */
export interface NetworkStreamContext {
  now(): Date;
  log: ConnectorLogger;
  /** The endpoint, from the operator's configuration (trusted, not user input). */
  url: string;
  /** Remote ids of the accounts to watch; read on every event, so it may change without reconnecting. */
  accounts(): ReadonlySet<string>;
}

/** Something on the network that concerns one of our accounts. */
export interface StreamActivity {
  /** The account concerned (`AccountProfile.remoteId`, e.g. a DID). */
  accountRemoteId: string;
  reason: 'reply' | 'mention' | 'quote';
  /** The remote id of the post that triggered it. */
  remoteId: string;
}

/** Where a network stream reports what it sees. */
export interface NetworkStreamSink {
  /** The connection is open (first connect and every reconnect). */
  onOpen(): void;
  /**
   * Activity for one of `accounts()`. The event carries too little to build an `Interaction` (no
   * author profile): the caller polls the account's channels at once instead.
   */
  onActivity(activity: StreamActivity): void;
  /** The connection dropped; the stream reconnects by itself after a backoff. */
  onDrop(error: Error): void;
}

// ---------------------------------------------------------------------------------------------------
// The contract

/**
 * One network. `C` is its credentials type. Every method that talks to the network may throw the
 * typed errors of `./errors.ts`, and nothing else (programming errors aside).
 */
export interface Connector<C = unknown> {
  readonly network: NetworkId;
  readonly capabilities: Capabilities;

  /** Limits of this channel (read from the instance where they vary). */
  limits(ctx: ConnectorContext<C>): Promise<Limits>;
  /** Pure: every issue of `variant` against `limits`; empty when it can be published. */
  validate(variant: Variant, limits: Limits): ValidationIssue[];

  /** Who we are; refreshes credentials if needed. Throws `AuthExpired` when the channel must be reconnected. */
  verify(ctx: ConnectorContext<C>): Promise<AccountProfile>;
  /** Renew short-lived credentials now (calls `saveCredentials`); a no-op where tokens do not expire. */
  refreshCredentials(ctx: ConnectorContext<C>): Promise<void>;
  /** Revoke our credentials on the network (best effort) before the channel is deleted. */
  disconnect(ctx: ConnectorContext<C>): Promise<void>;

  /** Publish a post, a thread or a reply exactly once per idempotency key. */
  publish(ctx: ConnectorContext<C>, request: PublishRequest): Promise<Published>;
  /** Reconciliation after `OutcomeUnknown`: the post published under this key, or null if none. */
  findPublished(ctx: ConnectorContext<C>, request: ReconcileRequest): Promise<Published | null>;
  /** Delete one of our own posts. Deleting an already deleted post succeeds. */
  deletePost(ctx: ConnectorContext<C>, remoteId: string): Promise<void>;

  /** Notifications (mentions, replies, quotes, likes, reposts, follows…) newer than `cursor`. */
  fetchInteractions(ctx: ConnectorContext<C>, cursor: string | null, options?: FetchInteractionsOptions): Promise<InteractionPage>;
  /** Every reply below one of our posts (the comments of a post), oldest first. */
  fetchReplies(ctx: ConnectorContext<C>, remoteId: string): Promise<Interaction[]>;
  /**
   * Posts by remote id — the original post a conversation answers, shown as its context. Posts that
   * cannot be read (deleted, private, another kind of id) are left out; order is not significant.
   * Optional: networks whose items are their own context (reviews) do not implement it.
   */
  fetchPosts?(ctx: ConnectorContext<C>, remoteIds: string[]): Promise<RemotePost[]>;
  /** Act on someone else's content or account; throws `Rejected('unsupported')` for undeclared actions. */
  moderate(ctx: ConnectorContext<C>, action: ModerationAction, target: ModerationTarget): Promise<void>;
  /** Current counts of our published posts. Deleted posts are left out. */
  fetchMetrics(ctx: ConnectorContext<C>, remoteIds: string[]): Promise<MetricSnapshot[]>;
  /**
   * Where one authorization backs several channels (Google: one consent, several locations), an id
   * of that grant: the channels module revokes on disconnect only when no other channel holds it.
   * Absent: every channel has its own credentials.
   */
  grantOf?(credentials: C): string | null;
  /** Public posts matching `query` (listening), newest first; `cursor` pages backwards. */
  search(ctx: ConnectorContext<C>, query: string, cursor: string | null): Promise<{ items: Interaction[]; cursor: string | null }>;

  /**
   * `capabilities.stream === 'account'`: follows this channel in real time until `signal` aborts
   * (then resolves). Reconnects by itself with backoff and jitter (`sink.onDrop`, then `sink.onOpen`
   * again); throws only what retrying cannot fix: `AuthExpired` (reconnect the channel) or `Rejected`.
   * A stream is a low-latency path, never the source of truth: polling still runs.
   */
  stream?(ctx: ConnectorContext<C>, sink: StreamSink, signal: AbortSignal): Promise<void>;
  /**
   * `capabilities.stream === 'network'`: one connection for every channel of the network in this
   * process, reporting activity concerning `ctx.accounts()`. Same lifecycle as `stream`.
   */
  streamNetwork?(ctx: NetworkStreamContext, sink: NetworkStreamSink, signal: AbortSignal): Promise<void>;
}
