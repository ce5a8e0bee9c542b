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

// ---------------------------------------------------------------------------------------------------
// Publishing: posts and their variants per channel, charter, plan, calendar, media, links, CSV import

export const VARIANT_STATES = ['draft', 'in_review', 'approved', 'scheduled', 'publishing', 'published', 'failed', 'unknown'] as const;
export type VariantState = (typeof VARIANT_STATES)[number];

export interface MediaRef {
  assetId: string;
  altText?: string;
}

export interface VariantInput {
  id?: string;
  channelId: string;
  text: string;
  media: MediaRef[];
  thread: { text: string; media: MediaRef[] }[];
  firstComment: string | null;
  contentWarning: string | null;
  language: string | null;
}

export interface PostVariant extends VariantInput {
  id: string;
  postId: string;
  network: string;
  channelHandle: string;
  state: VariantState;
  dueAt: string | null;
  notBefore: string | null;
  scheduleVersion: number;
  attempts: number;
  remoteId: string | null;
  remoteUrl: string | null;
  parts: { index: number; remoteId: string; url: string; publishedAt: string }[];
  publishedAt: string | null;
  error: string | null;
  errorCode: string | null;
  retryable: boolean;
  needsDecision: boolean;
  updatedAt: string;
}

export interface Campaign {
  id: string;
  name: string;
  color: string;
}

export interface ApprovalStep {
  name: string;
  approverIds: string[];
}

export interface Post {
  id: string;
  title: string;
  author: { id: string; name: string } | null;
  campaign: Campaign | null;
  tags: string[];
  recurrence: unknown;
  seriesId: string | null;
  occurrence: number;
  status: VariantState;
  approval: { round: number; step: number | null; steps: ApprovalStep[]; submittedAt: string | null };
  variants: PostVariant[];
  createdAt: string;
  updatedAt: string;
}

export interface PostInput {
  title: string;
  campaignId: string | null;
  tags: string[];
  plannedAt: string | null;
  variants: VariantInput[];
}

export interface Recurrence {
  freq: 'daily' | 'weekly' | 'monthly';
  interval: number;
  weekdays?: number[];
  time: string;
  until?: string;
  count?: number;
}

export type ScheduleInput =
  | { mode: 'now' }
  | { mode: 'at'; at: string }
  | { mode: 'local'; date: string; time: string }
  | { mode: 'next_slot' }
  | { mode: 'planned' }
  | { mode: 'recurring'; recurrence: Recurrence; start: string };

export type CharterLevel = 'off' | 'warn' | 'block';

export interface CharterRules {
  bannedPhrases?: { level: CharterLevel; phrases: string[] };
  requiredMentions?: { level: CharterLevel; values: string[]; match: 'all' | 'any' };
  requiredHashtags?: { level: CharterLevel; values: string[]; match: 'all' | 'any' };
  maxHashtags?: { level: CharterLevel; max: number };
  emoji?: { level: CharterLevel; policy: 'none' | 'max'; max: number };
  language?: { level: CharterLevel; value: string };
}

export interface Charter {
  toneNotes: string;
  rules: CharterRules;
  updatedAt: string | null;
}

export interface CharterIssue {
  rule: keyof CharterRules;
  level: 'warn' | 'block';
  field: string;
  message: string;
  matches: string[];
}

export interface PreviewSegment {
  type: 'text' | 'link' | 'mention' | 'tag';
  text: string;
  href?: string;
}

export interface VariantCheck {
  channelId: string;
  network: string;
  issues: ValidationIssue[];
  charter: CharterIssue[];
  blocked: boolean;
  counts: { field: string; length: number; limit: number; counting: string; bytes: number; maxBytes: number | null }[];
  preview: {
    handle: string;
    displayName: string | null;
    avatarUrl: string | null;
    contentWarning: string | null;
    parts: { segments: PreviewSegment[]; media: { assetId: string; altText: string; mimeType: string }[] }[];
  };
}

export interface ComposeCheck {
  toneNotes: string;
  variants: VariantCheck[];
}

export interface LocalTime {
  date: string;
  time: string;
  weekday: number;
}

export interface CalendarItem {
  variantId: string;
  postId: string;
  title: string;
  excerpt: string;
  channelId: string;
  network: string;
  channelHandle: string;
  state: VariantState;
  at: string;
  local: LocalTime;
  campaign: Campaign | null;
  tags: string[];
  author: { id: string; name: string } | null;
  channelColor: string;
  remoteUrl: string | null;
  error: string | null;
  recurring: boolean;
}

export interface CalendarSuggestion {
  slotId: string;
  channelId: string;
  at: string;
  local: LocalTime;
  label: string;
}

export interface CalendarRange {
  timezone: string;
  items: CalendarItem[];
  suggestions: CalendarSuggestion[];
}

export interface PlanSlot {
  id?: string;
  channelId: string;
  weekdays: number[];
  time: string;
  label: string;
}

export interface Plan {
  timezone: string;
  slots: PlanSlot[];
  next: { channelId: string; at: string | null }[];
}

export interface BestTimes {
  timezone: string;
  channels: { channelId: string; samples: number; best: { weekday: number; hour: number; averageEngagement: number; posts: number }[] | null }[];
}

export interface MediaAsset {
  id: string;
  kind: 'image' | 'video';
  mimeType: string;
  sizeBytes: number;
  filename: string;
  altText: string;
  sha256: string;
  createdAt: string;
}

export interface Utm {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface ShortLink {
  id: string;
  code: string;
  shortUrl: string;
  destination: string;
  originalUrl: string;
  utm: Utm;
  postId: string | null;
  variantId: string | null;
  clicks: number;
  createdAt: string;
}

export interface ApprovalEvent {
  round: number;
  step: number | null;
  decision: string;
  comment: string;
  user: { id: string; name: string } | null;
  at: string;
}

export interface ImportRow {
  line: number;
  ok: boolean;
  errors: { field: string; message: string }[];
  at: string | null;
  channelIds: string[];
  postId: string | null;
}

export interface ImportReport {
  dryRun: boolean;
  rows: ImportRow[];
  valid: number;
  invalid: number;
  imported: number;
  message: string;
}
