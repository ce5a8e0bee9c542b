import { useQuery } from '@tanstack/react-query';
import { request } from '../../../api/client.ts';
import { inboxKeys } from './keys.ts';
import { enc, inbox } from './paths.ts';

// Replies, the reply guard (its verdict and its settings) and saved replies (docs/inbox.md).

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

export interface SavedReply {
  id: string;
  name: string;
  body: string;
  language: string | null;
  shortcut: string | null;
  updatedAt: string;
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

/** Calls of the reply box, pending replies, saved replies and the guard settings (part of inboxApi). */
export const repliesApi = {
  reply: (
    wid: string,
    id: string,
    input: { text?: string; savedReplyId?: string; acknowledgeWarnings?: boolean; confirmCollision?: boolean; close?: boolean },
  ) => request<{ guard: Guard; reply: Reply | null }>('POST', `${inbox(wid)}/conversations/${enc(id)}/replies`, input),
  replyAction: (wid: string, replyId: string, action: 'approve' | 'reject' | 'cancel' | 'retry') =>
    request<Reply>('POST', `${inbox(wid)}/replies/${enc(replyId)}/${action}`),
  renderSaved: (wid: string, id: string, rid: string) =>
    request<{ text: string }>('POST', `${inbox(wid)}/conversations/${enc(id)}/saved-replies/${enc(rid)}/render`),

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

  guard: (wid: string) => request<GuardSettings>('GET', `${inbox(wid)}/guard`),
  saveGuard: (wid: string, input: Omit<GuardSettings, 'crmWebhookUrl'>) =>
    request<GuardSettings>('PUT', `${inbox(wid)}/guard`, input),
};

/** Saved replies of the workspace. */
export function useSavedReplies(wid: string) {
  return useQuery({ queryKey: inboxKeys.savedReplies(wid), queryFn: () => repliesApi.savedReplies(wid) });
}
