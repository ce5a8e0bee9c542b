import { eq } from 'drizzle-orm';
import { charters } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { actorUserId, inTx, type Ctx } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { charterRules, type CharterRules } from './charter.rules.ts';

/** The editorial charter of a workspace: read by everyone who writes, changed by those who manage it. */

export type Charter = { toneNotes: string; rules: CharterRules; updatedAt: string | null };

/** The workspace's charter (an empty one when none was written yet). */
export async function loadCharter(db: DbOrTx, workspaceId: string): Promise<Charter> {
  const [row] = await db.select().from(charters).where(eq(charters.workspaceId, workspaceId));
  if (!row) return { toneNotes: '', rules: {}, updatedAt: null };
  const parsed = charterRules.safeParse(row.rules);
  return { toneNotes: row.toneNotes, rules: parsed.success ? parsed.data : {}, updatedAt: row.updatedAt.toISOString() };
}

export async function getCharter(ctx: Ctx): Promise<Charter> {
  const ws = scope(ctx);
  authorize(ws.roles, 'post.read');
  return loadCharter(ctx.db, ws.id);
}

/** Replaces the charter (tone notes and every rule) and records the change. */
export async function updateCharter(ctx: Ctx, input: { toneNotes: string; rules: CharterRules }): Promise<Charter> {
  const ws = scope(ctx);
  authorize(ws.roles, 'charter.manage');
  return ctx.deps.db.transaction(async (tx) => {
    const before = await loadCharter(tx, ws.id);
    const now = ctx.clock();
    const values = { toneNotes: input.toneNotes, rules: input.rules, updatedBy: actorUserId(ctx.actor), updatedAt: now };
    await tx.insert(charters).values({ workspaceId: ws.id, ...values }).onConflictDoUpdate({ target: charters.workspaceId, set: values });
    await audit(inTx(ctx, tx), { action: 'charter.update', targetType: 'charter', targetId: ws.id, before: { toneNotes: before.toneNotes, rules: before.rules }, after: input });
    await ctx.deps.realtime.publish(tx, { workspaceId: ws.id, type: 'charter.changed', payload: {} });
    return { toneNotes: input.toneNotes, rules: input.rules, updatedAt: now.toISOString() };
  });
}
