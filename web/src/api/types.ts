// Shapes of the Passerelle HTTP API (/api), as written in the contract the server implements.

export type Locale = 'fr' | 'en';
export type Role = 'owner' | 'admin' | 'editor' | 'contributor' | 'moderator' | 'analyst' | 'client';

export const ROLES: readonly Role[] = ['owner', 'admin', 'editor', 'contributor', 'moderator', 'analyst', 'client'];

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Locale | null;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  language: Locale;
  createdAt: string;
}

export interface Membership {
  workspace: Workspace;
  role: Role;
}

export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface SetupState {
  needsOwner: boolean;
}

export interface UserResponse {
  user: User;
}

export interface MeResponse {
  user: User;
  memberships: Membership[];
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
}

export interface WorkspaceResponse {
  workspace: Workspace;
  role: Role;
}

export interface UserRef {
  id: string;
  name: string;
}

export interface Member {
  user: { id: string; email: string; name: string };
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedBy: UserRef;
  createdAt: string;
  expiresAt: string;
  link: string;
}

export interface InvitationPreview {
  workspace: { id: string; name: string };
  email: string;
  role: Role;
  userExists: boolean;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdBy: UserRef;
}

export interface CreatedToken {
  token: ApiToken;
  secret: string;
}

export type ActorType = 'user' | 'token' | 'system';

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: ActorType; id: string | null; name: string | null };
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
  actions: string[];
}

export interface AuditFilters {
  q?: string;
  action?: string;
  from?: string;
  to?: string;
}

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

export interface NotificationList {
  notifications: Notification[];
  unread: number;
}

/** One message of the workspace's Server-Sent Events stream. */
export interface ServerEvent {
  type: 'notification.created' | 'member.changed' | 'audit.created' | (string & {});
  payload: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------
// Channels (connected social accounts) and their test page

export type NetworkId = 'bluesky' | 'mastodon';
export type ChannelHealth = 'connected' | 'reconnect_needed' | 'rate_limited';

/** Text, media and thread limits of one channel (some are per instance); the server is the authority. */
export interface ChannelLimits {
  text: { maxLength: number; counting: 'graphemes' | 'mastodon'; maxBytes: number | null; urlLength: number | null };
  media: { maxCount: number; maxImageBytes: number; imageMimeTypes: string[]; maxAltTextLength: number };
  maxThreadParts: number;
  maxLanguages: number;
}

export interface ChannelCapabilities {
  publish: { images: boolean; thread: boolean; reply: boolean; contentWarning: boolean };
  deleteOwn: boolean;
  interactions: string[];
  moderation: string[];
  metrics: string[];
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
