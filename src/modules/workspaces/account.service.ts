import { and, asc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { members, passwordResets, sessions, users, workspaces } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx, type Deps } from '../../platform/context.ts';
import { DUMMY_PASSWORD_HASH, hashPassword, hashToken, randomToken, verifyPassword } from '../../platform/crypto.ts';
import { AppError } from '../../platform/errors.ts';
import { isRole } from '../../platform/policy.ts';
import { newTotpSecret, otpauthUrl, verifyTotp } from '../../platform/totp.ts';
import { publicUrl } from '../../config/config.ts';
import { sendMailJob } from './workspaces.jobs.ts';
import { presentUser, presentWorkspace } from './workspaces.schema.ts';

/** Use cases of a person's own account: owner set-up, sign-in, password, reset, two-factor, profile. */

const RESET_TTL_MS = 60 * 60_000;
const OWNER_SETUP_LOCK = 0x6f776e72; // "ownr": two first visitors racing must not both become owner

/** Whether this installation still needs its first (owner) account. */
export async function setupState(deps: Deps): Promise<{ needsOwner: boolean }> {
  const [row] = await deps.db.select({ n: sql<number>`count(*)::int` }).from(users);
  return { needsOwner: (row?.n ?? 0) === 0 };
}

/** Creates the first account of the installation; refused once any account exists. */
export async function signupOwner(ctx: Ctx, input: { name: string; email: string; password: string; locale?: 'fr' | 'en' | undefined }) {
  const passwordHash = await hashPassword(input.password);
  return ctx.deps.db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${OWNER_SETUP_LOCK})`);
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(users);
    if ((count?.n ?? 0) > 0) throw new AppError('setup_done');
    const [user] = await tx.insert(users).values({
      email: input.email, name: input.name, passwordHash, locale: input.locale ?? null, createdAt: ctx.clock(), updatedAt: ctx.clock(),
    }).returning();
    const c = inTx({ ...ctx, actor: { type: 'user', userId: user!.id, name: user!.name, email: user!.email } }, tx);
    await audit(c, { action: 'user.signup', targetType: 'user', targetId: user!.id, after: presentUser(user!), workspaceId: null });
    return user!;
  });
}

/**
 * Checks email + password (+ TOTP when enabled). The same generic error whether the email exists or
 * not, and the same work (a password hash check) either way, so neither message nor timing enumerates users.
 */
export async function signIn(deps: Deps, input: { email: string; password: string; totp?: string | undefined }) {
  const [user] = await deps.db.select().from(users).where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !ok) throw new AppError('invalid_credentials');
  if (user.totpEnabled && user.totpSecret) {
    if (!input.totp) throw new AppError('totp_required', undefined, 'totp');
    const secret = deps.box.decrypt(user.totpSecret, `totp:${user.id}`);
    const step = verifyTotp(secret, input.totp, deps.clock(), user.totpLastStep);
    if (step === null) throw new AppError('totp_invalid', undefined, 'totp');
    await deps.db.update(users).set({ totpLastStep: step }).where(eq(users.id, user.id));
  }
  return user;
}

/** The signed-in person and the workspaces they belong to, with their role in each. */
export async function me(ctx: Ctx) {
  const userId = requireUserId(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError('unauthenticated');
  const rows = await ctx.db.select({ ws: workspaces, role: members.role }).from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(eq(members.userId, userId)).orderBy(asc(workspaces.name));
  return {
    user: presentUser(user),
    memberships: rows.filter((r) => isRole(r.role)).map((r) => ({ workspace: presentWorkspace(r.ws), role: r.role as never })),
  };
}

/** Updates the person's name and interface language (null = follow the browser). */
export async function updateProfile(ctx: Ctx, input: { name?: string | undefined; locale?: 'fr' | 'en' | null | undefined }) {
  const userId = requireUserId(ctx);
  return ctx.deps.db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!before) throw new AppError('unauthenticated');
    const patch: Partial<typeof users.$inferInsert> = { updatedAt: ctx.clock() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.locale !== undefined) patch.locale = input.locale;
    const [after] = await tx.update(users).set(patch).where(eq(users.id, userId)).returning();
    await audit(inTx(ctx, tx), { action: 'user.update', targetType: 'user', targetId: userId, before: presentUser(before), after: presentUser(after!), workspaceId: null });
    return after!;
  });
}

/** Changes the password after checking the current one; signs out every other session. */
export async function changePassword(ctx: Ctx, input: { currentPassword: string; newPassword: string }, keepSessionId: string | null) {
  const userId = requireUserId(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('invalid_credentials', 'The current password is incorrect.', 'currentPassword');
  }
  const passwordHash = await hashPassword(input.newPassword);
  await ctx.deps.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: ctx.clock() }).where(eq(users.id, userId));
    await tx.delete(sessions).where(keepSessionId
      ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId))
      : eq(sessions.userId, userId));
    await audit(inTx(ctx, tx), { action: 'user.password_change', targetType: 'user', targetId: userId, workspaceId: null });
  });
}

/**
 * Starts a password reset: when the account exists, mails a one-hour single-use link (or writes it to
 * the log when SMTP is not configured). Says nothing about whether the account exists.
 */
export async function requestPasswordReset(deps: Deps, email: string): Promise<void> {
  const [user] = await deps.db.select().from(users).where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  if (!user) return;
  const token = randomToken();
  const now = deps.clock();
  await deps.db.insert(passwordResets).values({ userId: user.id, tokenHash: hashToken(token), createdAt: now, expiresAt: new Date(now.getTime() + RESET_TTL_MS) });
  const link = `${publicUrl(deps.config)}/reset/${token}`;
  const fr = user.locale === 'fr';
  const mail = {
    to: user.email,
    subject: fr ? 'Réinitialiser votre mot de passe Passerelle' : 'Reset your Passerelle password',
    text: fr
      ? `Bonjour ${user.name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure, une seule fois) :\n${link}\n\nSi vous n'avez rien demandé, ignorez ce message.`
      : `Hello ${user.name},\n\nTo choose a new password, open this link (valid for one hour, once):\n${link}\n\nIf you did not ask for this, ignore this message.`,
  };
  if (deps.mail.configured) await deps.jobs.send(sendMailJob, mail);
  else deps.log.info({ passwordResetFor: user.email }, `Password reset link (SMTP not configured): ${link}`);
}

/** Sets a new password from a reset link; the link works once, within its hour. Signs out everywhere. */
export async function confirmPasswordReset(deps: Deps, token: string, password: string, ip: string | null): Promise<void> {
  const passwordHash = await hashPassword(password);
  await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const [reset] = await tx.update(passwordResets).set({ usedAt: now })
      .where(and(eq(passwordResets.tokenHash, hashToken(token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
      .returning();
    if (!reset) throw new AppError('reset_token_invalid', undefined, 'token');
    const [user] = await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, reset.userId)).returning();
    await tx.delete(sessions).where(eq(sessions.userId, reset.userId));
    const ctx: Ctx = { deps, db: tx, actor: { type: 'user', userId: user!.id, name: user!.name, email: user!.email }, workspace: null, clock: deps.clock, log: deps.log, ip };
    await audit(ctx, { action: 'user.password_reset', targetType: 'user', targetId: user!.id, workspaceId: null });
  });
}

/** Begins two-factor set-up: a new secret, stored sealed but not trusted until confirmed with a code. */
export async function totpSetup(ctx: Ctx): Promise<{ secret: string; otpauthUrl: string }> {
  const userId = requireUserId(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user) throw new AppError('unauthenticated');
  if (user.totpEnabled) throw new AppError('conflict', 'Two-factor authentication is already on; turn it off first.');
  const secret = newTotpSecret();
  await ctx.db.update(users).set({ totpSecret: ctx.deps.box.encrypt(secret, `totp:${userId}`) }).where(eq(users.id, userId));
  return { secret, otpauthUrl: otpauthUrl(secret, user.email) };
}

/** Turns two-factor on once the person proves their app produces valid codes. */
export async function totpEnable(ctx: Ctx, code: string): Promise<void> {
  const userId = requireUserId(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user?.totpSecret) throw new AppError('validation_failed', 'Start the two-factor set-up first.', 'code');
  const step = verifyTotp(ctx.deps.box.decrypt(user.totpSecret, `totp:${userId}`), code, ctx.clock(), null);
  if (step === null) throw new AppError('totp_invalid', undefined, 'code');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: true, totpLastStep: step, updatedAt: ctx.clock() }).where(eq(users.id, userId));
    await audit(inTx(ctx, tx), { action: 'user.totp_enable', targetType: 'user', targetId: userId, workspaceId: null });
  });
}

/** Turns two-factor off after checking the password. */
export async function totpDisable(ctx: Ctx, password: string): Promise<void> {
  const userId = requireUserId(ctx);
  const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
  if (!user || !(await verifyPassword(password, user.passwordHash))) throw new AppError('invalid_credentials', 'The password is incorrect.', 'password');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.update(users).set({ totpEnabled: false, totpSecret: null, totpLastStep: null, updatedAt: ctx.clock() }).where(eq(users.id, userId));
    await audit(inTx(ctx, tx), { action: 'user.totp_disable', targetType: 'user', targetId: userId, workspaceId: null });
  });
}

function requireUserId(ctx: Ctx): string {
  const id = actorUserId(ctx.actor);
  if (!id || ctx.actor.type !== 'user') throw new AppError('unauthenticated');
  return id;
}
