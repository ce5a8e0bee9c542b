import type { FakeMastodon } from '../../../src/connectors/mastodon/fake-mastodon.ts';
import { ROLES, type Role } from '../../../src/platform/policy.ts';
import type { Client, TestApp } from '../app.ts';

/**
 * A module's role table: for each of its workspace routes, the roles allowed (written out by hand: the
 * specification the services must meet, never derived from PERMISSIONS), the status an allowed call
 * answers, and how to build one call with fresh fixtures. The module's `*.roles.test.ts` runs it with
 * sessions; test/integration/role-matrix.test.ts runs it again with API tokens and creator-bounded tokens.
 */

/** Who calls: the user the call acts as (a token's creator) and the role it is bounded by. */
export type Caller = { userId: string; role: Role };

/** One call: the URL (with real ids), an optional JSON body. */
export type Sample = { url: string; body?: unknown };

export type RouteSpec = {
  /** Roles that may call the route; every other role gets 403 `forbidden`. */
  allowed: readonly Role[];
  /** The status an allowed role gets. */
  ok: number;
  /** Builds one call in the state the route needs (fresh data each time, so calls never interfere). */
  sample: (who: Caller) => Promise<Sample>;
};

/** Route key (`METHOD /api/workspaces/:wid/…`, as registered) → spec. */
export type RoleTable = Record<string, RouteSpec>;

/** What a table's sample builders may use: the app, a workspace with one signed-in member per role, a fake Mastodon instance. */
export type RoleEnv = {
  t: TestApp;
  ws: { id: string };
  people: Record<Role, { user: { id: string }; client: Client }>;
  fake: FakeMastodon;
};

/** The expected status per role, in ROLES order (403 for refused roles). */
export function expectedRow(spec: RouteSpec): number[] {
  return ROLES.map((r) => (spec.allowed.includes(r) ? spec.ok : 403));
}

// Role groups, spelled out once for the tables (the definitions, not a copy of policy.ts).
export const EVERYONE: readonly Role[] = ROLES;
export const MANAGERS: readonly Role[] = ['owner', 'admin'];
/** Write content: contributors write drafts. */
export const WRITERS: readonly Role[] = ['owner', 'admin', 'editor', 'contributor'];
/** Schedule and publish. */
export const PUBLISHERS: readonly Role[] = ['owner', 'admin', 'editor'];
/** Approve posts: clients approve. */
export const APPROVERS: readonly Role[] = ['owner', 'admin', 'editor', 'client'];
/** Read the inbox: analysts read, contributors and clients do not see it. */
export const INBOX_READERS: readonly Role[] = ['owner', 'admin', 'editor', 'moderator', 'analyst'];
/** Work the inbox (reply, tag, assign, contacts). */
export const INBOX_AGENTS: readonly Role[] = ['owner', 'admin', 'editor', 'moderator'];
/** Moderate (rules, hide/delete, block lists). */
export const MODERATORS: readonly Role[] = ['owner', 'admin', 'moderator'];

/**
 * Calls every role's session on `spec` (fresh sample per call) and checks allowed roles get `spec.ok`
 * and the others 403 `forbidden`. Returns the failures, so one test reports them all.
 */
export async function checkSessions(env: RoleEnv, route: string, spec: RouteSpec): Promise<string[]> {
  const failures: string[] = [];
  const method = route.split(' ')[0]!;
  for (const role of ROLES) {
    const s = await spec.sample({ userId: env.people[role].user.id, role });
    const res = await env.people[role].client.request(method, s.url, s.body);
    const expected = spec.allowed.includes(role) ? spec.ok : 403;
    if (res.statusCode !== expected || (expected === 403 && res.data?.error?.code !== 'forbidden')) {
      failures.push(`${role} ${route}: expected ${expected}, got ${res.statusCode} ${res.body.slice(0, 300)}`);
    }
  }
  return failures;
}
