import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { members, notifications } from '../../db/schema/index.ts';
import { actorUserId, type Ctx } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, can, isRole, type Permission } from '../../platform/policy.ts';
import { scope } from './workspace.service.ts';

/** In-app notifications: other modules call {@link notify}; people read them in the bell menu. */

export type NewNotification = { kind: string; title: string; body?: string; link?: string };

/**
 * Notifies users of a workspace, inside the caller's transaction; each recipient's open pages are told
 * at commit. `to` is a list of user ids, or every member holding a permission (e.g. admins).
 */
export async function notify(deps: Deps, db: DbOrTx, workspaceId: string, to: string[] | { permission: Permission }, n: NewNotification): Promise<void> {
  let userIds: string[];
  if (Array.isArray(to)) userIds = to;
  else {
    const rows = await db.select({ userId: members.userId, role: members.role }).from(members).where(eq(members.workspaceId, workspaceId));
    userIds = rows.filter((r) => isRole(r.role) && can(r.role, to.permission)).map((r) => r.userId);
  }
  for (const userId of new Set(userIds)) {
    const [row] = await db.insert(notifications).values({ workspaceId, userId, kind: n.kind, title: n.title, body: n.body ?? '', link: n.link ?? null, createdAt: deps.clock() }).returning({ id: notifications.id });
    await deps.realtime.publish(db, { workspaceId, userId, type: 'notification.created', payload: { id: row!.id, kind: n.kind } });
  }
}

export async function listNotifications(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'notification.read');
  const userId = actorUserId(ctx.actor)!;
  const rows = await ctx.db.select().from(notifications).where(and(eq(notifications.workspaceId, ws.id), eq(notifications.userId, userId)))
    .orderBy(desc(notifications.createdAt)).limit(50);
  const [unread] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(notifications)
    .where(and(eq(notifications.workspaceId, ws.id), eq(notifications.userId, userId), isNull(notifications.readAt)));
  return {
    notifications: rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, link: r.link, readAt: r.readAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() })),
    unread: unread?.n ?? 0,
  };
}

export async function markRead(ctx: Ctx, id: string | 'all') {
  const ws = scope(ctx);
  authorize(ws.roles, 'notification.read');
  const userId = actorUserId(ctx.actor)!;
  const res = await ctx.db.update(notifications).set({ readAt: ctx.clock() }).where(and(
    eq(notifications.workspaceId, ws.id), eq(notifications.userId, userId), isNull(notifications.readAt),
    id === 'all' ? undefined : eq(notifications.id, id),
  )).returning({ id: notifications.id });
  if (id !== 'all' && res.length === 0) {
    const [exists] = await ctx.db.select({ id: notifications.id }).from(notifications)
      .where(and(eq(notifications.id, id), eq(notifications.workspaceId, ws.id), eq(notifications.userId, userId)));
    if (!exists) throw new AppError('not_found', 'Notification not found.');
  }
}
