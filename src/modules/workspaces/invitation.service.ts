import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { invitations, members, users, workspaces } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import { hashPassword, hashToken, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, isOwner, isRole, type Role } from '../../platform/policy.ts';
import { publicUrl } from '../../config/config.ts';
import { scope } from './workspace.service.ts';
import { sendMailJob } from './workspaces.jobs.ts';

/** Invitations: an email + role, a single-use link valid 7 days, mailed and shown to admins. */

const INVITE_TTL_MS = 7 * 86_400_000;

function linkFor(deps: Deps, token: string): string {
  return `${publicUrl(deps.config)}/invite/${token}`;
}

/** Pending invitations of the workspace, with their link (for copying). */
export async function listInvitations(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'member.manage');
  const rows = await ctx.db.select({ inv: invitations, by: { id: users.id, name: users.name } }).from(invitations)
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.workspaceId, ws.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, ctx.clock())))
    .orderBy(invitations.createdAt);
  return rows.map((r) => present(ctx.deps, r.inv, r.by));
}

/** Invites someone by email with a role; refuses existing members and duplicate pending invitations. */
export async function invite(ctx: Ctx, input: { email: string; role: Role }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'member.manage');
  if (input.role === 'owner' && !isOwner(ws.roles)) throw new AppError('forbidden', 'Only an owner can invite another owner.', 'role');
  const token = randomToken();
  const now = ctx.clock();
  const inv = await ctx.deps.db.transaction(async (tx) => {
    const [existing] = await tx.select({ id: users.id }).from(members).innerJoin(users, eq(users.id, members.userId))
      .where(and(eq(members.workspaceId, ws.id), eq(sql`lower(${users.email})`, input.email)));
    if (existing) throw new AppError('already_member', `${input.email} is already a member of this workspace.`, 'email');
    // Expired pending invitations would block the unique index: retire them first.
    await tx.update(invitations).set({ revokedAt: now }).where(and(
      eq(invitations.workspaceId, ws.id), eq(sql`lower(${invitations.email})`, input.email), isNull(invitations.acceptedAt),
      isNull(invitations.revokedAt), sql`${invitations.expiresAt} <= ${now}`));
    const [row] = await tx.insert(invitations).values({
      workspaceId: ws.id, email: input.email, role: input.role, tokenHash: hashToken(token),
      tokenSealed: ctx.deps.box.encrypt(token, `invitation:${ws.id}`), invitedBy: actorUserId(ctx.actor),
      createdAt: now, expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
    }).onConflictDoNothing().returning();
    if (!row) throw new AppError('invitation_exists', `An invitation is already pending for ${input.email}.`, 'email');
    await audit(inTx(ctx, tx), { action: 'invitation.create', targetType: 'invitation', targetId: row.id, after: { email: row.email, role: row.role } });
    const link = linkFor(ctx.deps, token);
    await ctx.deps.jobs.send(sendMailJob, {
      to: input.email,
      subject: ws.language === 'fr' ? `Invitation à rejoindre ${ws.name} sur Passerelle` : `You are invited to ${ws.name} on Passerelle`,
      text: ws.language === 'fr'
        ? `${ctx.actor.name} vous invite à rejoindre « ${ws.name} » sur Passerelle (rôle : ${input.role}).\n\nAccepter l'invitation (valable 7 jours) :\n${link}`
        : `${ctx.actor.name} invites you to join “${ws.name}” on Passerelle (role: ${input.role}).\n\nAccept the invitation (valid for 7 days):\n${link}`,
    });
    return row;
  });
  const by = ctx.actor.type === 'system' ? null : { id: ctx.actor.userId, name: ctx.actor.name };
  return present(ctx.deps, inv, by);
}

/** Revokes a pending invitation. */
export async function revokeInvitation(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'member.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.update(invitations).set({ revokedAt: ctx.clock() })
      .where(and(eq(invitations.id, id), eq(invitations.workspaceId, ws.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw new AppError('not_found', 'Invitation not found.');
    await audit(inTx(ctx, tx), { action: 'invitation.revoke', targetType: 'invitation', targetId: id, before: { email: row.email, role: row.role } });
  });
}

async function findUsable(deps: Deps, db: Ctx['db'], token: string) {
  const [row] = await db.select({ inv: invitations, ws: workspaces }).from(invitations)
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .where(and(eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, deps.clock())));
  if (!row || !isRole(row.inv.role)) throw new AppError('invitation_invalid');
  return row;
}

/** What an invitation link is for (anonymous: the token is the secret). */
export async function describeInvitation(deps: Deps, token: string) {
  const { inv, ws } = await findUsable(deps, deps.db, token);
  const [user] = await deps.db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, inv.email.toLowerCase()));
  return { workspace: { id: ws.id, name: ws.name }, email: inv.email, role: inv.role as Role, userExists: Boolean(user) };
}

/**
 * Accepts an invitation: as the signed-in person whose email it names, or, with no account yet, by
 * creating one with the invited email. Single use. Returns the user id (to start a session) and membership.
 */
export async function acceptInvitation(deps: Deps, token: string, who: { userId: string | null; newAccount?: { name: string; password: string } | undefined }, ip: string | null) {
  const passwordHash = who.newAccount ? await hashPassword(who.newAccount.password) : null;
  return deps.db.transaction(async (tx) => {
    const { inv, ws } = await findUsable(deps, tx, token);
    let userId = who.userId;
    let user;
    if (userId) {
      [user] = await tx.select().from(users).where(eq(users.id, userId));
      if (!user || user.email.toLowerCase() !== inv.email.toLowerCase()) {
        throw new AppError('forbidden', `This invitation is for ${inv.email}; sign in with that email.`);
      }
    } else {
      if (!who.newAccount || !passwordHash) throw new AppError('unauthenticated', 'Sign in, or give a name and password to create your account.');
      const [existing] = await tx.select({ id: users.id }).from(users).where(eq(sql`lower(${users.email})`, inv.email.toLowerCase()));
      if (existing) throw new AppError('email_taken', 'An account already uses this email; sign in to accept.');
      [user] = await tx.insert(users).values({ email: inv.email, name: who.newAccount.name, passwordHash, createdAt: deps.clock(), updatedAt: deps.clock() }).returning();
      userId = user!.id;
    }
    const claimed = await tx.update(invitations).set({ acceptedAt: deps.clock() })
      .where(and(eq(invitations.id, inv.id), isNull(invitations.acceptedAt))).returning({ id: invitations.id });
    if (claimed.length === 0) throw new AppError('invitation_invalid');
    await tx.insert(members).values({ workspaceId: ws.id, userId: userId!, role: inv.role, createdAt: deps.clock() }).onConflictDoNothing();
    const ctx: Ctx = {
      deps, db: tx, actor: { type: 'user', userId: userId!, name: user!.name, email: user!.email },
      workspace: { id: ws.id, name: ws.name, timezone: ws.timezone, language: ws.language, roles: [inv.role as Role] }, clock: deps.clock, log: deps.log, ip,
    };
    await audit(ctx, { action: 'invitation.accept', targetType: 'member', targetId: userId!, after: { email: inv.email, role: inv.role } });
    await deps.realtime.publish(tx, { workspaceId: ws.id, type: 'member.changed', payload: { userId } });
    return { userId: userId!, workspace: ws, role: inv.role as Role };
  });
}

function present(deps: Deps, inv: typeof invitations.$inferSelect, by: { id: string; name: string } | null) {
  return {
    id: inv.id, email: inv.email, role: inv.role as Role, invitedBy: by, createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(), link: linkFor(deps, deps.box.decrypt(inv.tokenSealed, `invitation:${inv.workspaceId}`)),
  };
}
