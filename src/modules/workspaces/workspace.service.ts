import { and, eq, sql } from 'drizzle-orm';
import { members, users, workspaces } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, isOwner, type Role } from '../../platform/policy.ts';
import { presentWorkspace } from './workspaces.schema.ts';

/** Use cases of workspaces (brands) and their members. */

export function scope(ctx: Ctx) {
  if (!ctx.workspace) throw new Error('workspace scope required');
  return ctx.workspace;
}

/** Creates a workspace; its creator becomes its owner. Any signed-in person may create one (agencies). */
export async function createWorkspace(ctx: Ctx, input: { name: string; timezone: string; language: 'fr' | 'en' }) {
  const userId = actorUserId(ctx.actor);
  if (!userId || ctx.actor.type !== 'user') throw new AppError('unauthenticated');
  return ctx.deps.db.transaction(async (tx) => {
    const [ws] = await tx.insert(workspaces).values({ ...input, createdAt: ctx.clock(), updatedAt: ctx.clock() }).returning();
    await tx.insert(members).values({ workspaceId: ws!.id, userId, role: 'owner', createdAt: ctx.clock() });
    const c = inTx({ ...ctx, workspace: { id: ws!.id, name: ws!.name, timezone: ws!.timezone, language: ws!.language, roles: ['owner'] } }, tx);
    await audit(c, { action: 'workspace.create', targetType: 'workspace', targetId: ws!.id, after: presentWorkspace(ws!) });
    return ws!;
  });
}

/** The current workspace. */
export async function getWorkspace(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'workspace.read');
  const [row] = await ctx.db.select().from(workspaces).where(eq(workspaces.id, ws.id));
  if (!row) throw new AppError('not_found');
  return row;
}

/** Renames the workspace or changes its time zone or language (owner, admin). */
export async function updateWorkspace(ctx: Ctx, input: { name?: string | undefined; timezone?: string | undefined; language?: 'fr' | 'en' | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'workspace.update');
  return ctx.deps.db.transaction(async (tx) => {
    const [before] = await tx.select().from(workspaces).where(eq(workspaces.id, ws.id)).for('update');
    if (!before) throw new AppError('not_found');
    const patch = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
    const [after] = await tx.update(workspaces).set({ ...patch, updatedAt: ctx.clock() }).where(eq(workspaces.id, ws.id)).returning();
    await audit(inTx(ctx, tx), { action: 'workspace.update', targetType: 'workspace', targetId: ws.id, before: presentWorkspace(before), after: presentWorkspace(after!) });
    return after!;
  });
}

/** Members of the workspace with their role. */
export async function listMembers(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'member.read');
  return ctx.db.select({ user: { id: users.id, email: users.email, name: users.name }, role: members.role, joinedAt: members.createdAt })
    .from(members).innerJoin(users, eq(users.id, members.userId))
    .where(eq(members.workspaceId, ws.id)).orderBy(users.name);
}

/**
 * Changes a member's role. Owners and admins manage members, but only an owner may grant, change or
 * remove the owner role, and the last owner cannot be demoted.
 */
export async function changeMemberRole(ctx: Ctx, userId: string, role: Role) {
  const ws = scope(ctx);
  authorize(ws.roles, 'member.manage');
  return ctx.deps.db.transaction(async (tx) => {
    const before = await lockMember(tx, ws.id, userId);
    if ((before.role === 'owner' || role === 'owner') && !isOwner(ws.roles)) {
      throw new AppError('forbidden', 'Only an owner can grant or change the owner role.');
    }
    if (before.role === 'owner' && role !== 'owner') await ensureAnotherOwner(tx, ws.id, userId);
    const [after] = await tx.update(members).set({ role }).where(and(eq(members.workspaceId, ws.id), eq(members.userId, userId))).returning();
    await audit(inTx(ctx, tx), { action: 'member.role_change', targetType: 'member', targetId: userId, before: { role: before.role }, after: { role } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'member.changed', payload: { userId } });
    return after!;
  });
}

/** Removes a member (or lets a member leave). The last owner cannot leave. */
export async function removeMember(ctx: Ctx, userId: string) {
  const ws = scope(ctx);
  const self = actorUserId(ctx.actor) === userId;
  if (!self) authorize(ws.roles, 'member.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const before = await lockMember(tx, ws.id, userId);
    if (before.role === 'owner' && !self && !isOwner(ws.roles)) throw new AppError('forbidden', 'Only an owner can remove an owner.');
    if (before.role === 'owner') await ensureAnotherOwner(tx, ws.id, userId);
    await tx.delete(members).where(and(eq(members.workspaceId, ws.id), eq(members.userId, userId)));
    await audit(inTx(ctx, tx), { action: 'member.remove', targetType: 'member', targetId: userId, before: { role: before.role } });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'member.changed', payload: { userId } });
  });
}

async function lockMember(tx: Ctx['db'], workspaceId: string, userId: string) {
  const [row] = await tx.select().from(members).where(and(eq(members.workspaceId, workspaceId), eq(members.userId, userId))).for('update');
  if (!row) throw new AppError('not_found', 'Member not found.');
  return row;
}

async function ensureAnotherOwner(tx: Ctx['db'], workspaceId: string, exceptUserId: string) {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.role, 'owner'), sql`${members.userId} <> ${exceptUserId}`));
  if ((row?.n ?? 0) === 0) throw new AppError('last_owner');
}
