import type { Config } from '../config/config.ts';
import type { SecretBox } from './crypto.ts';
import type { Db, DbOrTx } from './db.ts';
import type { Jobs } from './jobs.ts';
import type { Logger } from './logger.ts';
import type { Mailer } from './mail.ts';
import type { Role } from './policy.ts';
import type { Realtime } from './realtime.ts';

/** Who is acting: a signed-in person, an API token (acting for its creator), or Passerelle itself. */
export type Actor =
  | { type: 'user'; userId: string; name: string; email: string }
  | { type: 'token'; tokenId: string; userId: string; name: string; tokenRole: Role }
  | { type: 'system'; name: string };

/** The workspace a request works in, with the role(s) that bound what the actor may do there. */
export type WorkspaceScope = { id: string; name: string; timezone: string; language: string; roles: Role[] };

/** Long-lived services shared by every request and job. */
export type Deps = {
  config: Config;
  db: Db;
  box: SecretBox;
  mail: Mailer;
  jobs: Jobs;
  realtime: Realtime;
  log: Logger;
  clock: () => Date;
};

/** What every service receives: identity, scope, time and logging are injected so tests need no global mocks. */
export type Ctx = {
  deps: Deps;
  db: DbOrTx;
  actor: Actor;
  workspace: WorkspaceScope | null;
  clock: () => Date;
  log: Logger;
  ip: string | null;
};

/** The acting user's id, or null for the system. */
export function actorUserId(actor: Actor): string | null {
  return actor.type === 'system' ? null : actor.userId;
}

/** A context for background work done by Passerelle itself. */
export function systemCtx(deps: Deps, workspace: WorkspaceScope | null = null, name = 'Passerelle'): Ctx {
  return { deps, db: deps.db, actor: { type: 'system', name }, workspace, clock: deps.clock, log: deps.log, ip: null };
}

/** The same context inside a transaction. */
export function inTx(ctx: Ctx, tx: DbOrTx): Ctx {
  return { ...ctx, db: tx };
}

/**
 * The same context with every write inside `tx`, including the transactions services open on
 * `ctx.deps.db` (they become savepoints of `tx`): for work that must be all or nothing across several
 * services' calls (e.g. a CSV import's posts and media).
 */
export function allInTx(ctx: Ctx, tx: DbOrTx): Ctx {
  return { ...ctx, db: tx, deps: { ...ctx.deps, db: tx as Deps['db'] } };
}
