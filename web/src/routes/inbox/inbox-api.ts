import { useQuery } from '@tanstack/react-query';
import { request } from '../../api/client.ts';
import type { Role } from '../../api/types.ts';

// The inbox, contacts, moderation and relay contract (src/modules/{inbox,moderation,relay}/*.schema.ts, docs/inbox.md).

export const STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const KINDS = ['thread', 'dm', 'mention', 'quote', 'review'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export const INTENTS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent', 'other'] as const;
export const SLA_STATES = ['none', 'ok', 'at_risk', 'breached', 'met'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type SlaState = (typeof SLA_STATES)[number];

export interface Person {
  id: string;
  name: string;
}

export interface ContactBrief {
  id: string;
  displayName: string | null;
  handle: string;
  avatarUrl: string | null;
  followers: number | null;
}

export interface Sla {
  state: SlaState;
  target: 'first_response' | 'resolution' | null;
  dueAt: string | null;
  policyId: string | null;
}

export interface ConversationItem {
  id: string;
  channelId: string;
  kind: string;
  status: Status;
  snoozedUntil: string | null;
  assignee: Person | null;
  priority: Priority;
  tags: string[];
  language: string | null;
  sentiment: string | null;
  intents: string[];
  maxToxicity: number | null;
  hasUnanswered: boolean;
  unansweredCount: number;
  messageCount: number;
  lastMessageAt: string;
  lastInboundAt: string | null;
  contact: ContactBrief | null;
  preview: string | null;
  /** Review conversations: the stars of the review's latest version. */
  rating?: number | null;
  sla: Sla;
}

export interface Message {
  id: string;
  remoteId: string;
  direction: 'in' | 'out';
  kind: string;
  author: { remoteId: string; handle: string; name: string | null; followers: number | null; contactId: string | null };
  text: string;
  url: string | null;
  inReplyTo: string | null;
  createdAt: string;
  language: string | null;
  sentiment: string | null;
  sentimentScore: number | null;
  toxicity: number | null;
  toxic: boolean | null;
  profanity: boolean | null;
  intents: string[] | null;
  hidden: boolean;
  deleted: boolean;
  sentBy: string | null;
  /** A review's stars (1–5) in this version of it. */
  rating?: number | null;
}

export interface GuardReason {
  code: string;
  message: string;
}

export interface Guard {
  result: 'ok' | 'warn' | 'needs_approval' | 'delayed';
  reasons: GuardReason[];
  undoUntil: string | null;
}

export type ReplyState =
  | 'needs_approval'
  | 'delayed'
  | 'queued'
  | 'sending'
  | 'sent'
  | 'unknown'
  | 'failed'
  | 'cancelled'
  | 'rejected';

export interface Reply {
  id: string;
  conversationId: string;
  messageId: string;
  authorId: string | null;
  text: string;
  state: ReplyState;
  guard: { result: string; reasons: GuardReason[] };
  sendAfter: string | null;
  approvedBy: string | null;
  remoteId: string | null;
  url: string | null;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface Note {
  id: string;
  author: Person | null;
  body: string;
  mentions: string[];
  createdAt: string;
}

export interface TimelineEvent {
  id: string;
  type: string;
  actorName: string | null;
  data: Record<string, unknown>;
  at: string;
}

export interface Presence {
  userId: string;
  name: string;
  state: 'viewing' | 'typing';
  at: string;
}

export type RelayStatus = 'new' | 'sent' | 'acknowledged' | 'resolved' | 'failed';

export interface RelayItem {
  id: string;
  routeId: string;
  routeName: string;
  team: string;
  messageId: string;
  conversationId: string;
  reason: string;
  status: RelayStatus;
  error: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface ConversationDetail {
  conversation: ConversationItem & {
    rootRemoteId: string | null;
    context: { remoteId: string | null; url: string | null; text: string | null; authorHandle: string | null } | null;
    firstResponseAt: string | null;
    firstResponseSeconds: number | null;
    resolvedAt: string | null;
    resolutionSeconds: number | null;
    createdAt: string;
  };
  messages: Message[];
  replies: Reply[];
  notes: Note[];
  events: TimelineEvent[];
  presence: Presence[];
  relay: RelayItem[];
}

export interface ConversationChange {
  status?: Status;
  snoozedUntil?: string;
  assigneeId?: string | null;
  priority?: Priority;
  addTags?: string[];
  removeTags?: string[];
}

/** Inbox filters in their query-string form (lists comma-separated), as saved views store them. */
export type Filters = Partial<
  Record<
    | 'status'
    | 'channel'
    | 'kind'
    | 'assignee'
    | 'language'
    | 'sentiment'
    | 'intent'
    | 'tag'
    | 'priority'
    | 'sla'
    | 'unanswered'
    | 'q'
    | 'qlang'
    | 'sort',
    string
  >
>;

export interface SavedReply {
  id: string;
  name: string;
  body: string;
  language: string | null;
  shortcut: string | null;
  updatedAt: string;
}

export interface SavedView {
  id: string;
  name: string;
  filters: Record<string, string>;
  shared: boolean;
  position: number;
  ownerId: string | null;
  mine: boolean;
}

export type GuardMode = 'off' | 'warn' | 'approval' | 'delay';

export interface GuardSettings {
  mode: GuardMode;
  delaySeconds: number;
  toxicityThreshold: number;
  negativeThreshold: number;
  reachThreshold: number;
  forbiddenPhrases: string[];
  collisionSeconds: number;
  crmWebhookUrl: string | null;
}

export interface SlaPolicy {
  id: string;
  name: string;
  channelIds: string[];
  priorities: string[];
  firstResponseMinutes: number;
  resolutionMinutes: number | null;
  atRiskRatio: number;
  position: number;
  enabled: boolean;
}

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export interface BusinessCalendar {
  timezone: string;
  week: Partial<Record<Weekday, [string, string][]>>;
  holidays: { day: string; name: string }[];
}

export interface Contact {
  id: string;
  displayName: string | null;
  handle: string;
  avatarUrl: string | null;
  followers: number | null;
  tags: string[];
  leadStatus: string | null;
  leadValue: number | null;
  leadOwnerId: string | null;
  email: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface ContactProfile {
  contact: Contact;
  identities: {
    id: string;
    network: string;
    remoteId: string;
    handle: string;
    displayName: string | null;
    avatarUrl: string | null;
    followers: number | null;
  }[];
  notes: { id: string; author: Person | null; body: string; createdAt: string }[];
  conversations: { id: string; channelId: string; kind: string; status: string; lastMessageAt: string; messageCount: number }[];
  history: {
    id: string;
    conversationId: string;
    channelId: string;
    kind: string;
    text: string;
    url: string | null;
    createdAt: string;
    sentiment: string | null;
    intents: string[] | null;
  }[];
}

export type Condition =
  | { type: 'keywords'; words: string[]; negate?: boolean }
  | { type: 'regex'; pattern: string; caseSensitive?: boolean; negate?: boolean }
  | { type: 'language'; in: string[]; negate?: boolean }
  | { type: 'toxicity'; min: number; negate?: boolean }
  | { type: 'profanity'; negate?: boolean }
  | { type: 'sentiment'; in: string[]; negate?: boolean }
  | { type: 'intent'; in: string[]; negate?: boolean }
  | { type: 'spam'; signals: string[]; minLinks?: number; negate?: boolean }
  | { type: 'author_list'; list: 'block' | 'allow'; negate?: boolean }
  | { type: 'kind'; in: string[]; negate?: boolean }
  | { type: 'channel'; in: string[]; negate?: boolean };
export type ConditionType = Condition['type'];
export const CONDITION_TYPES: readonly ConditionType[] = [
  'keywords',
  'regex',
  'language',
  'toxicity',
  'profanity',
  'sentiment',
  'intent',
  'spam',
  'author_list',
  'kind',
  'channel',
];

export type RuleAction =
  | { type: 'hide' }
  | { type: 'unhide' }
  | { type: 'delete' }
  | { type: 'block' }
  | { type: 'tag'; tag: string }
  | { type: 'assign'; userId: string }
  | { type: 'auto_reply'; savedReplyId: string }
  | { type: 'escalate'; priority?: 'high' | 'urgent' }
  | { type: 'notify'; userIds?: string[] };
export type RuleActionType = RuleAction['type'];
export const ACTION_TYPES: readonly RuleActionType[] = [
  'hide',
  'unhide',
  'delete',
  'block',
  'tag',
  'assign',
  'auto_reply',
  'escalate',
  'notify',
];

export interface RuleInput {
  name: string;
  enabled?: boolean;
  match: 'all' | 'any';
  conditions: Condition[];
  actions: RuleAction[];
}

export interface Rule extends RuleInput {
  id: string;
  enabled: boolean;
  position: number;
  enabledAt: string | null;
  updatedAt: string;
}

export interface ModerationAction {
  id: string;
  ruleId: string | null;
  ruleName: string | null;
  messageId: string;
  conversationId: string;
  action: string;
  params: Record<string, unknown>;
  state: 'pending' | 'done' | 'local_only' | 'failed' | 'undone';
  note: string | null;
  undoable: boolean;
  actorName: string | null;
  at: string;
  undoneAt: string | null;
}

export interface DryRun {
  since: string;
  scanned: number;
  matched: number;
  truncated: boolean;
  byAction: Record<string, number>;
  samples: { messageId: string; conversationId: string; authorHandle: string; text: string; createdAt: string; reasons: string[] }[];
}

export interface AuthorEntry {
  id: string;
  list: 'block' | 'allow';
  network: string;
  author: string;
  note: string | null;
  createdAt: string;
}

export interface RelayRouteInput {
  name: string;
  team: string;
  intents?: string[];
  tags?: string[];
  delivery: 'email' | 'webhook';
  emails?: string[];
  digestMinutes?: number;
  webhookUrl?: string | null;
  enabled?: boolean;
  rotateSecret?: boolean;
}

export interface RelayRoute {
  id: string;
  name: string;
  team: string;
  intents: string[];
  tags: string[];
  delivery: 'email' | 'webhook';
  emails: string[];
  digestMinutes: number;
  webhookUrl: string | null;
  enabled: boolean;
  lastDigestAt: string | null;
}

const enc = encodeURIComponent;
const ws = (wid: string) => `/api/workspaces/${enc(wid)}`;
const inbox = (wid: string) => `${ws(wid)}/inbox`;

function qs(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** Every call of the inbox, contacts, moderation and relay screens. */
export const inboxApi = {
  conversations: (wid: string, filters: Filters, cursor?: string | null) =>
    request<{ conversations: ConversationItem[]; nextCursor: string | null }>(
      'GET',
      `${inbox(wid)}/conversations${qs({ ...filters, cursor, limit: 30 })}`,
    ),
  counts: (wid: string, filters: Filters) =>
    request<{ counts: Record<Status, number> }>('GET', `${inbox(wid)}/counts${qs({ ...filters, status: undefined })}`),
  conversation: (wid: string, id: string) => request<ConversationDetail>('GET', `${inbox(wid)}/conversations/${enc(id)}`),
  update: (wid: string, id: string, change: ConversationChange) =>
    request<{ updated: number }>('PATCH', `${inbox(wid)}/conversations/${enc(id)}`, change),
  bulk: (wid: string, ids: string[], change: ConversationChange) =>
    request<{ updated: number }>('POST', `${inbox(wid)}/conversations/bulk`, { ids, change }),
  presence: (wid: string, id: string, state: 'viewing' | 'typing' | 'left') =>
    request<{ presence: Presence[] }>('POST', `${inbox(wid)}/conversations/${enc(id)}/presence`, { state }),
  addNote: (wid: string, id: string, body: string, mentions: string[]) =>
    request<Note>('POST', `${inbox(wid)}/conversations/${enc(id)}/notes`, { body, mentions }),
  reply: (
    wid: string,
    id: string,
    input: { text?: string; savedReplyId?: string; acknowledgeWarnings?: boolean; confirmCollision?: boolean; close?: boolean },
  ) => request<{ guard: Guard; reply: Reply | null }>('POST', `${inbox(wid)}/conversations/${enc(id)}/replies`, input),
  replyAction: (wid: string, replyId: string, action: 'approve' | 'reject' | 'cancel' | 'retry') =>
    request<Reply>('POST', `${inbox(wid)}/replies/${enc(replyId)}/${action}`),
  renderSaved: (wid: string, id: string, rid: string) =>
    request<{ text: string }>('POST', `${inbox(wid)}/conversations/${enc(id)}/saved-replies/${enc(rid)}/render`),
  moderateMessage: (wid: string, messageId: string, action: 'hide' | 'unhide' | 'delete' | 'block') =>
    request<ModerationAction>('POST', `${inbox(wid)}/messages/${enc(messageId)}/moderate`, { action }),
  relayConversation: (wid: string, id: string, routeId: string) =>
    request<RelayItem>('POST', `${inbox(wid)}/conversations/${enc(id)}/relay`, { routeId }),

  savedReplies: (wid: string) => request<{ savedReplies: SavedReply[] }>('GET', `${inbox(wid)}/saved-replies`),
  saveSavedReply: (
    wid: string,
    id: string | null,
    input: { name: string; body: string; language?: string | null; shortcut?: string | null },
  ) =>
    id
      ? request<SavedReply>('PATCH', `${inbox(wid)}/saved-replies/${enc(id)}`, input)
      : request<SavedReply>('POST', `${inbox(wid)}/saved-replies`, input),
  deleteSavedReply: (wid: string, id: string) => request<void>('DELETE', `${inbox(wid)}/saved-replies/${enc(id)}`),

  views: (wid: string) => request<{ views: SavedView[] }>('GET', `${inbox(wid)}/views`),
  saveView: (wid: string, input: { name: string; filters: Record<string, string>; shared?: boolean }) =>
    request<SavedView>('POST', `${inbox(wid)}/views`, input),
  deleteView: (wid: string, id: string) => request<void>('DELETE', `${inbox(wid)}/views/${enc(id)}`),

  guard: (wid: string) => request<GuardSettings>('GET', `${inbox(wid)}/guard`),
  saveGuard: (wid: string, input: Omit<GuardSettings, 'crmWebhookUrl'>) =>
    request<GuardSettings>('PUT', `${inbox(wid)}/guard`, input),
  policies: (wid: string) => request<{ policies: SlaPolicy[] }>('GET', `${inbox(wid)}/sla-policies`),
  savePolicy: (wid: string, id: string | null, input: Omit<SlaPolicy, 'id' | 'position'>) =>
    id
      ? request<SlaPolicy>('PATCH', `${inbox(wid)}/sla-policies/${enc(id)}`, input)
      : request<SlaPolicy>('POST', `${inbox(wid)}/sla-policies`, input),
  deletePolicy: (wid: string, id: string) => request<void>('DELETE', `${inbox(wid)}/sla-policies/${enc(id)}`),
  calendar: (wid: string) => request<BusinessCalendar>('GET', `${inbox(wid)}/business-hours`),
  saveHours: (wid: string, week: BusinessCalendar['week']) =>
    request<BusinessCalendar>('PUT', `${inbox(wid)}/business-hours`, { week }),
  addHoliday: (wid: string, day: string, name: string) =>
    request<BusinessCalendar>('POST', `${inbox(wid)}/holidays`, { day, name }),
  removeHoliday: (wid: string, day: string) => request<void>('DELETE', `${inbox(wid)}/holidays/${enc(day)}`),

  contacts: (wid: string, params: { q?: string; tag?: string; leadStatus?: string }, cursor?: string | null) =>
    request<{ contacts: Contact[]; nextCursor: string | null }>('GET', `${ws(wid)}/contacts${qs({ ...params, cursor })}`),
  contact: (wid: string, id: string) => request<ContactProfile>('GET', `${ws(wid)}/contacts/${enc(id)}`),
  updateContact: (
    wid: string,
    id: string,
    input: Partial<Pick<Contact, 'displayName' | 'tags' | 'leadStatus' | 'leadValue' | 'leadOwnerId' | 'email'>>,
  ) => request<Contact>('PATCH', `${ws(wid)}/contacts/${enc(id)}`, input),
  addContactNote: (wid: string, id: string, body: string) =>
    request<ContactProfile['notes'][number]>('POST', `${ws(wid)}/contacts/${enc(id)}/notes`, { body }),
  mergeContacts: (wid: string, id: string, otherId: string) =>
    request<Contact>('POST', `${ws(wid)}/contacts/${enc(id)}/merge`, { otherId }),
  splitContact: (wid: string, id: string, identityIds: string[]) =>
    request<Contact>('POST', `${ws(wid)}/contacts/${enc(id)}/split`, { identityIds }),
  sendToCrm: (wid: string, id: string) =>
    request<{ delivered: boolean; status: number }>('POST', `${ws(wid)}/contacts/${enc(id)}/send-to-crm`),
  setCrmWebhook: (wid: string, url: string | null) =>
    request<{ url: string | null; secret: string | null }>('PUT', `${ws(wid)}/contacts/crm-webhook`, { url }),
  contactsCsvUrl: (wid: string) => `${ws(wid)}/contacts/export.csv`,

  rules: (wid: string) => request<{ rules: Rule[] }>('GET', `${ws(wid)}/moderation/rules`),
  saveRule: (wid: string, id: string | null, input: RuleInput) =>
    id
      ? request<Rule>('PATCH', `${ws(wid)}/moderation/rules/${enc(id)}`, input)
      : request<Rule>('POST', `${ws(wid)}/moderation/rules`, input),
  deleteRule: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/moderation/rules/${enc(id)}`),
  dryRun: (wid: string, input: Partial<RuleInput>) => request<DryRun>('POST', `${ws(wid)}/moderation/dry-run`, input),
  actions: (wid: string, params: { conversationId?: string; ruleId?: string }, cursor?: string | null) =>
    request<{ actions: ModerationAction[]; nextCursor: string | null }>(
      'GET',
      `${ws(wid)}/moderation/actions${qs({ ...params, cursor })}`,
    ),
  undoAction: (wid: string, id: string) =>
    request<ModerationAction>('POST', `${ws(wid)}/moderation/actions/${enc(id)}/undo`),
  authors: (wid: string) => request<{ authors: AuthorEntry[] }>('GET', `${ws(wid)}/moderation/authors`),
  addAuthor: (wid: string, input: { list: 'block' | 'allow'; network: string; author: string; note?: string }) =>
    request<AuthorEntry>('POST', `${ws(wid)}/moderation/authors`, input),
  removeAuthor: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/moderation/authors/${enc(id)}`),

  relayRoutes: (wid: string) => request<{ routes: RelayRoute[] }>('GET', `${ws(wid)}/relay/routes`),
  saveRelayRoute: (wid: string, id: string | null, input: RelayRouteInput) =>
    id
      ? request<RelayRoute & { secret: string | null }>('PATCH', `${ws(wid)}/relay/routes/${enc(id)}`, input)
      : request<RelayRoute & { secret: string | null }>('POST', `${ws(wid)}/relay/routes`, input),
  deleteRelayRoute: (wid: string, id: string) => request<void>('DELETE', `${ws(wid)}/relay/routes/${enc(id)}`),
  relayItems: (wid: string, status?: string) =>
    request<{ items: RelayItem[] }>('GET', `${ws(wid)}/relay/items${qs({ status, limit: 100 })}`),
  setRelayStatus: (wid: string, id: string, status: 'new' | 'acknowledged' | 'resolved') =>
    request<RelayItem>('PATCH', `${ws(wid)}/relay/items/${enc(id)}`, { status }),
};

/** Query keys; the shell's event stream invalidates `inboxKeys.all(wid)` on inbox events. */
export const inboxKeys = {
  all: (wid: string) => ['workspace', wid, 'inbox'] as const,
  list: (wid: string, filters: Filters) => ['workspace', wid, 'inbox', 'list', filters] as const,
  counts: (wid: string, filters: Filters) => ['workspace', wid, 'inbox', 'counts', filters] as const,
  conversation: (wid: string, id: string) => ['workspace', wid, 'inbox', 'conversation', id] as const,
  savedReplies: (wid: string) => ['workspace', wid, 'inbox', 'saved-replies'] as const,
  views: (wid: string) => ['workspace', wid, 'inbox', 'views'] as const,
  guard: (wid: string) => ['workspace', wid, 'inbox', 'guard'] as const,
  policies: (wid: string) => ['workspace', wid, 'inbox', 'sla-policies'] as const,
  calendar: (wid: string) => ['workspace', wid, 'inbox', 'calendar'] as const,
  contacts: (wid: string) => ['workspace', wid, 'inbox', 'contacts'] as const,
  contact: (wid: string, id: string) => ['workspace', wid, 'inbox', 'contacts', id] as const,
  rules: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'rules'] as const,
  actions: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'actions'] as const,
  authors: (wid: string) => ['workspace', wid, 'inbox', 'moderation', 'authors'] as const,
  relayRoutes: (wid: string) => ['workspace', wid, 'inbox', 'relay', 'routes'] as const,
  relayItems: (wid: string) => ['workspace', wid, 'inbox', 'relay', 'items'] as const,
};

// Mirrors src/platform/policy.ts for what these screens show; the API decides.
const PERMISSIONS = {
  'inbox.read': ['owner', 'admin', 'editor', 'moderator', 'analyst'],
  'inbox.reply': ['owner', 'admin', 'editor', 'moderator'],
  'inbox.manage': ['owner', 'admin'],
  'moderation.manage': ['owner', 'admin', 'moderator'],
  'relay.manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type InboxPermission = keyof typeof PERMISSIONS;

/** Whether `role` may do `permission` (to hide what the API would refuse). */
export function can(role: Role, permission: InboxPermission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Saved replies of the workspace. */
export function useSavedReplies(wid: string) {
  return useQuery({ queryKey: inboxKeys.savedReplies(wid), queryFn: () => inboxApi.savedReplies(wid) });
}
