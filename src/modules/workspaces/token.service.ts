import { and, desc, eq, isNull } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { TOKEN_PREFIX } from '../../platform/auth.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import { hashToken, randomToken } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize, can, roleWithin, type Role } from '../../platform/policy.ts';
import { scope } from './workspace.service.ts';

/**
 * Personal API tokens: scoped to one workspace, with a role no broader than their creator's; at use,
 * a token is also bounded by its creator's current role (see platform/auth.ts).
 */

export async function listTokens(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'token.create');
  const userId = actorUserId(ctx.actor)!;
  const seeAll = ws.roles.every((r) => can(r, 'token.manage_all'));
  const rows = await ctx.db.select({ t: apiTokens, by: { id: users.id, name: users.name } }).from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.workspaceId, ws.id), isNull(apiTokens.revokedAt), seeAll ? undefined : eq(apiTokens.userId, userId)))
    .orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => present(r.t, r.by));
}

export async function createToken(ctx: Ctx, input: { name: string; role: Role; expiresAt?: string | undefined }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'token.create');
  if (ctx.actor.type !== 'user') throw new AppError('forbidden', 'Create API tokens from a signed-in session.');
  if (!ws.roles.every((r) => roleWithin(input.role, r))) {
    throw new AppError('forbidden', `A token cannot have more rights than your own role (${ws.roles.join(', ')}).`, 'role');
  }
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= ctx.clock()) throw new AppError('validation_failed', 'expiresAt must be in the future.', 'expiresAt');
  const secret = `${TOKEN_PREFIX}${randomToken(32)}`;
  const row = await ctx.deps.db.transaction(async (tx) => {
    const [t] = await tx.insert(apiTokens).values({
      workspaceId: ws.id, userId: ctx.actor.type === 'user' ? ctx.actor.userId : '', name: input.name, role: input.role,
      tokenHash: hashToken(secret), createdAt: ctx.clock(), expiresAt,
    }).returning();
    await audit(inTx(ctx, tx), { action: 'token.create', targetType: 'api_token', targetId: t!.id, after: { name: t!.name, role: t!.role, expiresAt } });
    return t!;
  });
  return { token: present(row, { id: ctx.actor.userId, name: ctx.actor.name }), secret };
}

export async function revokeToken(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'token.create');
  const userId = actorUserId(ctx.actor)!;
  const manageAll = ws.roles.every((r) => can(r, 'token.manage_all'));
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.update(apiTokens).set({ revokedAt: ctx.clock() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.workspaceId, ws.id), isNull(apiTokens.revokedAt), manageAll ? undefined : eq(apiTokens.userId, userId)))
      .returning();
    if (!row) throw new AppError('not_found', 'Token not found.');
    await audit(inTx(ctx, tx), { action: 'token.revoke', targetType: 'api_token', targetId: id, before: { name: row.name, role: row.role } });
  });
}

function present(t: typeof apiTokens.$inferSelect, by: { id: string; name: string }) {
  return {
    id: t.id, name: t.name, role: t.role as Role, createdAt: t.createdAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null, expiresAt: t.expiresAt?.toISOString() ?? null, createdBy: by,
  };
}
