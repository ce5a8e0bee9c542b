import type { Condition, ConditionType, RuleAction, RuleActionType } from '../inbox/api/index.ts';

/** Intents offered by the `intent` condition. */
export const RULE_INTENTS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent'];
/** Message kinds offered by the `kind` condition. */
export const MESSAGE_KINDS = ['comment', 'reply', 'mention', 'quote', 'dm', 'review'];

/** A new condition of this type with sensible starting parameters. */
export function defaultCondition(type: ConditionType): Condition {
  switch (type) {
    case 'keywords':
      return { type, words: [] };
    case 'regex':
      return { type, pattern: '' };
    case 'language':
      return { type, in: ['fr'] };
    case 'toxicity':
      return { type, min: 0.7 };
    case 'profanity':
      return { type };
    case 'sentiment':
      return { type, in: ['negative'] };
    case 'intent':
      return { type, in: ['complaint'] };
    case 'spam':
      return { type, signals: ['links'] };
    case 'author_list':
      return { type, list: 'block' };
    case 'kind':
      return { type, in: ['reply'] };
    case 'channel':
      return { type, in: [] };
  }
}

/** A new action of this type with empty parameters. */
export function defaultAction(type: RuleActionType): RuleAction {
  switch (type) {
    case 'tag':
      return { type, tag: '' };
    case 'assign':
      return { type, userId: '' };
    case 'auto_reply':
      return { type, savedReplyId: '' };
    case 'escalate':
      return { type, priority: 'high' };
    case 'notify':
      return { type };
    default:
      return { type } as RuleAction;
  }
}
