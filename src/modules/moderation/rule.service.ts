import { and, asc, desc, eq, lt, or } from 'drizzle-orm';
import { moderationActions, moderationAuthorLists, moderationRules } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { compileRule, loadFacts } from './rule.engine.ts';
import type { Action, Condition, RuleIn } from './rule.schema.ts';

/** Moderation rules: CRUD, dry run over the last 30 days, the action log, block/allow lists. */

type Rule = typeof moderationRules.$inferSelect;

export function presentRule(r: Rule) {
  return {
    id: r.id, name: r.name, enabled: r.enabled, match: r.match as 'all' | 'any', conditions: r.conditions as Record<string, unknown>[],
    actions: r.actions as Record<string, unknown>[], position: r.position, enabledAt: r.enabledAt?.toISOString() ?? null, updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listRules(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const rows = await ctx.db.select().from(moderationRules).where(eq(moderationRules.workspaceId, ws.id)).orderBy(asc(moderationRules.position), asc(moderationRules.createdAt));
  return rows.map(presentRule);
}

export async function saveRule(ctx: Ctx, id: string | null, input: RuleIn) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const [existing] = id ? await tx.select().from(moderationRules).where(and(eq(moderationRules.id, id), eq(moderationRules.workspaceId, ws.id))) : [];
    if (id && !existing) throw notFound('Rule not found.');
    const enabled = input.enabled ?? existing?.enabled ?? false;
    const values = {
      name: input.name, enabled, match: input.match ?? 'all', conditions: input.conditions, actions: input.actions, position: input.position ?? existing?.position ?? 0,
      // Switching on starts the clock: the rule acts on what is ingested from now on.
      enabledAt: enabled ? (existing?.enabled ? existing.enabledAt : now) : null, updatedAt: now,
    };
    const [row] = existing
      ? await tx.update(moderationRules).set(values).where(eq(moderationRules.id, existing.id)).returning()
      : await tx.insert(moderationRules).values({ ...values, workspaceId: ws.id, createdBy: actorUserId(ctx.actor), createdAt: now }).returning();
    await audit(inTx(ctx, tx), { action: existing ? 'moderation_rule.update' : 'moderation_rule.create', targetType: 'moderation_rule', targetId: row!.id, before: existing ? presentRule(existing) : undefined, after: presentRule(row!) });
    return presentRule(row!);
  });
}

export async function deleteRule(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(moderationRules).where(and(eq(moderationRules.id, id), eq(moderationRules.workspaceId, ws.id))).returning();
    if (!row) throw notFound('Rule not found.');
    await audit(inTx(ctx, tx), { action: 'moderation_rule.delete', targetType: 'moderation_rule', targetId: id, before: presentRule(row) });
  });
}

const DRY_RUN_DAYS = 30;
const DRY_RUN_MAX = 200_000;

/**
 * What a rule would have done on the last 30 days of incoming messages, without doing it: how many
 * matched, per action, and up to 50 examples with the reasons.
 */
export async function dryRun(ctx: Ctx, input: { match?: 'all' | 'any' | undefined; conditions: Condition[]; actions?: Action[] | undefined } | { ruleId: string }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  let rule = input as { match?: 'all' | 'any' | undefined; conditions: Condition[]; actions?: Action[] | undefined };
  if ('ruleId' in input) {
    const [row] = await ctx.db.select().from(moderationRules).where(and(eq(moderationRules.id, input.ruleId), eq(moderationRules.workspaceId, ws.id)));
    if (!row) throw notFound('Rule not found.');
    rule = { match: row.match as 'all' | 'any', conditions: row.conditions as Condition[], actions: row.actions as Action[] };
  }
  const now = ctx.clock();
  const since = new Date(now.getTime() - DRY_RUN_DAYS * 86_400_000);
  const evaluate = compileRule(rule.match ?? 'all', rule.conditions, now);
  let scanned = 0;
  let matched = 0;
  let after: string | null = null;
  const samples: { messageId: string; conversationId: string; authorHandle: string; text: string; createdAt: string; reasons: string[] }[] = [];
  for (;;) {
    const batch = await loadFacts(ctx.db, ws.id, { since, after, limit: 2000 });
    for (const m of batch) {
      const r = evaluate(m);
      if (!r.matched) continue;
      matched += 1;
      if (samples.length < 50) samples.push({ messageId: m.id, conversationId: m.conversationId, authorHandle: m.authorHandle, text: m.text.slice(0, 280), createdAt: m.createdAt.toISOString(), reasons: r.reasons });
    }
    scanned += batch.length;
    if (batch.length < 2000 || scanned >= DRY_RUN_MAX) break;
    after = batch.at(-1)!.id;
  }
  const byAction: Record<string, number> = {};
  for (const a of rule.actions ?? []) byAction[a.type] = (byAction[a.type] ?? 0) + matched;
  return { since: since.toISOString(), scanned, matched, truncated: scanned >= DRY_RUN_MAX, byAction, samples };
}

export function presentAction(a: typeof moderationActions.$inferSelect) {
  return {
    id: a.id, ruleId: a.ruleId, ruleName: a.ruleName, messageId: a.messageId, conversationId: a.conversationId, action: a.action, params: a.params,
    state: a.state as 'done', note: a.note, undoable: a.undoable && (a.state === 'done' || a.state === 'local_only'), actorName: a.actorName,
    at: a.at.toISOString(), undoneAt: a.undoneAt?.toISOString() ?? null,
  };
}

export async function listActions(ctx: Ctx, q: { ruleId?: string | undefined; messageId?: string | undefined; conversationId?: string | undefined; cursor?: string | undefined; limit: number }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const where = [eq(moderationActions.workspaceId, ws.id)];
  if (q.ruleId) where.push(eq(moderationActions.ruleId, q.ruleId));
  if (q.messageId) where.push(eq(moderationActions.messageId, q.messageId));
  if (q.conversationId) where.push(eq(moderationActions.conversationId, q.conversationId));
  if (q.cursor) {
    const [t, id] = Buffer.from(q.cursor, 'base64url').toString().split('|');
    if (!t || !id || Number.isNaN(Date.parse(t))) throw new AppError('validation_failed', 'The cursor is not valid.', 'query.cursor');
    where.push(or(lt(moderationActions.at, new Date(t)), and(eq(moderationActions.at, new Date(t)), lt(moderationActions.id, id)))!);
  }
  const rows = await ctx.db.select().from(moderationActions).where(and(...where)).orderBy(desc(moderationActions.at), desc(moderationActions.id)).limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { actions: page.map(presentAction), nextCursor: rows.length > q.limit && last ? Buffer.from(`${last.at.toISOString()}|${last.id}`).toString('base64url') : null };
}

const presentAuthor = (a: typeof moderationAuthorLists.$inferSelect) => ({ id: a.id, list: a.list as 'block' | 'allow', network: a.network, author: a.author, note: a.note, createdAt: a.createdAt.toISOString() });

export async function listAuthors(ctx: Ctx, list?: 'block' | 'allow') {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const rows = await ctx.db.select().from(moderationAuthorLists)
    .where(and(eq(moderationAuthorLists.workspaceId, ws.id), list ? eq(moderationAuthorLists.list, list) : undefined)).orderBy(asc(moderationAuthorLists.author));
  return rows.map(presentAuthor);
}

export async function addAuthor(ctx: Ctx, input: { list: 'block' | 'allow'; network: string; author: string; note?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  return ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(moderationAuthorLists).values({ workspaceId: ws.id, list: input.list, network: input.network, author: input.author, note: input.note ?? null, createdAt: ctx.clock() })
      .onConflictDoUpdate({ target: [moderationAuthorLists.workspaceId, moderationAuthorLists.list, moderationAuthorLists.network, moderationAuthorLists.author], set: { note: input.note ?? null } }).returning();
    await audit(inTx(ctx, tx), { action: 'moderation_author.add', targetType: 'moderation_author', targetId: row!.id, after: presentAuthor(row!) });
    return presentAuthor(row!);
  });
}

export async function removeAuthor(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(moderationAuthorLists).where(and(eq(moderationAuthorLists.id, id), eq(moderationAuthorLists.workspaceId, ws.id))).returning();
    if (!row) throw notFound('Entry not found.');
    await audit(inTx(ctx, tx), { action: 'moderation_author.remove', targetType: 'moderation_author', targetId: id, before: presentAuthor(row) });
  });
}


