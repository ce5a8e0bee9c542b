import { and, eq } from 'drizzle-orm';
import type { ModerationAction } from '../../connectors/connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import type { NetworkId } from '../../connectors/connector.ts';
import { channels, conversationEvents, conversations, messages, moderationActions } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, systemCtx, type Ctx, type Deps } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { callChannel } from '../channels/index.ts';
import { notify } from '../workspaces/index.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { createReply } from '../inbox/reply.service.ts';

/**
 * Executes one logged moderation action (from a rule or a person) and undoes it where possible.
 * Network effects go through the channel gateway when the network allows them (capabilities); otherwise
 * the effect is local to Passerelle (`local_only`, with a note saying so).
 */

type ActionRow = typeof moderationActions.$inferSelect;
const NETWORK_ACTIONS = new Set(['hide', 'unhide', 'delete', 'block']);
const INVERSE: Record<string, ModerationAction> = { hide: 'unhide', unhide: 'hide', block: 'unblock' };

async function finish(deps: Deps, id: string, patch: Partial<typeof moderationActions.$inferInsert>): Promise<ActionRow> {
  const [row] = await deps.db.update(moderationActions).set(patch).where(eq(moderationActions.id, id)).returning();
  return row!;
}

/** Performs the network side of hide/unhide/delete/block when the channel's network allows it. */
async function networkEffect(deps: Deps, channel: typeof channels.$inferSelect, action: ModerationAction, msg: typeof messages.$inferSelect, root: string | null) {
  const connector = getConnector(channel.network as NetworkId);
  // A direct message or a review is not a public reply: no network hides or deletes someone else's DM
  // or review through these calls (Bluesky's threadgate only lists replies to our posts). Blocking the
  // author is still a network action.
  if (action !== 'block' && action !== 'unblock' && (msg.kind === 'dm' || msg.kind === 'review')) {
    return { done: false, note: `A ${msg.kind === 'dm' ? 'direct message' : 'review'} cannot be ${action === 'delete' ? 'deleted' : action === 'hide' ? 'hidden' : 'unhidden'} on ${channel.network}; applied in Passerelle only.` };
  }
  if (!connector.capabilities.moderation.includes(action)) {
    return { done: false, note: `${channel.network} does not allow "${action}" on other people's content; applied in Passerelle only.` };
  }
  await callChannel(deps, channel, (c, ctx) => c.moderate(ctx, action, {
    remoteId: msg.remoteId, authorRemoteId: msg.authorRemoteId, ...(root ?? msg.rootRemoteId ? { root: (root ?? msg.rootRemoteId)! } : {}),
  }));
  return { done: true, note: null };
}

/** Runs a `pending` action row and records its outcome. */
export async function executeAction(deps: Deps, actionId: string): Promise<ActionRow> {
  const [row] = await deps.db.select().from(moderationActions).where(eq(moderationActions.id, actionId));
  if (!row || row.state !== 'pending') return row!;
  const [msg] = await deps.db.select().from(messages).where(eq(messages.id, row.messageId));
  const [conv] = await deps.db.select().from(conversations).where(eq(conversations.id, row.conversationId));
  const [channel] = msg ? await deps.db.select().from(channels).where(eq(channels.id, msg.channelId)) : [];
  if (!msg || !conv || !channel) return finish(deps, actionId, { state: 'failed', note: 'The message or its channel no longer exists.' });
  const params = row.params as Record<string, any>;
  const now = deps.clock();
  const ws = { id: row.workspaceId, name: '', timezone: 'UTC', language: 'en', roles: ['moderator' as const] };
  try {
    if (NETWORK_ACTIONS.has(row.action)) {
      const effect = await networkEffect(deps, channel, row.action as ModerationAction, msg, conv.rootRemoteId);
      const before = { hidden: msg.hidden, deletedAt: msg.deletedAt?.toISOString() ?? null };
      await deps.db.transaction(async (tx) => {
        if (row.action === 'hide' || row.action === 'unhide') await tx.update(messages).set({ hidden: row.action === 'hide' }).where(eq(messages.id, msg.id));
        if (row.action === 'delete') await tx.update(messages).set({ deletedAt: now }).where(eq(messages.id, msg.id));
        await tx.insert(conversationEvents).values({ workspaceId: row.workspaceId, conversationId: conv.id, actorId: row.actorId, actorName: row.actorName, type: `moderation.${row.action}`, data: { messageId: msg.id, actionId, local: !effect.done }, at: now });
        await deps.realtime.publish(tx, { workspaceId: row.workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conv.id], change: ['moderation'] } });
      });
      // Undo: the inverse on the network where it exists; a network delete cannot be undone.
      const undoable = row.action === 'delete' ? !effect.done : true;
      return finish(deps, actionId, { state: effect.done ? 'done' : 'local_only', note: effect.note, before, undoable });
    }
    switch (row.action) {
      case 'tag': {
        const had = conv.tags.includes(params.tag);
        if (!had) await deps.db.update(conversations).set({ tags: [...conv.tags, params.tag].sort(), updatedAt: now }).where(eq(conversations.id, conv.id));
        await publishChange(deps, row, conv.id, 'tags');
        return finish(deps, actionId, { state: 'done', before: { had }, undoable: !had });
      }
      case 'assign': {
        await deps.db.update(conversations).set({ assigneeId: params.userId, updatedAt: now }).where(eq(conversations.id, conv.id));
        await deps.db.transaction(async (tx) => {
          await notify(deps, tx, row.workspaceId, [params.userId], { kind: 'inbox.assigned', title: `${row.actorName ?? 'A rule'} assigned you a conversation`, link: `/w/${row.workspaceId}/inbox/${conv.id}` });
        });
        await publishChange(deps, row, conv.id, 'assignee');
        return finish(deps, actionId, { state: 'done', before: { assigneeId: conv.assigneeId }, undoable: true });
      }
      case 'escalate': {
        const priority = params.priority ?? 'urgent';
        await deps.db.update(conversations).set({ priority, updatedAt: now }).where(eq(conversations.id, conv.id));
        await deps.db.transaction(async (tx) => {
          await notify(deps, tx, row.workspaceId, conv.assigneeId ? [conv.assigneeId] : { permission: 'moderation.manage' }, {
            kind: 'moderation.escalated', title: `Escalated: ${msg.authorHandle}`, body: msg.text.slice(0, 200), link: `/w/${row.workspaceId}/inbox/${conv.id}`,
          });
        });
        await publishChange(deps, row, conv.id, 'priority');
        return finish(deps, actionId, { state: 'done', before: { priority: conv.priority }, undoable: true });
      }
      case 'notify': {
        await deps.db.transaction(async (tx) => {
          await notify(deps, tx, row.workspaceId, params.userIds?.length ? params.userIds : { permission: 'moderation.manage' }, {
            kind: 'moderation.notify', title: `${row.ruleName ?? 'Moderation'}: ${msg.authorHandle}`, body: msg.text.slice(0, 200), link: `/w/${row.workspaceId}/inbox/${conv.id}`,
          });
        });
        return finish(deps, actionId, { state: 'done', undoable: false });
      }
      case 'auto_reply': {
        const ctx: Ctx = { ...systemCtx(deps, ws, row.actorName ?? 'Moderation rule') };
        const out = await createReply(ctx, conv.id, { savedReplyId: params.savedReplyId, messageId: msg.id, acknowledgeWarnings: true, confirmCollision: true });
        return finish(deps, actionId, { state: out.reply?.state === 'failed' ? 'failed' : 'done', note: out.reply ? `Reply ${out.reply.state}` : 'The reply guard stopped it', undoable: false, before: { replyId: out.reply?.id ?? null } });
      }
      default:
        return finish(deps, actionId, { state: 'failed', note: `Unknown action ${row.action}` });
    }
  } catch (err) {
    return finish(deps, actionId, { state: 'failed', note: (err as Error).message });
  }
}

async function publishChange(deps: Deps, row: ActionRow, conversationId: string, change: string) {
  await deps.db.insert(conversationEvents).values({ workspaceId: row.workspaceId, conversationId, actorId: row.actorId, actorName: row.actorName, type: `moderation.${row.action}`, data: { actionId: row.id, ...(row.params as object) }, at: deps.clock() });
  await deps.realtime.publish(deps.db, { workspaceId: row.workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conversationId], change: [change] } });
}

/** Undoes an action where the network (or Passerelle) allows it; the log keeps both. */
export async function undoAction(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const [row] = await ctx.db.select().from(moderationActions).where(and(eq(moderationActions.id, id), eq(moderationActions.workspaceId, ws.id)));
  if (!row) throw notFound('Action not found.');
  if (!row.undoable || (row.state !== 'done' && row.state !== 'local_only')) throw new AppError('not_undoable');
  const [msg] = await ctx.db.select().from(messages).where(eq(messages.id, row.messageId));
  const [conv] = await ctx.db.select().from(conversations).where(eq(conversations.id, row.conversationId));
  if (!msg || !conv) throw new AppError('not_undoable', 'The message no longer exists.');
  const before = row.before as Record<string, any>;
  if (row.state === 'done' && INVERSE[row.action]) {
    const [channel] = await ctx.db.select().from(channels).where(eq(channels.id, msg.channelId));
    if (!channel) throw new AppError('not_undoable', 'The channel was disconnected.');
    await networkEffect(ctx.deps, channel, INVERSE[row.action]!, msg, conv.rootRemoteId);
  }
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    switch (row.action) {
      case 'hide': case 'unhide': await tx.update(messages).set({ hidden: before.hidden ?? row.action !== 'hide' }).where(eq(messages.id, msg.id)); break;
      case 'delete': await tx.update(messages).set({ deletedAt: null }).where(eq(messages.id, msg.id)); break;
      case 'tag': await tx.update(conversations).set({ tags: conv.tags.filter((t) => t !== (row.params as { tag?: string }).tag) }).where(eq(conversations.id, conv.id)); break;
      case 'assign': await tx.update(conversations).set({ assigneeId: before.assigneeId ?? null }).where(eq(conversations.id, conv.id)); break;
      case 'escalate': await tx.update(conversations).set({ priority: before.priority ?? 'normal' }).where(eq(conversations.id, conv.id)); break;
      default: break;
    }
    const [updated] = await tx.update(moderationActions).set({ state: 'undone', undoneAt: now, undoneBy: actorUserId(ctx.actor) }).where(eq(moderationActions.id, id)).returning();
    await tx.insert(conversationEvents).values({ workspaceId: ws.id, conversationId: conv.id, actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, type: 'moderation.undo', data: { actionId: id, action: row.action }, at: now });
    await audit(inTx(ctx, tx), { action: 'moderation.undo', targetType: 'moderation_action', targetId: id, after: { action: row.action, messageId: row.messageId } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conv.id], change: ['moderation'] } });
    return updated!;
  });
}

/** A person moderates one message from the inbox (hide, unhide, delete, block its author); logged like a rule's action. */
export async function moderateMessage(ctx: Ctx, messageId: string, action: 'hide' | 'unhide' | 'delete' | 'block') {
  const ws = scope(ctx);
  authorize(ws.roles, 'moderation.manage');
  const [msg] = await ctx.db.select().from(messages).where(and(eq(messages.id, messageId), eq(messages.workspaceId, ws.id)));
  if (!msg) throw notFound('Message not found.');
  if (msg.direction !== 'in') throw new AppError('validation_failed', 'Only incoming messages can be moderated.', 'id');
  const [row] = await ctx.deps.db.transaction(async (tx) => {
    const inserted = await tx.insert(moderationActions).values({
      workspaceId: ws.id, ruleId: null, messageId, conversationId: msg.conversationId, action, params: {}, state: 'pending',
      actorId: actorUserId(ctx.actor), actorName: ctx.actor.name, at: ctx.clock(),
    }).returning();
    await audit(inTx(ctx, tx), { action: `moderation.${action}`, targetType: 'message', targetId: messageId });
    return inserted;
  });
  return executeAction(ctx.deps, row!.id);
}
