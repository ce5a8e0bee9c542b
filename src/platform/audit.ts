import { auditLog } from '../db/schema/index.ts';
import type { Ctx } from './context.ts';

/** Keys whose values never enter the audit log, at any depth. */
const SECRET_KEYS = /password|secret|token|credential|jwt|totp/i;

/** Copies a value for the audit log with secrets replaced by "[redacted]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[redacted]' : redact(v);
    return out;
  }
  return value;
}

export type AuditEntry = {
  action: string;
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  /** Defaults to the context's workspace; null records a change to a person's own account. */
  workspaceId?: string | null;
};

/**
 * Records a change (who, what, when, before/after) in the same transaction as the change, and tells
 * the workspace's auditors in real time (NOTIFY is delivered on commit, so nothing is announced twice
 * or for a rolled-back change).
 */
export async function audit(ctx: Ctx, entry: AuditEntry): Promise<void> {
  const workspaceId = entry.workspaceId === undefined ? (ctx.workspace?.id ?? null) : entry.workspaceId;
  const actor = ctx.actor;
  const [row] = await ctx.db.insert(auditLog).values({
    workspaceId,
    at: ctx.clock(),
    actorType: actor.type,
    actorId: actor.type === 'system' ? null : actor.userId,
    actorName: actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before === undefined ? null : redact(entry.before),
    after: entry.after === undefined ? null : redact(entry.after),
    ip: ctx.ip,
  }).returning({ id: auditLog.id });
  if (workspaceId && row) {
    await ctx.deps.realtime.publish(ctx.db, {
      workspaceId, type: 'audit.created', payload: { id: row.id, action: entry.action }, permission: 'audit.read',
    });
  }
}
