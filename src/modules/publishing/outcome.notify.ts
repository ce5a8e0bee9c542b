import { inArray, sql } from 'drizzle-orm';
import { publicUrl } from '../../config/config.ts';
import { users } from '../../db/schema/index.ts';
import type { Deps } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { isRole, can } from '../../platform/policy.ts';
import { members } from '../../db/schema/index.ts';
import { eq } from 'drizzle-orm';
import { notify } from '../workspaces/index.ts';
import { sendMailJob } from '../workspaces/workspaces.jobs.ts';

/** In-app notification plus email, for the people a publishing event concerns. */

export type Recipients = { userIds: (string | null)[]; admins?: boolean };

/** Notifies the given users (and the workspace's admins when asked) in the app and by email. */
export async function notifyPeople(deps: Deps, db: DbOrTx, workspaceId: string, to: Recipients, n: { kind: string; title: string; body: string; link: string }): Promise<void> {
  const ids = new Set(to.userIds.filter((x): x is string => typeof x === 'string'));
  if (to.admins) {
    const rows = await db.select({ userId: members.userId, role: members.role }).from(members).where(eq(members.workspaceId, workspaceId));
    for (const r of rows) if (isRole(r.role) && can(r.role, 'member.manage')) ids.add(r.userId);
  }
  if (ids.size === 0) return;
  await notify(deps, db, workspaceId, [...ids], n);
  const people = await db.select({ email: users.email }).from(users).where(inArray(users.id, [...ids]));
  const link = `${publicUrl(deps.config)}${n.link}`;
  for (const p of people) {
    try {
      await deps.jobs.send(sendMailJob, { to: p.email, subject: `[Passerelle] ${n.title}`, text: `${n.body}\n\n${link}\n` });
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'could not queue a publishing email');
    }
  }
}

/** Wakes every scheduler now (something became due sooner than it planned for). */
export async function wakeScheduler(db: DbOrTx): Promise<void> {
  await db.execute(sql`SELECT pg_notify('passerelle_scheduler', '')`);
}
