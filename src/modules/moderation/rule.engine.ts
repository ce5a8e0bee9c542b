import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { moderationActions, moderationRules } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { executeAction } from './action.service.ts';
import type { Action, Condition } from './rule.schema.ts';
import { findKeywords } from './text.match.ts';

/**
 * The rule engine: evaluates conditions on messages (pure, with a per-batch context) and runs the
 * actions of matching enabled rules right after ingest, once per (rule, message, action).
 */

/** What conditions read of a message. */
export type MessageFacts = {
  id: string; conversationId: string; channelId: string; network: string; kind: string; text: string; language: string | null;
  sentiment: string | null; toxicity: number | null; profanity: boolean | null; intents: string[] | null; authorRemoteId: string;
  authorHandle: string; authorFollowers: number | null; contactFirstSeenAt: Date | null; createdAt: Date; ingestedAt: Date;
  /** Same author, same text, other messages within 24 h. */
  repeats: number;
  onBlockList: boolean;
  onAllowList: boolean;
};

/** Regular expressions get this much time per rule and batch; past it the rule stops matching for the batch. */
const REGEX_BUDGET_MS = 250;
const MAX_TEXT = 10_000;
const URL_RE = /\bhttps?:\/\/\S+|\bwww\.\S+/giu;

export type Evaluator = (m: MessageFacts) => { matched: boolean; reasons: string[] };

/** Compiles a rule's conditions into an evaluator (regexes compiled once, with a time budget). */
export function compileRule(match: 'all' | 'any', conditions: Condition[], now: Date, warn: (msg: string) => void = () => {}): Evaluator {
  let regexSpent = 0;
  let regexOff = false;
  const tests = conditions.map((c): ((m: MessageFacts) => string | null) => {
    const check = (fn: (m: MessageFacts) => string | null) => (m: MessageFacts) => {
      const r = fn(m);
      if (c.negate) return r === null ? `not ${c.type}` : null;
      return r;
    };
    switch (c.type) {
      case 'keywords':
        return check((m) => {
          const found = findKeywords(m.text.slice(0, MAX_TEXT), c.words);
          return found.length ? `keywords: ${found.join(', ')}` : null;
        });
      case 'regex': {
        const re = new RegExp(c.pattern, c.caseSensitive ? 'u' : 'iu');
        return check((m) => {
          if (regexOff) return null;
          const start = performance.now();
          const hit = re.exec(m.text.slice(0, MAX_TEXT));
          regexSpent += performance.now() - start;
          if (regexSpent > REGEX_BUDGET_MS) {
            regexOff = true;
            warn(`regular expression ${c.pattern} exceeded its time budget; skipped for the rest of the batch`);
          }
          return hit ? `regex: ${hit[0].slice(0, 50)}` : null;
        });
      }
      case 'language':
        return check((m) => (m.language && c.in.includes(m.language) ? `language: ${m.language}` : null));
      case 'toxicity':
        return check((m) => (m.toxicity !== null && m.toxicity >= c.min ? `toxicity ${m.toxicity.toFixed(2)} ≥ ${c.min}` : null));
      case 'profanity':
        return check((m) => (m.profanity ? 'profanity' : null));
      case 'sentiment':
        return check((m) => (m.sentiment && (c.in as string[]).includes(m.sentiment) ? `sentiment: ${m.sentiment}` : null));
      case 'intent':
        return check((m) => {
          const hit = (m.intents ?? []).filter((i) => (c.in as string[]).includes(i));
          return hit.length ? `intent: ${hit.join(', ')}` : null;
        });
      case 'spam':
        return check((m) => {
          const signals: string[] = [];
          if (c.signals.includes('links') && (m.text.match(URL_RE)?.length ?? 0) >= (c.minLinks ?? 1)) signals.push('links');
          if (c.signals.includes('repeated') && m.repeats >= 1) signals.push('repeated text');
          if (c.signals.includes('new_account') && m.contactFirstSeenAt && now.getTime() - m.contactFirstSeenAt.getTime() < 86_400_000 && (m.authorFollowers ?? 0) < 10) {
            signals.push('new account');
          }
          return signals.length ? `spam: ${signals.join(', ')}` : null;
        });
      case 'author_list':
        return check((m) => ((c.list === 'block' ? m.onBlockList : m.onAllowList) ? `author on the ${c.list} list` : null));
      case 'kind':
        return check((m) => ((c.in as string[]).includes(m.kind) ? `kind: ${m.kind}` : null));
      case 'channel':
        return check((m) => (c.in.includes(m.channelId) ? 'channel' : null));
    }
  });
  return (m) => {
    const reasons: string[] = [];
    for (const t of tests) {
      const r = t(m);
      if (r !== null) reasons.push(r);
      else if (match === 'all') return { matched: false, reasons: [] };
    }
    return { matched: match === 'all' ? true : reasons.length > 0, reasons };
  };
}

/** Facts of inbound messages (by ids, or every message since an instant for a dry run), with list membership and repeats. */
export async function loadFacts(db: DbOrTx, workspaceId: string, where: { ids: string[] } | { since: Date; after: string | null; limit: number }): Promise<MessageFacts[]> {
  const filter = 'ids' in where
    ? sql`m.id = ANY(${sql.param(where.ids)}::uuid[])`
    : sql`m.created_at >= ${where.since} ${where.after ? sql`AND m.id > ${where.after}` : sql``}`;
  const rows = (await db.execute<Record<string, any>>(sql`
    SELECT m.id, m.conversation_id, m.channel_id, ch.network, m.kind, m.text, m.language, m.sentiment, m.toxicity, m.profanity, m.intents,
      m.author_remote_id, m.author_handle, m.author_followers, k.first_seen_at AS contact_first_seen_at, m.created_at, m.ingested_at,
      (SELECT count(*) FROM messages o WHERE o.contact_id = m.contact_id AND o.channel_id = m.channel_id AND o.author_remote_id = m.author_remote_id AND o.id <> m.id
         AND o.text = m.text AND length(m.text) > 0 AND o.created_at BETWEEN m.created_at - interval '24 hours' AND m.created_at + interval '24 hours')::int AS repeats,
      EXISTS (SELECT 1 FROM moderation_author_lists l WHERE l.workspace_id = m.workspace_id AND l.list = 'block' AND l.network = ch.network
         AND (l.author = m.author_remote_id OR lower(l.author) = lower(m.author_handle))) AS on_block,
      EXISTS (SELECT 1 FROM moderation_author_lists l WHERE l.workspace_id = m.workspace_id AND l.list = 'allow' AND l.network = ch.network
         AND (l.author = m.author_remote_id OR lower(l.author) = lower(m.author_handle))) AS on_allow
    FROM messages m JOIN channels ch ON ch.id = m.channel_id LEFT JOIN contacts k ON k.id = m.contact_id
    WHERE m.workspace_id = ${workspaceId} AND m.direction = 'in' AND m.deleted_at IS NULL AND ${filter}
    ORDER BY m.id ${'ids' in where ? sql`` : sql`LIMIT ${where.limit}`}`)).rows;
  return rows.map((r) => ({
    id: r.id, conversationId: r.conversation_id, channelId: r.channel_id, network: r.network, kind: r.kind, text: r.text, language: r.language,
    sentiment: r.sentiment, toxicity: r.toxicity, profanity: r.profanity, intents: r.intents, authorRemoteId: r.author_remote_id,
    authorHandle: r.author_handle, authorFollowers: r.author_followers, contactFirstSeenAt: r.contact_first_seen_at ? new Date(r.contact_first_seen_at) : null,
    createdAt: new Date(r.created_at), ingestedAt: new Date(r.ingested_at), repeats: r.repeats, onBlockList: r.on_block, onAllowList: r.on_allow,
  }));
}

/**
 * Runs the workspace's enabled rules on new messages (the post-ingest job). A rule acts only on messages
 * ingested after it was switched on. Each (rule, message, action) is claimed by a unique row first, so a
 * replayed job never acts twice; a claim left `pending` by a crash is completed on the retry.
 */
export async function runRulesOnMessages(deps: Deps, workspaceId: string, messageIds: string[]): Promise<number> {
  if (messageIds.length === 0) return 0;
  const rules = await deps.db.select().from(moderationRules)
    .where(and(eq(moderationRules.workspaceId, workspaceId), eq(moderationRules.enabled, true))).orderBy(asc(moderationRules.position), asc(moderationRules.createdAt));
  if (rules.length === 0) return 0;
  const facts = await loadFacts(deps.db, workspaceId, { ids: messageIds });
  let acted = 0;
  for (const rule of rules) {
    const evaluate = compileRule(rule.match as 'all' | 'any', rule.conditions as Condition[], deps.clock(), (msg) => deps.log.warn({ rule: rule.id }, msg));
    for (const m of facts) {
      if (rule.enabledAt && m.ingestedAt < rule.enabledAt) continue;
      const { matched, reasons } = evaluate(m);
      if (!matched) continue;
      const actions = rule.actions as Action[];
      for (let i = 0; i < actions.length; i++) {
        const action = actions[i]!;
        const [claimed] = await deps.db.insert(moderationActions).values({
          workspaceId, ruleId: rule.id, ruleName: rule.name, messageId: m.id, conversationId: m.conversationId, actionIndex: i, action: action.type,
          params: { ...action, reasons }, state: 'pending', actorName: `Rule: ${rule.name}`, at: deps.clock(),
        }).onConflictDoNothing({ target: [moderationActions.ruleId, moderationActions.messageId, moderationActions.actionIndex], where: sql`rule_id IS NOT NULL` }).returning();
        let row = claimed;
        if (!row) {
          const [existing] = await deps.db.select().from(moderationActions)
            .where(and(eq(moderationActions.ruleId, rule.id), eq(moderationActions.messageId, m.id), eq(moderationActions.actionIndex, i)));
          if (!existing || existing.state !== 'pending') continue;
          row = existing;
        }
        await executeAction(deps, row.id);
        acted += 1;
      }
    }
  }
  return acted;
}

/** Ids of actions logged for messages (tests and the conversation view). */
export async function actionsForMessages(db: DbOrTx, ids: string[]) {
  return db.select().from(moderationActions).where(inArray(moderationActions.messageId, ids));
}

