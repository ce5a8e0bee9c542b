import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import { businessHours, conversations, holidays, slaPolicies, workspaces } from '../../db/schema/index.ts';
import { audit } from '../../platform/audit.ts';
import { inTx, type Ctx, type Deps } from '../../platform/context.ts';
import type { DbOrTx } from '../../platform/db.ts';
import { notFound } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { notify } from '../workspaces/index.ts';
import { scope } from '../workspaces/workspace.service.ts';
import { addBusinessSeconds, businessSecondsBetween, DEFAULT_WEEK, type BusinessCalendar, type Week } from './sla.time.ts';

/**
 * Response times: SLA policies (first response and resolution targets in business minutes, per channel
 * or priority), business hours and holidays, timers on conversations, and the breach check.
 */

type Policy = typeof slaPolicies.$inferSelect;
type ConvSla = Pick<typeof conversations.$inferSelect,
  'id' | 'channelId' | 'priority' | 'status' | 'firstInboundAt' | 'firstResponseAt' | 'resolvedAt' | 'slaState' | 'slaDueAt'>;

/** The workspace's calendar: its time zone, weekly hours (default Mon–Fri 9–18) and holidays. */
export async function loadCalendar(db: DbOrTx, workspaceId: string): Promise<BusinessCalendar> {
  const [ws] = await db.select({ tz: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const [hours] = await db.select().from(businessHours).where(eq(businessHours.workspaceId, workspaceId));
  const days = await db.select({ day: holidays.day }).from(holidays).where(eq(holidays.workspaceId, workspaceId));
  return { timezone: ws?.tz ?? 'UTC', week: (hours?.week as Week | undefined) ?? DEFAULT_WEEK, holidays: new Set(days.map((d) => d.day)) };
}

/** The policy for a conversation: the most specific match (channel and priority), then the lowest position. */
export function pickPolicy(policies: Policy[], conv: Pick<ConvSla, 'channelId' | 'priority'>): Policy | null {
  let best: Policy | null = null;
  let bestScore = -1;
  for (const p of policies) {
    if (!p.enabled) continue;
    if (p.channelIds.length > 0 && !p.channelIds.includes(conv.channelId)) continue;
    if (p.priorities.length > 0 && !p.priorities.includes(conv.priority)) continue;
    const score = (p.channelIds.length > 0 ? 2 : 0) + (p.priorities.length > 0 ? 1 : 0);
    if (score > bestScore || (score === bestScore && best && p.position < best.position)) {
      best = p;
      bestScore = score;
    }
  }
  return best;
}

export type SlaView = { policyId: string | null; target: 'first_response' | 'resolution' | null; dueAt: Date | null; state: 'none' | 'ok' | 'at_risk' | 'breached' | 'met' };

/** Where a conversation stands against its policy at `now` (pure). */
export function slaStatus(conv: ConvSla, policy: Policy | null, cal: BusinessCalendar, now: Date): SlaView {
  if (!policy || !conv.firstInboundAt) return { policyId: null, target: null, dueAt: null, state: 'none' };
  const start = conv.firstInboundAt;
  const firstDue = addBusinessSeconds(cal, start, policy.firstResponseMinutes * 60);
  const judge = (due: Date, minutes: number, doneAt: Date | null, target: SlaView['target']): SlaView => {
    if (doneAt) return { policyId: policy.id, target, dueAt: due, state: doneAt <= due ? 'met' : 'breached' };
    if (now > due) return { policyId: policy.id, target, dueAt: due, state: 'breached' };
    const elapsed = businessSecondsBetween(cal, start, now);
    return { policyId: policy.id, target, dueAt: due, state: elapsed >= minutes * 60 * policy.atRiskRatio ? 'at_risk' : 'ok' };
  };
  if (!conv.firstResponseAt && conv.status !== 'closed') return judge(firstDue, policy.firstResponseMinutes, null, 'first_response');
  const first = judge(firstDue, policy.firstResponseMinutes, conv.firstResponseAt ?? conv.resolvedAt, 'first_response');
  if (first.state === 'breached' || !policy.resolutionMinutes) return first;
  const resolutionDue = addBusinessSeconds(cal, start, policy.resolutionMinutes * 60);
  return judge(resolutionDue, policy.resolutionMinutes, conv.status === 'closed' ? (conv.resolvedAt ?? now) : null, 'resolution');
}

/**
 * Recomputes the SLA timer of conversations (after ingest, a reply, a priority change, closing). Cheap
 * when the workspace has no policy. Returns the ids that became breached.
 */
export async function applySlaToConversations(deps: Deps, db: DbOrTx, workspaceId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const policies = await db.select().from(slaPolicies).where(and(eq(slaPolicies.workspaceId, workspaceId), eq(slaPolicies.enabled, true)));
  if (policies.length === 0) return [];
  const cal = await loadCalendar(db, workspaceId);
  const now = deps.clock();
  const rows = await db.select({
    id: conversations.id, channelId: conversations.channelId, priority: conversations.priority, status: conversations.status,
    firstInboundAt: conversations.firstInboundAt, firstResponseAt: conversations.firstResponseAt, resolvedAt: conversations.resolvedAt,
    slaState: conversations.slaState, slaDueAt: conversations.slaDueAt,
  }).from(conversations).where(and(eq(conversations.workspaceId, workspaceId), inArray(conversations.id, ids)));
  const breached: string[] = [];
  const changed: { id: string; policyId: string | null; target: string | null; dueAt: string | null; state: string; breached: boolean }[] = [];
  for (const conv of rows) {
    const view = slaStatus(conv, pickPolicy(policies, conv), cal, now);
    if (view.state === conv.slaState && view.dueAt?.getTime() === conv.slaDueAt?.getTime()) continue;
    const becameBreached = view.state === 'breached' && conv.slaState !== 'breached';
    if (becameBreached) breached.push(conv.id);
    changed.push({ id: conv.id, policyId: view.policyId, target: view.target, dueAt: view.dueAt?.toISOString() ?? null, state: view.state, breached: becameBreached });
  }
  if (changed.length > 0) {
    // One statement for the page (an ingest page or the tick's batch), not one round trip per conversation.
    const col = <T>(f: (c: (typeof changed)[number]) => T) => sql.param(changed.map(f));
    await db.execute(sql`
      UPDATE conversations c SET sla_policy_id = t.policy, sla_target = t.target, sla_due_at = t.due, sla_state = t.state,
        sla_breached_at = CASE WHEN t.breached THEN ${now} ELSE c.sla_breached_at END
      FROM unnest(${col((c) => c.id)}::uuid[], ${col((c) => c.policyId)}::uuid[], ${col((c) => c.target)}::text[], ${col((c) => c.dueAt)}::timestamptz[],
        ${col((c) => c.state)}::text[], ${col((c) => c.breached)}::bool[]) AS t(id, policy, target, due, state, breached)
      WHERE c.id = t.id AND c.workspace_id = ${workspaceId}`);
  }
  return breached;
}

/**
 * The minute tick: conversations whose target falls due (or enters the at-risk window) get their state
 * recomputed; a new breach notifies the assignee (or the inbox managers) and tells open pages.
 */
export async function checkSlaBreaches(deps: Deps): Promise<number> {
  const now = deps.clock();
  const horizon = new Date(now.getTime() + 7 * 86_400_000);
  const due = await deps.db.select({ id: conversations.id, workspaceId: conversations.workspaceId, assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(and(sql`${conversations.slaState} IN ('ok', 'at_risk')`, lte(conversations.slaDueAt, horizon)))
    .limit(5000);
  let count = 0;
  const byWs = new Map<string, typeof due>();
  for (const d of due) byWs.set(d.workspaceId, [...(byWs.get(d.workspaceId) ?? []), d]);
  for (const [workspaceId, list] of byWs) {
    await deps.db.transaction(async (tx) => {
      const breached = await applySlaToConversations(deps, tx, workspaceId, list.map((d) => d.id));
      for (const id of breached) {
        const conv = list.find((d) => d.id === id)!;
        count += 1;
        await notify(deps, tx, workspaceId, conv.assigneeId ? [conv.assigneeId] : { permission: 'inbox.manage' }, {
          kind: 'inbox.sla_breached', title: 'Response time target missed', body: 'A conversation is past its SLA target.',
          link: `/w/${workspaceId}/inbox/${id}`,
        });
        await deps.realtime.publish(tx, { workspaceId, type: 'inbox.conversation.updated', permission: 'inbox.read', payload: { ids: [id], change: 'sla_breached' } });
      }
    });
  }
  return count;
}

/** Business seconds between two instants in a workspace's calendar (first response and resolution times). */
export async function businessDuration(db: DbOrTx, workspaceId: string, from: Date, to: Date): Promise<number> {
  return businessSecondsBetween(await loadCalendar(db, workspaceId), from, to);
}

// --- policies, hours, holidays (CRUD) -------------------------------------------------------------

export type PolicyIn = {
  name: string; channelIds?: string[] | undefined; priorities?: string[] | undefined; firstResponseMinutes: number;
  resolutionMinutes?: number | null | undefined; atRiskRatio?: number | undefined; position?: number | undefined; enabled?: boolean | undefined;
};

export function presentPolicy(p: Policy) {
  return {
    id: p.id, name: p.name, channelIds: p.channelIds, priorities: p.priorities, firstResponseMinutes: p.firstResponseMinutes,
    resolutionMinutes: p.resolutionMinutes, atRiskRatio: p.atRiskRatio, position: p.position, enabled: p.enabled,
  };
}

export async function listPolicies(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const rows = await ctx.db.select().from(slaPolicies).where(eq(slaPolicies.workspaceId, ws.id)).orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt));
  return rows.map(presentPolicy);
}

async function recomputeOpen(ctx: Ctx, tx: DbOrTx) {
  const ws = scope(ctx);
  const open = await tx.select({ id: conversations.id }).from(conversations)
    .where(and(eq(conversations.workspaceId, ws.id), sql`${conversations.status} <> 'closed'`)).limit(10_000);
  // Reset then recompute so a removed policy leaves no stale timer.
  await tx.update(conversations).set({ slaState: 'none', slaDueAt: null, slaPolicyId: null, slaTarget: null })
    .where(and(eq(conversations.workspaceId, ws.id), sql`${conversations.status} <> 'closed'`));
  await applySlaToConversations(ctx.deps, tx, ws.id, open.map((o) => o.id));
}

export async function savePolicy(ctx: Ctx, id: string | null, input: PolicyIn) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  const now = ctx.clock();
  return ctx.deps.db.transaction(async (tx) => {
    const values = {
      name: input.name, channelIds: input.channelIds ?? [], priorities: input.priorities ?? [], firstResponseMinutes: input.firstResponseMinutes,
      resolutionMinutes: input.resolutionMinutes ?? null, atRiskRatio: input.atRiskRatio ?? 0.8, position: input.position ?? 0, enabled: input.enabled ?? true, updatedAt: now,
    };
    let row: Policy | undefined;
    if (id) {
      [row] = await tx.update(slaPolicies).set(values).where(and(eq(slaPolicies.id, id), eq(slaPolicies.workspaceId, ws.id))).returning();
      if (!row) throw notFound('SLA policy not found.');
    } else {
      [row] = await tx.insert(slaPolicies).values({ ...values, workspaceId: ws.id, createdAt: now }).returning();
    }
    await audit(inTx(ctx, tx), { action: id ? 'sla_policy.update' : 'sla_policy.create', targetType: 'sla_policy', targetId: row!.id, after: presentPolicy(row!) });
    await recomputeOpen(ctx, tx);
    return presentPolicy(row!);
  });
}

export async function deletePolicy(ctx: Ctx, id: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const [row] = await tx.delete(slaPolicies).where(and(eq(slaPolicies.id, id), eq(slaPolicies.workspaceId, ws.id))).returning();
    if (!row) throw notFound('SLA policy not found.');
    await audit(inTx(ctx, tx), { action: 'sla_policy.delete', targetType: 'sla_policy', targetId: id, before: presentPolicy(row) });
    await recomputeOpen(ctx, tx);
  });
}

export async function getCalendar(ctx: Ctx) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.read');
  const cal = await loadCalendar(ctx.db, ws.id);
  const list = await ctx.db.select().from(holidays).where(eq(holidays.workspaceId, ws.id)).orderBy(asc(holidays.day));
  return { timezone: cal.timezone, week: cal.week, holidays: list.map((h) => ({ day: h.day, name: h.name })) };
}

export async function setBusinessHours(ctx: Ctx, week: Week) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.insert(businessHours).values({ workspaceId: ws.id, week, updatedAt: ctx.clock() })
      .onConflictDoUpdate({ target: businessHours.workspaceId, set: { week, updatedAt: ctx.clock() } });
    await audit(inTx(ctx, tx), { action: 'business_hours.update', targetType: 'workspace', targetId: ws.id, after: week });
    await recomputeOpen(ctx, tx);
  });
  return getCalendar(ctx);
}

export async function addHoliday(ctx: Ctx, input: { day: string; name: string }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  await ctx.deps.db.transaction(async (tx) => {
    await tx.insert(holidays).values({ workspaceId: ws.id, day: input.day, name: input.name })
      .onConflictDoUpdate({ target: [holidays.workspaceId, holidays.day], set: { name: input.name } });
    await audit(inTx(ctx, tx), { action: 'holiday.set', targetType: 'workspace', targetId: ws.id, after: input });
    await recomputeOpen(ctx, tx);
  });
  return getCalendar(ctx);
}

export async function removeHoliday(ctx: Ctx, day: string) {
  const ws = scope(ctx);
  authorize(ws.roles, 'inbox.manage');
  await ctx.deps.db.transaction(async (tx) => {
    const gone = await tx.delete(holidays).where(and(eq(holidays.workspaceId, ws.id), eq(holidays.day, day))).returning();
    if (gone.length === 0) throw notFound('Holiday not found.');
    await audit(inTx(ctx, tx), { action: 'holiday.delete', targetType: 'workspace', targetId: ws.id, before: { day } });
    await recomputeOpen(ctx, tx);
  });
}
