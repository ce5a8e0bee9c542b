import { and, asc, eq, or } from 'drizzle-orm';
import { contacts, savedReplies, savedViews } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { getConversationRow } from './conversation.service.ts';
import { parseViewFilters } from './inbox.schema.ts';

/** Saved replies (with variables) and saved views (named filter sets, personal or shared). */

type SavedReply = typeof savedReplies.$inferSelect;
const presentSavedReply = (r: SavedReply) => ({ id: r.id, name: r.name, body: r.body, language: r.language, shortcut: r.shortcut, updatedAt: r.updatedAt.toISOString() });

export async function listSavedReplies(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const rows = await ctx.db.select().from(savedReplies).where(eq(savedReplies.workspaceId, ws.id)).orderBy(asc(savedReplies.name));
  return rows.map(presentSavedReply);
}

export async function saveSavedReply(ctx: Ctx, id: string | null, input: { name: string; body: string; language?: string | null | undefined; shortcut?: string | null | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const values = { name: input.name, body: input.body, language: input.language ?? null, shortcut: input.shortcut ?? null, updatedAt: now };
    const [row] = id
      ? await tx.update(savedReplies).set(values).where(and(eq(savedReplies.id, id), eq(savedReplies.workspaceId, ws.id))).returning()
      : await tx.insert(savedReplies).values({ ...values, workspaceId: ws.id, createdBy: actorUserId(ctx.actor), createdAt: now }).returning();
    if (!row) throw notFound('Saved reply not found.');
    await audit(inTx(ctx, tx), { action: id ? 'saved_reply.update' : 'saved_reply.create', targetType: 'saved_reply', targetId: row.id, after: { name: row.name } });
    return presentSavedReply(row);
  });
}

export async function deleteSavedReply(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(savedReplies).where(and(eq(savedReplies.id, id), eq(savedReplies.workspaceId, ws.id))).returning();
    if (!row) throw notFound('Saved reply not found.');
    await audit(inTx(ctx, tx), { action: 'saved_reply.delete', targetType: 'saved_reply', targetId: id, before: { name: row.name } });
  });
}

/** The first word of a display name (or the handle without its domain) — how a reply greets someone. */
export function firstNameOf(displayName: string | null, handle: string): string {
  const name = (displayName ?? '').trim();
  if (name) return name.split(/\s+/)[0]!;
  return handle.replace(/^@/, '').split(/[@.]/)[0]!;
}

/**
 * Fills `{{first_name}}`, `{{name}}`, `{{handle}}`, `{{agent_name}}`, `{{agent_first_name}}` and
 * `{{brand}}`; an unknown variable is left as written so the person sees it before sending.
 */
export function fillVariables(body: string, vars: Record<string, string>): string {
  return body.replace(/\{\{\s*([a-z_]+)\s*\}\}/g, (whole, key: string) => vars[key] ?? whole);
}

/** A saved reply rendered for a conversation (its contact's name, the agent's name, the brand). */
export async function renderSavedReply(ctx: Ctx, conversationId: string, savedReplyId: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const conv = await getConversationRow(ctx, conversationId);
  const [saved] = await ctx.db.select().from(savedReplies).where(and(eq(savedReplies.id, savedReplyId), eq(savedReplies.workspaceId, ws.id)));
  if (!saved) throw new AppError('validation_failed', 'Saved reply not found.', 'savedReplyId');
  const [contact] = conv.contactId ? await ctx.db.select().from(contacts).where(eq(contacts.id, conv.contactId)) : [];
  const handle = contact?.primaryHandle ?? '';
  const vars = {
    first_name: contact ? firstNameOf(contact.displayName, handle) : '',
    name: contact?.displayName ?? handle,
    handle: handle ? `@${handle.replace(/^@/, '')}` : '',
    agent_name: ctx.actor.name,
    agent_first_name: ctx.actor.name.split(/\s+/)[0] ?? '',
    brand: ws.name,
  };
  return { text: fillVariables(saved.body, vars) };
}

// --- saved views ----------------------------------------------------------------------------------

type View = typeof savedViews.$inferSelect;
function presentView(v: View, me: string | null) {
  return { id: v.id, name: v.name, filters: v.filters as Record<string, string>, shared: v.shared, position: v.position, ownerId: v.ownerId, mine: v.ownerId === me };
}

export async function listViews(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const me = actorUserId(ctx.actor);
  const rows = await ctx.db.select().from(savedViews)
    .where(and(eq(savedViews.workspaceId, ws.id), me ? or(eq(savedViews.shared, true), eq(savedViews.ownerId, me)) : eq(savedViews.shared, true)))
    .orderBy(asc(savedViews.position), asc(savedViews.name));
  return rows.map((v) => presentView(v, me));
}

export async function saveView(ctx: Ctx, id: string | null, input: { name: string; filters: Record<string, string>; shared?: boolean | undefined; position?: number | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const me = actorUserId(ctx.actor);
  parseViewFilters(input.filters);
  // Sharing a view with the team is for those who work the inbox.
  if (input.shared) authorize(ws.roles, 'inbox.reply');
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const values = { name: input.name, filters: input.filters, shared: input.shared ?? false, position: input.position ?? 0, updatedAt: now };
    let row: View | undefined;
    if (id) {
      const [existing] = await tx.select().from(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.workspaceId, ws.id)));
      if (!existing || (!existing.shared && existing.ownerId !== me)) throw notFound('Saved view not found.');
      if (existing.ownerId !== me) authorize(ws.roles, 'inbox.reply');
      [row] = await tx.update(savedViews).set(values).where(eq(savedViews.id, id)).returning();
    } else {
      [row] = await tx.insert(savedViews).values({ ...values, workspaceId: ws.id, ownerId: me, createdAt: now }).returning();
    }
    await audit(inTx(ctx, tx), { action: id ? 'saved_view.update' : 'saved_view.create', targetType: 'saved_view', targetId: row!.id, after: { name: row!.name, shared: row!.shared } });
    return presentView(row!, me);
  });
}

export async function deleteView(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const me = actorUserId(ctx.actor);
  await ctx.deps.db.transaction(async (tx) => {
    const [existing] = await tx.select().from(savedViews).where(and(eq(savedViews.id, id), eq(savedViews.workspaceId, ws.id)));
    if (!existing || (!existing.shared && existing.ownerId !== me)) throw notFound('Saved view not found.');
    if (existing.ownerId !== me) authorize(ws.roles, 'inbox.reply');
    await tx.delete(savedViews).where(eq(savedViews.id, id));
    await audit(inTx(ctx, tx), { action: 'saved_view.delete', targetType: 'saved_view', targetId: id, before: { name: existing.name } });
  });
}
