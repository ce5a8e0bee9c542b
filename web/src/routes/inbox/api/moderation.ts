import { request } from '../../../api/client.ts';
import { enc, inbox, qs, ws } from './paths.ts';

// Moderation: rules (conditions → actions), their dry run, the action log with undo, author lists,
// and moderating one message by hand (src/modules/moderation/*.schema.ts).

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

/** Calls of Settings → Moderation and the message menu (part of inboxApi). */
export const moderationApi = {
  moderateMessage: (wid: string, messageId: string, action: 'hide' | 'unhide' | 'delete' | 'block') =>
    request<ModerationAction>('POST', `${inbox(wid)}/messages/${enc(messageId)}/moderate`, { action }),

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
};
