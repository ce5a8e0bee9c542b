import { and, eq, gt, isNull, or } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiTokens, members, sessions, users, workspaces } from '../db/schema/index.ts';
import type { Actor, Ctx, Deps, WorkspaceScope } from './context.ts';
import { hashToken, randomToken } from './crypto.ts';
import { AppError } from './errors.ts';
import { isRole } from './policy.ts';

/**
 * Authentication: a browser session cookie or a workspace-scoped API token (`Authorization: Bearer psl_…`).
 * Both resolve to an {@link Actor}; workspace routes also resolve the caller's membership and answer
 * 404 (never 403) to non-members, so ids of other workspaces reveal nothing.
 */
export const SESSION_COOKIE = 'psl_session';
export const SESSION_DAYS = 30;
export const TOKEN_PREFIX = 'psl_';

export type AuthState = { actor: Actor | null; sessionId: string | null };

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthState;
    workspaceScope: WorkspaceScope | null;
  }
  interface FastifyContextConfig {
    /** public: anyone; user: a signed-in person (session); workspace: a member of `:wid` (session or token). */
    auth?: 'public' | 'user' | 'workspace';
  }
}

/** Creates a session row and sets its cookie. */
export async function startSession(deps: Deps, req: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
  const token = randomToken();
  const now = deps.clock();
  await deps.db.insert(sessions).values({
    userId, tokenHash: hashToken(token), createdAt: now, lastSeenAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * 86_400_000),
    ip: req.ip, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null,
  });
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(deps, req), maxAge: SESSION_DAYS * 86_400,
  });
}

/** Ends the current session (row and cookie). */
export async function endSession(deps: Deps, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = req.cookies[SESSION_COOKIE];
  if (token) await deps.db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

function isHttps(deps: Deps, req: FastifyRequest): boolean {
  return req.protocol === 'https' || (deps.config.publicUrl?.startsWith('https://') ?? false);
}

/** Resolves who is calling; never throws for a missing or bad credential (routes decide). */
export async function authenticate(deps: Deps, req: FastifyRequest): Promise<AuthState> {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    const raw = header.slice(7).trim();
    if (!raw.startsWith(TOKEN_PREFIX)) return { actor: null, sessionId: null };
    const now = deps.clock();
    const [row] = await deps.db
      .select({ token: apiTokens, user: { id: users.id, name: users.name } })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(and(
        eq(apiTokens.tokenHash, hashToken(raw)), isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
      ));
    if (!row || !isRole(row.token.role)) return { actor: null, sessionId: null };
    // Cheap and good enough for "last used": at most one write per minute per token.
    if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
      await deps.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
    }
    req.tokenWorkspaceId = row.token.workspaceId;
    return {
      actor: { type: 'token', tokenId: row.token.id, userId: row.user.id, name: `${row.user.name} (token “${row.token.name}”)`, tokenRole: row.token.role },
      sessionId: null,
    };
  }
  const cookie = req.cookies[SESSION_COOKIE];
  if (!cookie) return { actor: null, sessionId: null };
  const now = deps.clock();
  const [row] = await deps.db
    .select({ session: sessions, user: { id: users.id, name: users.name, email: users.email } })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, hashToken(cookie)), gt(sessions.expiresAt, now)));
  if (!row) return { actor: null, sessionId: null };
  if (now.getTime() - row.session.lastSeenAt.getTime() > 5 * 60_000) {
    await deps.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
  }
  return { actor: { type: 'user', userId: row.user.id, name: row.user.name, email: row.user.email }, sessionId: row.session.id };
}

declare module 'fastify' {
  interface FastifyRequest {
    tokenWorkspaceId?: string;
  }
}

/**
 * The caller's scope in workspace `wid`, or `not_found` when they are not a member (or their token
 * belongs to another workspace). A token acts with both its own role and its creator's current role.
 */
export async function resolveWorkspace(deps: Deps, req: FastifyRequest, wid: string): Promise<WorkspaceScope> {
  const actor = req.auth.actor;
  if (!actor || actor.type === 'system') throw new AppError('unauthenticated');
  if (!/^[0-9a-f-]{36}$/i.test(wid)) throw new AppError('not_found', 'Workspace not found.');
  if (actor.type === 'token' && req.tokenWorkspaceId !== wid) throw new AppError('not_found', 'Workspace not found.');
  const member = await memberScope(deps, actor.userId, wid);
  if (!member) throw new AppError('not_found', 'Workspace not found.');
  if (actor.type === 'token') member.roles = [actor.tokenRole, ...member.roles];
  return member;
}

/** The scope of a member in a workspace (their current role), or null when they are not a member. */
export async function memberScope(deps: Deps, userId: string, workspaceId: string): Promise<WorkspaceScope | null> {
  const [row] = await deps.db
    .select({ ws: workspaces, role: members.role })
    .from(members)
    .innerJoin(workspaces, eq(workspaces.id, members.workspaceId))
    .where(and(eq(members.workspaceId, workspaceId), eq(members.userId, userId)));
  if (!row || !isRole(row.role)) return null;
  return { id: row.ws.id, name: row.ws.name, timezone: row.ws.timezone, language: row.ws.language, roles: [row.role] };
}

/** The service context for a request. */
export function requestCtx(deps: Deps, req: FastifyRequest): Ctx {
  const actor = req.auth.actor;
  if (!actor) throw new AppError('unauthenticated');
  return { deps, db: deps.db, actor, workspace: req.workspaceScope, clock: deps.clock, log: req.log as unknown as Ctx['log'], ip: req.ip };
}
