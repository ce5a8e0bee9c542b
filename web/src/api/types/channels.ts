// Shapes of the Passerelle HTTP API (/api): channels (connected social accounts) and their test page.

export type NetworkId = 'bluesky' | 'mastodon' | 'google-business';
export type ChannelHealth = 'connected' | 'reconnect_needed' | 'rate_limited';

/** Text, media and thread limits of one channel (some are per instance); the server is the authority. */
export interface ChannelLimits {
  text: { maxLength: number; counting: 'graphemes' | 'mastodon'; maxBytes: number | null; urlLength: number | null };
  media: { maxCount: number; maxImageBytes: number; imageMimeTypes: string[]; maxAltTextLength: number };
  maxThreadParts: number;
  maxLanguages: number;
}

export interface ChannelCapabilities {
  /** `text` false: no posts of its own, only replies (Google Business Profile answers reviews). */
  publish: { text: boolean; images: boolean; thread: boolean; reply: boolean; contentWarning: boolean };
  deleteOwn: boolean;
  interactions: string[];
  moderation: string[];
  metrics: string[];
}

/** A condition the channel reports while it works; translated by `code`, `message` is the server's English. */
export interface ChannelNotice {
  code: string;
  message: string;
  since: string;
}

export interface Channel {
  id: string;
  network: NetworkId;
  remoteId: string;
  handle: string;
  displayName: string | null;
  avatarUrl: string | null;
  profileUrl: string | null;
  serverUrl: string | null;
  health: ChannelHealth;
  rateLimitedUntil: string | null;
  tokenExpiresAt: string | null;
  lastError: string | null;
  /** Lasting conditions of a working channel, e.g. `dm_access_missing` (Bluesky DMs need an app password with DM access). */
  notices?: ChannelNotice[];
  /** Partial when the channel was stored before limits were known. */
  limits: Partial<ChannelLimits>;
  capabilities?: ChannelCapabilities;
  createdAt: string;
}

export interface TestImage {
  dataBase64: string;
  mimeType: string;
  altText?: string;
}

export interface TestPart {
  text: string;
  images?: TestImage[];
}

export interface TestPost extends TestPart {
  thread?: TestPart[];
  replyTo?: string;
  language?: string;
}

export interface ValidationIssue {
  code: string;
  /** `text`, `thread[1].text`, `media[2]`, `thread[0].media[1].altText`… */
  field: string;
  message: string;
  limit: number;
  actual: number;
  over: number;
}

export interface PublishedTest {
  remoteId: string;
  url: string | null;
  publishedAt: string;
  parts: { index: number; remoteId: string; url: string | null }[];
}

export interface ChannelInteraction {
  remoteId: string;
  kind: string;
  text: string;
  createdAt: string;
  inReplyTo: string | null;
  root: string | null;
  url: string | null;
  author: { remoteId: string; handle: string; displayName: string | null; avatarUrl: string | null };
}

export interface InteractionsPage {
  items: ChannelInteraction[];
  cursor: string | null;
  hasMore: boolean;
}

export interface ChannelMetrics {
  remoteId: string;
  fetchedAt: string;
  values: Partial<Record<'likes' | 'reposts' | 'replies' | 'quotes' | 'impressions' | 'clicks', number>>;
  fields: Record<string, string>;
}
