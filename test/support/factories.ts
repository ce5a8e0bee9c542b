import { randomBytes } from 'node:crypto';
import { apiTokens, members, sessions, users, workspaces } from '../../src/db/schema/index.ts';
import { TOKEN_PREFIX } from '../../src/platform/auth.ts';
import type { Deps } from '../../src/platform/context.ts';
import { hashPassword, hashToken, randomToken } from '../../src/platform/crypto.ts';
import type { Role } from '../../src/platform/policy.ts';
import { Client, type TestApp } from './app.ts';

/** Test data builders: rows straight into the real database, with sensible defaults. */

let seq = 0;
const unique = () => `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;
export const PASSWORD = 'correct horse battery';
let cachedHash: string | null = null;

export async function makeUser(deps: Deps, over: Partial<typeof users.$inferInsert> = {}) {
  cachedHash ??= await hashPassword(PASSWORD);
  const [u] = await deps.db.insert(users).values({ email: `user-${unique()}@example.com`, name: `User ${seq}`, passwordHash: cachedHash, ...over }).returning();
  return u!;
}

export async function makeWorkspace(deps: Deps, over: Partial<typeof workspaces.$inferInsert> = {}) {
  const [w] = await deps.db.insert(workspaces).values({ name: `Brand ${unique()}`, timezone: 'Europe/Paris', language: 'fr', ...over }).returning();
  return w!;
}

export async function addMember(deps: Deps, workspaceId: string, userId: string, role: Role) {
  await deps.db.insert(members).values({ workspaceId, userId, role });
}

/** A client signed in as `userId` (a session row and its cookie, without going through sign-in). */
export async function signedIn(t: TestApp, userId: string): Promise<Client> {
  const token = randomToken();
  await t.deps.db.insert(sessions).values({ userId, tokenHash: hashToken(token), expiresAt: new Date(t.clock.now.getTime() + 86_400_000) });
  const c = new Client(t.app);
  c.cookie = `psl_session=${token}`;
  return c;
}

/** A client authenticated with a new API token of `role` in `workspaceId`, created by `userId`. */
export async function withToken(t: TestApp, workspaceId: string, userId: string, role: Role): Promise<Client> {
  const secret = `${TOKEN_PREFIX}${randomToken()}`;
  await t.deps.db.insert(apiTokens).values({ workspaceId, userId, name: 'test', role, tokenHash: hashToken(secret) });
  const c = new Client(t.app);
  c.bearer = secret;
  return c;
}

/** A workspace with one member per role; returns signed-in clients keyed by role. */
export async function workspaceWithEveryRole(t: TestApp) {
  const ws = await makeWorkspace(t.deps);
  const roles: Role[] = ['owner', 'admin', 'editor', 'contributor', 'moderator', 'analyst', 'client'];
  const people = {} as Record<Role, { user: Awaited<ReturnType<typeof makeUser>>; client: Client }>;
  for (const role of roles) {
    const user = await makeUser(t.deps, { name: `${role} person` });
    await addMember(t.deps, ws.id, user.id, role);
    people[role] = { user, client: await signedIn(t, user.id) };
  }
  return { ws, people };
}
