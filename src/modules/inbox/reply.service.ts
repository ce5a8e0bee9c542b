import { and, desc, eq, gt, inArray, lte, ne, notInArray } from 'drizzle-orm';
import { channels, conversations, inboxReplies, members, messages, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, systemCtx, type Ctx, type Deps } from '../../platform/context.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { authorize, can, isRole } from '../../platform/policy.ts';
import { callChannel } from '../channels/index.ts';
import { notify } from '../workspaces/index.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { getConversationRow, recordEvent } from './conversation.service.ts';
import { loadInsights } from '../insights/index.ts';
import { classifyText } from './ingest.service.ts';
import { charterPhrases, checkReply, loadGuardSettings } from './reply.guard.ts';
import { presentReply } from './reply.presenter.ts';
import { renderSavedReply } from './saved.service.ts';
import { applySlaToConversations, businessDuration } from './sla.service.ts';

/**
 * Replies: guarded, collision-checked, sent through the channel gateway exactly once (an idempotency
 * key per reply; a timeout is `unknown` and reconciled with findPublished, never resent blindly).
 */

type Reply = typeof inboxReplies.$inferSelect;
type GuardResult = 'ok' | 'warn' | 'needs_approval' | 'delayed';

/** Set by inbox.jobs.ts: the delayed-send job (avoids an import cycle). */
export const replyJobs: { send: import('../../platform/jobs.ts').JobDefinition<{ replyId: string }> | null; reconcile: import('../../platform/jobs.ts').JobDefinition<{ replyId: string }> | null } = { send: null, reconcile: null };

export async function createReply(ctx: Ctx, conversationId: string, input: {
  text?: string | undefined; savedReplyId?: string | undefined; messageId?: string | undefined;
  acknowledgeWarnings?: boolean | undefined; confirmCollision?: boolean | undefined; close?: boolean | undefined;
}) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const me = actorUserId(ctx.actor);
  const conv = await getConversationRow(ctx, conversationId);
  const [target] = input.messageId
    ? await ctx.db.select().from(messages).where(and(eq(messages.id, input.messageId), eq(messages.conversationId, conv.id), eq(messages.workspaceId, ws.id)))
    : await ctx.db.select().from(messages).where(and(eq(messages.conversationId, conv.id), eq(messages.direction, 'in'))).orderBy(desc(messages.createdAt)).limit(1);
  if (!target) throw new AppError('validation_failed', 'There is no message to reply to in this conversation.', input.messageId ? 'messageId' : undefined);
  const text = input.text ?? (await renderSavedReply(ctx, conv.id, input.savedReplyId!)).text;
  const settings = await loadGuardSettings(ctx.db, ws.id);
  const now = ctx.clock();

  // Collision guard: a teammate's reply in the last seconds asks for confirmation.
  if (settings.collisionSeconds > 0 && !input.confirmCollision) {
    const [recent] = await ctx.db.select({ r: inboxReplies, name: users.name }).from(inboxReplies).leftJoin(users, eq(users.id, inboxReplies.authorId))
      .where(and(eq(inboxReplies.conversationId, conv.id), gt(inboxReplies.createdAt, new Date(now.getTime() - settings.collisionSeconds * 1000)),
        notInArray(inboxReplies.state, ['cancelled', 'rejected', 'failed']), me ? ne(inboxReplies.authorId, me) : undefined))
      .orderBy(desc(inboxReplies.createdAt)).limit(1);
    if (recent) throw new AppError('reply_collision', `${recent.name ?? 'A teammate'} replied in this conversation ${Math.round((now.getTime() - recent.r.createdAt.getTime()) / 1000)} s ago; confirm to send yours too.`);
  }

  const reasons = settings.mode === 'off' ? [] : await checkReply(settings, await charterPhrases(ctx.db, ws.id, settings), text, {
    sentiment: target.sentiment ?? conv.sentiment, intents: target.intents ?? conv.intents, authorFollowers: target.authorFollowers,
  });
  let result: GuardResult = 'ok';
  let state: Reply['state'] = 'queued';
  let sendAfter: Date | null = null;
  if (reasons.length > 0) {
    if (settings.mode === 'warn') {
      if (!input.acknowledgeWarnings) return { guard: { result: 'warn' as const, reasons, undoUntil: null }, reply: null };
      result = 'warn';
    } else if (settings.mode === 'approval') {
      result = 'needs_approval';
      state = 'needs_approval';
    } else if (settings.mode === 'delay') {
      result = 'delayed';
      state = 'delayed';
      sendAfter = new Date(now.getTime() + settings.delaySeconds * 1000);
    }
  }

  const reply = await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.insert(inboxReplies).values({
      workspaceId: ws.id, conversationId: conv.id, messageId: target.id, authorId: me, text, state, guard: { result, reasons }, sendAfter,
      closeAfter: input.close ?? false, createdAt: now, updatedAt: now,
    }).returning();
    await recordEvent(ctx, tx, conv.id, 'reply', { replyId: row!.id, state, guard: result });
    await audit(inTx(ctx, tx), { action: 'reply.create', targetType: 'conversation', targetId: conv.id, after: { replyId: row!.id, state, guard: result, reasons: reasons.map((r) => r.code) } });
    if (state === 'needs_approval') {
      const approvers = await approversOf(ctx, tx, me);
      if (approvers.length) {
        await notify(ctx.deps, tx, ws.id, approvers, { kind: 'inbox.reply_approval', title: `${ctx.actor.name} asks you to approve a reply`, body: text.slice(0, 200), link: `/w/${ws.id}/inbox/${conv.id}` });
      }
    }
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conv.id], change: ['reply'] } });
    return row!;
  });

  if (state === 'delayed' && replyJobs.send) await ctx.deps.jobs.send(replyJobs.send, { replyId: reply.id }, { startAfter: sendAfter! });
  const final = state === 'queued' ? await sendReply(ctx.deps, reply.id) : reply;
  return { guard: { result, reasons, undoUntil: sendAfter?.toISOString() ?? null }, reply: presentReply(final) };
}

/** Members who may approve someone else's reply (inbox.reply), the author excepted. */
async function approversOf(ctx: Ctx, tx: Parameters<typeof recordEvent>[1], authorId: string | null): Promise<string[]> {
  const ws = scope(ctx);
  const rows = await tx.select({ userId: members.userId, role: members.role }).from(members).where(eq(members.workspaceId, ws.id));
  return rows.filter((r) => r.userId !== authorId && isRole(r.role) && can(r.role, 'inbox.reply')).map((r) => r.userId);
}

async function getReplyRow(ctx: Ctx, id: string): Promise<Reply> {
  const ws = scope(ctx);
  const [row] = await ctx.db.select().from(inboxReplies).where(and(eq(inboxReplies.id, id), eq(inboxReplies.workspaceId, ws.id)));
  if (!row) throw notFound('Reply not found.');
  return row;
}

/** Moves a reply between states atomically; null when it was no longer in `from`. */
async function transition(deps: Deps, id: string, from: string[], patch: Partial<typeof inboxReplies.$inferInsert>): Promise<Reply | null> {
  const [row] = await deps.db.update(inboxReplies).set({ ...patch, updatedAt: deps.clock() })
    .where(and(eq(inboxReplies.id, id), inArray(inboxReplies.state, from))).returning();
  return row ?? null;
}

/** A second person approves a reply that needed approval; it is sent at once. */
export async function approveReply(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const me = actorUserId(ctx.actor);
  const reply = await getReplyRow(ctx, id);
  if (reply.authorId === me) throw new AppError('forbidden', 'A second person must approve this reply.');
  const moved = await transition(ctx.deps, id, ['needs_approval'], { state: 'queued', approvedBy: me });
  if (!moved) throw new AppError('conflict', 'This reply no longer waits for approval.');
  await ctx.deps.db.transaction(async (tx) => {
    await recordEvent(ctx, tx, reply.conversationId, 'reply_approved', { replyId: id });
    await audit(inTx(ctx, tx), { action: 'reply.approve', targetType: 'conversation', targetId: reply.conversationId, after: { replyId: id } });
  });
  return presentReply(await sendReply(ctx.deps, id));
}

/** Rejects a reply waiting for approval (a second person), or cancels one's own. */
export async function rejectReply(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const reply = await getReplyRow(ctx, id);
  const moved = await transition(ctx.deps, id, ['needs_approval'], { state: 'rejected' });
  if (!moved) throw new AppError('conflict', 'This reply no longer waits for approval.');
  await ctx.deps.db.transaction(async (tx) => {
    await recordEvent(ctx, tx, reply.conversationId, 'reply_rejected', { replyId: id });
    await audit(inTx(ctx, tx), { action: 'reply.reject', targetType: 'conversation', targetId: reply.conversationId, after: { replyId: id } });
    if (reply.authorId && reply.authorId !== actorUserId(ctx.actor)) {
      await notify(ctx.deps, tx, ws.id, [reply.authorId], { kind: 'inbox.reply_rejected', title: `${ctx.actor.name} did not approve your reply`, link: `/w/${ws.id}/inbox/${reply.conversationId}` });
    }
  });
  return presentReply(moved);
}

/** Undo: cancels a delayed reply before it leaves (or one waiting for approval). */
export async function cancelReply(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const reply = await getReplyRow(ctx, id);
  const moved = await transition(ctx.deps, id, ['delayed', 'needs_approval'], { state: 'cancelled' });
  if (!moved) throw new AppError('conflict', 'Too late: this reply is already being sent or was sent.');
  await ctx.deps.db.transaction(async (tx) => {
    await recordEvent(ctx, tx, reply.conversationId, 'reply_cancelled', { replyId: id });
    await audit(inTx(ctx, tx), { action: 'reply.cancel', targetType: 'conversation', targetId: reply.conversationId, after: { replyId: id } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [reply.conversationId], change: ['reply'] } });
  });
  return presentReply(moved);
}

/** Sends a failed reply again with the same idempotency key (the network deduplicates where it can). */
export async function retryReply(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  await getReplyRow(ctx, id);
  const moved = await transition(ctx.deps, id, ['failed'], { state: 'queued', error: null });
  if (!moved) throw new AppError('conflict', 'Only a failed reply can be sent again.');
  return presentReply(await sendReply(ctx.deps, id));
}

/**
 * Sends a queued reply: claims it (queued → sending), publishes through the gateway with
 * `replyTo` = the answered message's remote id and the key `reply:<id>`, and records the outcome.
 */
export async function sendReply(deps: Deps, id: string): Promise<Reply> {
  const claimed = await transition(deps, id, ['queued'], { state: 'sending' });
  if (!claimed) {
    const [row] = await deps.db.select().from(inboxReplies).where(eq(inboxReplies.id, id));
    return row!;
  }
  const [target] = await deps.db.select().from(messages).where(eq(messages.id, claimed.messageId));
  const [channel] = await deps.db.select().from(channels).where(eq(channels.id, target!.channelId));
  if (!channel) return (await transition(deps, id, ['sending'], { state: 'failed', error: 'The channel was disconnected.' }))!;
  await deps.db.update(inboxReplies).set({ attempts: claimed.attempts + 1 }).where(eq(inboxReplies.id, id));
  const variant = { text: claimed.text, replyTo: target!.remoteId };
  try {
    const published = await callChannel(deps, channel, (connector, ctx) =>
      connector.publish(ctx, { variant, idempotencyKey: `reply:${id}`, scheduledAt: claimed.createdAt }));
    return await recordSent(deps, claimed, { remoteId: published.remoteId, url: published.url, at: published.publishedAt });
  } catch (err) {
    if (err instanceof AppError && err.code === 'outcome_unknown') {
      const row = await transition(deps, id, ['sending'], { state: 'unknown', error: err.message });
      if (replyJobs.reconcile) await deps.jobs.send(replyJobs.reconcile, { replyId: id }, { startAfter: new Date(Date.now() + 30_000) });
      return row!;
    }
    const message = err instanceof Error ? err.message : String(err);
    return (await transition(deps, id, ['sending'], { state: 'failed', error: message }))!;
  }
}

/** After a timeout: asks the network whether the reply exists (findPublished) and records the answer. */
export async function reconcileReply(deps: Deps, id: string): Promise<Reply> {
  const [reply] = await deps.db.select().from(inboxReplies).where(eq(inboxReplies.id, id));
  if (!reply || reply.state !== 'unknown') return reply!;
  const [target] = await deps.db.select().from(messages).where(eq(messages.id, reply.messageId));
  const [channel] = await deps.db.select().from(channels).where(eq(channels.id, target!.channelId));
  if (!channel) return reply;
  const found = await callChannel(deps, channel, (connector, ctx) =>
    connector.findPublished(ctx, { variant: { text: reply.text, replyTo: target!.remoteId }, idempotencyKey: `reply:${id}`, since: reply.createdAt }));
  if (found) {
    const moved = await transition(deps, id, ['unknown'], { state: 'sending' });
    return moved ? recordSent(deps, moved, { remoteId: found.remoteId, url: found.url, at: found.publishedAt }) : reply;
  }
  return (await transition(deps, id, ['unknown'], { state: 'failed', error: 'The network has no trace of this reply; it is safe to send it again.' })) ?? reply;
}

/** The reply exists on the network: save its remote id at once, add it to the conversation, stop the timers. */
async function recordSent(deps: Deps, reply: Reply, published: { remoteId: string; url: string; at: Date }): Promise<Reply> {
  const now = deps.clock();
  await loadInsights();
  return deps.db.transaction(async (tx) => {
    const [row] = await tx.update(inboxReplies).set({ state: 'sent', remoteId: published.remoteId, url: published.url, sentAt: now, error: null, updatedAt: now })
      .where(eq(inboxReplies.id, reply.id)).returning();
    const [conv] = await tx.select().from(conversations).where(eq(conversations.id, reply.conversationId)).for('update');
    const [target] = await tx.select().from(messages).where(eq(messages.id, reply.messageId));
    const [channel] = await tx.select().from(channels).where(eq(channels.id, target!.channelId));
    const [author] = reply.authorId ? await tx.select({ name: users.name }).from(users).where(eq(users.id, reply.authorId)) : [];
    const c = classifyText(reply.text);
    const [msg] = await tx.insert(messages).values({
      workspaceId: reply.workspaceId, channelId: target!.channelId, conversationId: reply.conversationId, remoteId: published.remoteId, direction: 'out',
      kind: 'reply', contactId: null, authorRemoteId: channel?.remoteId ?? '', authorHandle: channel?.handle ?? '', authorName: author?.name ?? null,
      text: reply.text, url: published.url, inReplyTo: target!.remoteId, rootRemoteId: target!.rootRemoteId, createdAt: published.at, ingestedAt: now,
      language: c.language, sentiment: c.sentiment, sentimentScore: c.sentimentScore, toxicity: c.toxicity, toxic: c.toxic, profanity: c.profanity,
      intents: c.intents, intentScores: c.intentScores, sentBy: reply.authorId,
    }).onConflictDoNothing().returning();
    const firstResponse = !conv!.firstResponseAt && conv!.firstInboundAt;
    await tx.update(conversations).set({
      hasUnanswered: false, unansweredCount: 0, lastMessageAt: published.at > conv!.lastMessageAt ? published.at : conv!.lastMessageAt,
      messageCount: conv!.messageCount + (msg ? 1 : 0), updatedAt: now,
      ...(firstResponse ? { firstResponseAt: now, firstResponseSeconds: await businessDuration(tx, conv!.workspaceId, conv!.firstInboundAt!, now) } : {}),
      ...(reply.closeAfter ? { status: 'closed', snoozedUntil: null, resolvedAt: now, resolutionSeconds: conv!.firstInboundAt ? await businessDuration(tx, conv!.workspaceId, conv!.firstInboundAt, now) : null } : {}),
    }).where(eq(conversations.id, conv!.id));
    const sys = systemCtx(deps, { id: reply.workspaceId, name: '', timezone: 'UTC', language: 'en', roles: [] });
    await recordEvent({ ...sys, db: tx, actor: reply.authorId ? { type: 'user', userId: reply.authorId, name: author?.name ?? '', email: '' } : sys.actor }, tx, conv!.id, 'replied', { replyId: reply.id, remoteId: published.remoteId });
    if (reply.closeAfter) await recordEvent({ ...sys, db: tx }, tx, conv!.id, 'closed', { from: conv!.status, to: 'closed' });
    await applySlaToConversations(deps, tx, reply.workspaceId, [conv!.id]);
    await deps.realtime.publish(tx, { workspaceId: reply.workspaceId, type: 'inbox.message.created', permission: 'inbox.read', payload: { channelId: target!.channelId, count: 1, conversationIds: [conv!.id], more: false } });
    await deps.realtime.publish(tx, { workspaceId: reply.workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conv!.id], change: ['reply'] } });
    return row!;
  });
}

/** Delayed replies whose undo window has passed are sent (the send job, and the minute tick as a safety net). */
export async function sendDueReplies(deps: Deps, onlyId?: string): Promise<number> {
  const now = deps.clock();
  const due = await deps.db.select({ id: inboxReplies.id }).from(inboxReplies)
    .where(and(eq(inboxReplies.state, 'delayed'), lte(inboxReplies.sendAfter, now), onlyId ? eq(inboxReplies.id, onlyId) : undefined)).limit(200);
  let sent = 0;
  for (const { id } of due) {
    // The cancelled flag wins: only a reply still `delayed` is moved on.
    if (await transition(deps, id, ['delayed'], { state: 'queued' })) {
      await sendReply(deps, id);
      sent += 1;
    }
  }
  return sent;
}
