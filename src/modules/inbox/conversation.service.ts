import { and, asc, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import {
  conversationEvents, conversations, inboxNotes, inboxPresence, inboxReplies, members, relayItems, relayRoutes, savedViews, users,
} from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize, can, isRole } from '../../platform/policy.ts';
import { relayTagged } from '../relay/relay.service.ts';
import { notify } from '../workspaces/index.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { conversationMessagesSql, countsSql, decodeCursor, encodeCursor, listSql } from './conversation.queries.ts';
import { parseViewFilters, type ConversationChange, type ConversationItem, type InboxFilters } from './inbox.schema.ts';
import { presentReply } from './reply.presenter.ts';
import { applySlaToConversations, businessDuration } from './sla.service.ts';

/** Conversations: the inbox list (filters, cursor pages, counts), the detail view, and working them (one or in bulk). */

type Row = Record<string, any>;
const iso = (d: unknown) => (d === null || d === undefined ? null : new Date(d as string).toISOString());

export function presentItem(r: Row): ConversationItem {
  return {
    id: r.id, channelId: r.channel_id, kind: r.kind, status: r.status, snoozedUntil: iso(r.snoozed_until),
    assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name ?? '' } : null,
    priority: r.priority, tags: r.tags ?? [], language: r.language, sentiment: r.sentiment, intents: r.intents ?? [], maxToxicity: r.max_toxicity,
    hasUnanswered: r.has_unanswered, unansweredCount: r.unanswered_count, messageCount: r.message_count,
    lastMessageAt: iso(r.last_message_at)!, lastInboundAt: iso(r.last_inbound_at),
    contact: r.contact_id ? { id: r.contact_id, displayName: r.contact_name ?? null, handle: r.contact_handle ?? '', avatarUrl: r.contact_avatar ?? null, followers: r.contact_followers ?? null } : null,
    preview: r.preview ?? null,
    rating: r.rating ?? null,
    sla: { state: r.sla_state, target: r.sla_target, dueAt: iso(r.sla_due_at), policyId: r.sla_policy_id },
  };
}

/** The filters of a request: a saved view's (if any), overridden by the explicit ones. */
async function effectiveFilters(ctx: Ctx, explicit: InboxFilters, viewId: string | undefined): Promise<InboxFilters> {
  if (!viewId) return explicit;
  const ws = scope(ctx);
  const me = actorUserId(ctx.actor);
  const [view] = await ctx.db.select().from(savedViews).where(and(eq(savedViews.id, viewId), eq(savedViews.workspaceId, ws.id)));
  if (!view || (!view.shared && view.ownerId !== me)) throw notFound('Saved view not found.');
  return { ...parseViewFilters(view.filters as Record<string, string>), ...Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined)) };
}

export async function listConversations(ctx: Ctx, query: InboxFilters & { cursor?: string | undefined; limit: number; view?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const { cursor, limit, view, ...explicit } = query;
  const filters = await effectiveFilters(ctx, explicit, view);
  const rows = (await ctx.db.execute<Row>(listSql(ws.id, filters, actorUserId(ctx.actor), cursor ? decodeCursor(cursor) : null, limit))).rows;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    conversations: page.map(presentItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ t: new Date(last.last_message_at).toISOString(), id: last.id }) : null,
  };
}

export async function countConversations(ctx: Ctx, query: InboxFilters & { view?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const { view, ...explicit } = query;
  const filters = await effectiveFilters(ctx, explicit, view);
  const rows = (await ctx.db.execute<{ status: string; n: number }>(countsSql(ws.id, filters, actorUserId(ctx.actor)))).rows;
  const counts = { open: 0, pending: 0, snoozed: 0, closed: 0 };
  for (const r of rows) if (r.status in counts) counts[r.status as keyof typeof counts] = r.n;
  return { counts };
}

/** A conversation row of the current workspace (404 otherwise). */
export async function getConversationRow(ctx: Ctx, id: string, db: DbOrTx = ctx.db) {
  const ws = scope(ctx);
  const [row] = await db.select().from(conversations).where(and(eq(conversations.id, id), eq(conversations.workspaceId, ws.id)));
  if (!row) throw notFound('Conversation not found.');
  return row;
}

const PRESENCE_TTL_MS = 20_000;

export async function getConversation(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  await getConversationRow(ctx, id);
  const [row] = (await ctx.db.execute<Row>(sql`
    SELECT c.*, u.name AS assignee_name, k.display_name AS contact_name, k.primary_handle AS contact_handle, k.avatar_url AS contact_avatar,
      k.followers AS contact_followers, NULL AS preview, NULL AS rating
    FROM conversations c LEFT JOIN users u ON u.id = c.assignee_id LEFT JOIN contacts k ON k.id = c.contact_id
    WHERE c.id = ${id} AND c.workspace_id = ${ws.id}`)).rows;
  const msgs = (await ctx.db.execute<Row>(conversationMessagesSql(ws.id, id, 500))).rows;
  const replies = await ctx.db.select().from(inboxReplies).where(and(eq(inboxReplies.conversationId, id), eq(inboxReplies.workspaceId, ws.id))).orderBy(asc(inboxReplies.createdAt));
  const notes = await ctx.db.select({ n: inboxNotes, name: users.name }).from(inboxNotes).leftJoin(users, eq(users.id, inboxNotes.authorId))
    .where(and(eq(inboxNotes.conversationId, id), eq(inboxNotes.workspaceId, ws.id))).orderBy(asc(inboxNotes.createdAt));
  const events = await ctx.db.select().from(conversationEvents).where(and(eq(conversationEvents.conversationId, id), eq(conversationEvents.workspaceId, ws.id)))
    .orderBy(asc(conversationEvents.at)).limit(500);
  const presence = await ctx.db.select({ p: inboxPresence, name: users.name }).from(inboxPresence).innerJoin(users, eq(users.id, inboxPresence.userId))
    .where(and(eq(inboxPresence.conversationId, id), gt(inboxPresence.at, new Date(ctx.clock().getTime() - PRESENCE_TTL_MS))));
  const relay = await ctx.db.select({ i: relayItems, name: relayRoutes.name, team: relayRoutes.team }).from(relayItems)
    .innerJoin(relayRoutes, eq(relayRoutes.id, relayItems.routeId)).where(and(eq(relayItems.conversationId, id), eq(relayItems.workspaceId, ws.id)))
    .orderBy(asc(relayItems.createdAt));
  const r = row!;
  return {
    conversation: {
      ...presentItem(r),
      rootRemoteId: r.root_remote_id, context: r.context ?? null, firstResponseAt: iso(r.first_response_at), firstResponseSeconds: r.first_response_seconds,
      resolvedAt: iso(r.resolved_at), resolutionSeconds: r.resolution_seconds, createdAt: iso(r.created_at)!,
    },
    messages: msgs.map((m) => ({
      id: m.id, remoteId: m.remote_id, direction: m.direction, kind: m.kind,
      author: { remoteId: m.author_remote_id, handle: m.author_handle, name: m.author_name, followers: m.author_followers, contactId: m.contact_id },
      text: m.text, url: m.url, inReplyTo: m.in_reply_to, createdAt: iso(m.created_at)!, language: m.language, sentiment: m.sentiment,
      sentimentScore: m.sentiment_score, toxicity: m.toxicity, toxic: m.toxic, profanity: m.profanity, intents: m.intents, hidden: m.hidden,
      deleted: m.deleted_at !== null, sentBy: m.sent_by, rating: m.rating,
    })),
    replies: replies.map(presentReply),
    notes: notes.map(({ n, name }) => ({ id: n.id, author: n.authorId ? { id: n.authorId, name: name ?? '' } : null, body: n.body, mentions: n.mentions, createdAt: n.createdAt.toISOString() })),
    events: events.map((e) => ({ id: e.id, type: e.type, actorName: e.actorName, data: e.data, at: e.at.toISOString() })),
    presence: presence.filter(({ p }) => p.userId !== actorUserId(ctx.actor))
      .map(({ p, name }) => ({ userId: p.userId, name, state: p.state as 'viewing' | 'typing', at: p.at.toISOString() })),
    relay: relay.map(({ i, name, team }) => ({
      id: i.id, routeId: i.routeId, routeName: name, team, messageId: i.messageId, conversationId: i.conversationId, reason: i.reason,
      status: i.status as 'new', error: i.error, createdAt: i.createdAt.toISOString(), sentAt: i.sentAt?.toISOString() ?? null,
    })),
  };
}

/** Records an entry in a conversation's timeline. */
export async function recordEvent(ctx: Ctx, db: DbOrTx, conversationId: string, type: string, data: Record<string, unknown> = {}) {
  const ws = scope(ctx);
  await db.insert(conversationEvents).values({
    workspaceId: ws.id, conversationId, actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, type, data, at: ctx.clock(),
  });
}

/** Checks that `userId` is a member whose role may read the inbox (assignees, mentions). */
export async function assertInboxMember(ctx: Ctx, db: DbOrTx, userId: string, field: string) {
  const ws = scope(ctx);
  const [m] = await db.select({ role: members.role }).from(members).where(and(eq(members.workspaceId, ws.id), eq(members.userId, userId)));
  if (!m || !isRole(m.role) || !can(m.role, 'inbox.read')) throw new AppError('validation_failed', 'must be a member who can read the inbox', field);
}

/**
 * Applies one change to conversations (one from the detail view, or a selection in bulk): status
 * (close, reopen, snooze until, pending), assignee, priority, tags. Everything in one transaction with
 * timeline entries, one audit row, SLA recomputed, and one `inbox.conversation.updated` event.
 */
export async function updateConversations(ctx: Ctx, ids: string[], change: ConversationChange) {
  const result = await applyChange(ctx, ids, change);
  // A tag may route the conversation to a team (relay routes by tag).
  if (change.addTags?.length) await relayTagged(ctx.deps, scope(ctx).id, ids, change.addTags);
  return result;
}

async function applyChange(ctx: Ctx, ids: string[], change: ConversationChange) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const now = ctx.clock();
  if (change.status === 'snoozed' && change.snoozedUntil && new Date(change.snoozedUntil) <= now) {
    throw new AppError('validation_failed', 'must be in the future', 'snoozedUntil');
  }
  return ctx.deps.db.transaction(async (tx) => {
    const rows = await tx.select().from(conversations).where(and(eq(conversations.workspaceId, ws.id), inArray(conversations.id, ids))).for('update');
    if (rows.length !== new Set(ids).size) throw notFound('Conversation not found.');
    if (change.assigneeId) await assertInboxMember(ctx, tx, change.assigneeId, 'assigneeId');
    for (const conv of rows) {
      const patch: Partial<typeof conversations.$inferInsert> = { updatedAt: now };
      const events: [string, Record<string, unknown>][] = [];
      if (change.status && change.status !== conv.status) {
        patch.status = change.status;
        patch.snoozedUntil = change.status === 'snoozed' ? new Date(change.snoozedUntil!) : null;
        if (change.status === 'closed') {
          patch.resolvedAt = now;
          patch.resolutionSeconds = conv.firstInboundAt ? await businessDuration(tx, ws.id, conv.firstInboundAt, now) : null;
        } else if (conv.status === 'closed') {
          patch.resolvedAt = null;
          patch.resolutionSeconds = null;
        }
        events.push([change.status === 'closed' ? 'closed' : conv.status === 'closed' ? 'reopened' : change.status === 'snoozed' ? 'snoozed' : 'status', { from: conv.status, to: change.status, snoozedUntil: change.snoozedUntil ?? null }]);
      } else if (change.status === 'snoozed' && change.snoozedUntil) {
        patch.snoozedUntil = new Date(change.snoozedUntil);
        events.push(['snoozed', { snoozedUntil: change.snoozedUntil }]);
      }
      if (change.assigneeId !== undefined && change.assigneeId !== conv.assigneeId) {
        patch.assigneeId = change.assigneeId;
        events.push([change.assigneeId ? 'assigned' : 'unassigned', { from: conv.assigneeId, to: change.assigneeId }]);
      }
      if (change.priority && change.priority !== conv.priority) {
        patch.priority = change.priority;
        events.push(['priority', { from: conv.priority, to: change.priority }]);
      }
      if (change.addTags?.length || change.removeTags?.length) {
        const tags = new Set(conv.tags);
        for (const t of change.addTags ?? []) tags.add(t);
        for (const t of change.removeTags ?? []) tags.delete(t);
        const next = [...tags].sort();
        if (next.join(',') !== [...conv.tags].sort().join(',')) {
          patch.tags = next;
          events.push(['tagged', { added: change.addTags ?? [], removed: change.removeTags ?? [] }]);
        }
      }
      if (events.length === 0) continue;
      await tx.update(conversations).set(patch).where(eq(conversations.id, conv.id));
      for (const [type, data] of events) await recordEvent(ctx, tx, conv.id, type, data);
    }
    await applySlaToConversations(ctx.deps, tx, ws.id, ids);
    const me = actorUserId(ctx.actor);
    if (change.assigneeId && change.assigneeId !== me) {
      const n = rows.filter((r) => r.assigneeId !== change.assigneeId).length;
      if (n > 0) {
        await notify(ctx.deps, tx, ws.id, [change.assigneeId], {
          kind: 'inbox.assigned', title: n === 1 ? `${ctx.actor.name} assigned you a conversation` : `${ctx.actor.name} assigned you ${n} conversations`,
          link: n === 1 ? `/w/${ws.id}/inbox/${ids[0]}` : `/w/${ws.id}/inbox?assignee=me`,
        });
      }
    }
    await audit(inTx(ctx, tx), { action: ids.length > 1 ? 'conversation.bulk_update' : 'conversation.update', targetType: 'conversation', targetId: ids.length > 1 ? null : ids[0]!, after: { ids: ids.length > 1 ? ids : undefined, ...change } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: ids.slice(0, 100), change: Object.keys(change) } });
    return { updated: ids.length };
  });
}

/** Snoozed conversations whose time has come are open again (minute tick). */
export async function wakeSnoozed(deps: Deps): Promise<number> {
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    const woke = await tx.update(conversations).set({ status: 'open', snoozedUntil: null, updatedAt: now })
      .where(and(eq(conversations.status, 'snoozed'), sql`${conversations.snoozedUntil} <= ${now}`))
      .returning({ id: conversations.id, workspaceId: conversations.workspaceId });
    const byWs = new Map<string, string[]>();
    for (const w of woke) byWs.set(w.workspaceId, [...(byWs.get(w.workspaceId) ?? []), w.id]);
    for (const [workspaceId, ids] of byWs) {
      for (const id of ids) {
        await tx.insert(conversationEvents).values({ workspaceId, conversationId: id, actorId: null, actorName: 'Passerelle', type: 'woke', data: {}, at: now });
      }
      await deps.realtime.publish(tx, { workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: ids.slice(0, 100), change: ['status'] } });
    }
    return woke.length;
  });
}

/**
 * Presence: a heartbeat every few seconds while a teammate views or types in a conversation; `left`
 * removes it. Others see it in the detail view and live through `inbox.presence` events.
 */
export async function heartbeat(ctx: Ctx, id: string, state: 'viewing' | 'typing' | 'left') {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const me = actorUserId(ctx.actor);
  if (!me) throw new AppError('forbidden');
  await getConversationRow(ctx, id);
  const now = ctx.clock();
  await ctx.deps.db.transaction(async (tx) => {
    const [prev] = await tx.select().from(inboxPresence).where(and(eq(inboxPresence.conversationId, id), eq(inboxPresence.userId, me)));
    if (state === 'left') await tx.delete(inboxPresence).where(and(eq(inboxPresence.conversationId, id), eq(inboxPresence.userId, me)));
    else {
      await tx.insert(inboxPresence).values({ conversationId: id, userId: me, workspaceId: ws.id, state, at: now })
        .onConflictDoUpdate({ target: [inboxPresence.conversationId, inboxPresence.userId], set: { state, at: now } });
    }
    // Tell others only when something changed (a new state, or a viewer back after going stale).
    const stale = !prev || now.getTime() - prev.at.getTime() > PRESENCE_TTL_MS;
    if (state === 'left' || stale || prev?.state !== state) {
      await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.presence', permission: 'inbox.read', payload: { conversationId: id, userId: me, name: ctx.actor.name, state } });
    }
  });
  const others = await ctx.db.select({ p: inboxPresence, name: users.name }).from(inboxPresence).innerJoin(users, eq(users.id, inboxPresence.userId))
    .where(and(eq(inboxPresence.conversationId, id), ne(inboxPresence.userId, me), gt(inboxPresence.at, new Date(now.getTime() - PRESENCE_TTL_MS))))
    .orderBy(desc(inboxPresence.at));
  return { presence: others.map(({ p, name }) => ({ userId: p.userId, name, state: p.state as 'viewing' | 'typing', at: p.at.toISOString() })) };
}
