import safeRegex from 'safe-regex2';
import { z } from 'zod';

/** Rules: conditions (all or any) → actions. Stored as JSON; validated here on every write and dry run. */

const negate = z.boolean().optional();
const MAX_PATTERN = 200;

export const conditionIn = z.discriminatedUnion('type', [
  /** Words or phrases, accent- and case-insensitive, on word boundaries; `word*` matches a prefix. */
  z.strictObject({ type: z.literal('keywords'), words: z.array(z.string().trim().min(1).max(100)).min(1).max(500), negate }),
  z.strictObject({
    type: z.literal('regex'),
    pattern: z.string().min(1).max(MAX_PATTERN).superRefine((p, ctx) => {
      try {
        new RegExp(p, 'iu');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${(err as Error).message})` });
        return;
      }
      // Nested quantifiers ((a+)+) can take exponential time: refused.
      if (!safeRegex(p)) ctx.addIssue({ code: 'custom', message: 'could take too long to run (nested repetition); simplify it' });
    }),
    caseSensitive: z.boolean().optional(),
    negate,
  }),
  z.strictObject({ type: z.literal('language'), in: z.array(z.string().min(2).max(5)).min(1).max(10), negate }),
  z.strictObject({ type: z.literal('toxicity'), min: z.number().min(0).max(1), negate }),
  z.strictObject({ type: z.literal('profanity'), negate }),
  z.strictObject({ type: z.literal('sentiment'), in: z.array(z.enum(['negative', 'neutral', 'positive'])).min(1), negate }),
  z.strictObject({ type: z.literal('intent'), in: z.array(z.enum(['question', 'complaint', 'suggestion', 'praise', 'purchase-intent'])).min(1), negate }),
  /** Spam signals: links (at least `minLinks`), the same text repeated by the author within 24 h, an account new to us with few followers. */
  z.strictObject({ type: z.literal('spam'), signals: z.array(z.enum(['links', 'repeated', 'new_account'])).min(1), minLinks: z.number().int().min(1).max(20).optional(), negate }),
  z.strictObject({ type: z.literal('author_list'), list: z.enum(['block', 'allow']), negate }),
  z.strictObject({ type: z.literal('kind'), in: z.array(z.enum(['comment', 'reply', 'mention', 'quote', 'dm', 'review'])).min(1), negate }),
  z.strictObject({ type: z.literal('channel'), in: z.array(z.uuid()).min(1).max(100), negate }),
]);
export type Condition = z.infer<typeof conditionIn>;

export const actionIn = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hide') }),
  z.strictObject({ type: z.literal('unhide') }),
  z.strictObject({ type: z.literal('delete') }),
  z.strictObject({ type: z.literal('block') }),
  z.strictObject({ type: z.literal('tag'), tag: z.string().trim().toLowerCase().min(1).max(50) }),
  z.strictObject({ type: z.literal('assign'), userId: z.uuid() }),
  z.strictObject({ type: z.literal('auto_reply'), savedReplyId: z.uuid() }),
  z.strictObject({ type: z.literal('escalate'), priority: z.enum(['high', 'urgent']).optional() }),
  z.strictObject({ type: z.literal('notify'), userIds: z.array(z.uuid()).max(20).optional() }),
]);
export type Action = z.infer<typeof actionIn>;

export const ruleIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  enabled: z.boolean().optional(),
  match: z.enum(['all', 'any']).optional(),
  conditions: z.array(conditionIn).min(1).max(20),
  actions: z.array(actionIn).min(1).max(10),
  position: z.number().int().min(0).max(1000).optional(),
});
export type RuleIn = z.infer<typeof ruleIn>;

/** A draft rule to try (the editor sends what it has; name and actions are optional). */
export const dryRunIn = ruleIn.extend({ name: z.string().trim().max(100).optional(), actions: z.array(actionIn).max(10).optional() });

export const ruleOut = z.object({
  id: z.string(), name: z.string(), enabled: z.boolean(), match: z.enum(['all', 'any']), conditions: z.array(z.record(z.string(), z.unknown())),
  actions: z.array(z.record(z.string(), z.unknown())), position: z.number(), enabledAt: z.iso.datetime().nullable(), updatedAt: z.iso.datetime(),
});

export const actionLogOut = z.object({
  id: z.string(), ruleId: z.string().nullable(), ruleName: z.string().nullable(), messageId: z.string(), conversationId: z.string(), action: z.string(),
  params: z.record(z.string(), z.unknown()), state: z.enum(['pending', 'done', 'local_only', 'failed', 'undone']), note: z.string().nullable(), undoable: z.boolean(),
  actorName: z.string().nullable(), at: z.iso.datetime(), undoneAt: z.iso.datetime().nullable(),
});

export const dryRunOut = z.object({
  since: z.iso.datetime(), scanned: z.number(), matched: z.number(), truncated: z.boolean(),
  byAction: z.record(z.string(), z.number()),
  samples: z.array(z.object({ messageId: z.string(), conversationId: z.string(), authorHandle: z.string(), text: z.string(), createdAt: z.iso.datetime(), reasons: z.array(z.string()) })),
});
