import { and, eq, inArray } from 'drizzle-orm';
import { inboxNotes, members } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, can, isRole } from '../../platform/policy.ts';
import { notify } from '../workspaces/index.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { getConversationRow, recordEvent } from './conversation.service.ts';

/** Internal notes on a conversation; @mentions notify the teammates named. Never sent to the network. */

/** Member ids written as `@[Name](id)` in a note's body. */
export function mentionsIn(body: string): string[] {
  return [...body.matchAll(/@\[[^\]]{1,100}\]\(([0-9a-f-]{36})\)/gi)].map((m) => m[1]!.toLowerCase());
}

export async function addNote(ctx: Ctx, conversationId: string, input: { body: string; mentions?: string[] | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.reply');
  const conv = await getConversationRow(ctx, conversationId);
  const wanted = [...new Set([...(input.mentions ?? []), ...mentionsIn(input.body)])];
  return ctx.deps.db.transaction(async (tx) => {
    const found = wanted.length
      ? await tx.select({ userId: members.userId, role: members.role }).from(members).where(and(eq(members.workspaceId, ws.id), inArray(members.userId, wanted)))
      : [];
    const allowed = found.filter((m) => isRole(m.role) && can(m.role, 'inbox.read')).map((m) => m.userId);
    if (allowed.length !== wanted.length) throw new AppError('validation_failed', 'Mentions must name members who can read the inbox.', 'mentions');
    const me = actorUserId(ctx.actor);
    const [note] = await tx.insert(inboxNotes).values({ workspaceId: ws.id, conversationId: conv.id, authorId: me, body: input.body, mentions: allowed, createdAt: ctx.clock() }).returning();
    await recordEvent(ctx, tx, conv.id, 'note', { noteId: note!.id, mentions: allowed });
    const notified = allowed.filter((u) => u !== me);
    if (notified.length) {
      await notify(ctx.deps, tx, ws.id, notified, {
        kind: 'inbox.mention', title: `${ctx.actor.name} mentioned you in a note`, body: input.body.slice(0, 200), link: `/w/${ws.id}/inbox/${conv.id}`,
      });
    }
    await audit(inTx(ctx, tx), { action: 'conversation.note', targetType: 'conversation', targetId: conv.id, after: { noteId: note!.id, mentions: allowed } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [conv.id], change: ['note'] } });
    return { id: note!.id, author: me ? { id: me, name: ctx.actor.name } : null, body: note!.body, mentions: note!.mentions, createdAt: note!.createdAt.toISOString() };
  });
}
