import { request } from '../../../api/client.ts';
import type { Note, Presence } from './collaboration.ts';
import { enc, inbox, qs } from './paths.ts';
import type { RelayItem } from './relay.ts';
import type { Reply } from './replies.ts';

// The conversation list, its counts and filters, saved views, and one conversation with its timeline
// (src/modules/inbox/*.schema.ts, docs/inbox.md).

export const STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const KINDS = ['thread', 'dm', 'mention', 'quote', 'review'] as const;
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export const INTENTS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent', 'other'] as const;
export const SLA_STATES = ['none', 'ok', 'at_risk', 'breached', 'met'] as const;

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

export interface TimelineEvent {
  id: string;
  type: string;
  actorName: string | null;
  data: Record<string, unknown>;
  at: string;
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

export interface SavedView {
  id: string;
  name: string;
  filters: Record<string, string>;
  shared: boolean;
  position: number;
  ownerId: string | null;
  mine: boolean;
}

/** Calls of the conversation list and one conversation (part of inboxApi). */
export const conversationsApi = {
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

  views: (wid: string) => request<{ views: SavedView[] }>('GET', `${inbox(wid)}/views`),
  saveView: (wid: string, input: { name: string; filters: Record<string, string>; shared?: boolean }) =>
    request<SavedView>('POST', `${inbox(wid)}/views`, input),
  deleteView: (wid: string, id: string) => request<void>('DELETE', `${inbox(wid)}/views/${enc(id)}`),
};
