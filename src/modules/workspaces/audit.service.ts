import { and, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { scope } from './workspace.service.ts';

/** Reading the audit log: filters, keyset pagination, CSV export. */

export type AuditFilter = { q?: string | undefined; action?: string | undefined; from?: string | undefined; to?: string | undefined };

function where(workspaceId: string, f: AuditFilter): SQL {
  const conds: (SQL | undefined)[] = [eq(auditLog.workspaceId, workspaceId)];
  if (f.action) conds.push(eq(auditLog.action, f.action));
  if (f.from) conds.push(gte(auditLog.at, new Date(f.from)));
  if (f.to) conds.push(lte(auditLog.at, new Date(f.to)));
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conds.push(sql`(${auditLog.action} ILIKE ${like} OR ${auditLog.actorName} ILIKE ${like} OR ${auditLog.targetType} ILIKE ${like}
      OR ${auditLog.targetId} ILIKE ${like} OR ${auditLog.before}::text ILIKE ${like} OR ${auditLog.after}::text ILIKE ${like})`);
  }
  return and(...conds)!;
}

/** One page of entries, newest first; `cursor` is the opaque position after the previous page. */
export async function listAudit(ctx: Ctx, f: AuditFilter & { cursor?: string | undefined; limit: number }) {
  const ws = scope(ctx);
  authorize(ws.roles, 'audit.read');
  const conds = [where(ws.id, f)];
  if (f.cursor) {
    const [at, id] = decodeCursor(f.cursor);
    conds.push(or(lt(auditLog.at, at), and(eq(auditLog.at, at), lt(auditLog.id, id)))!);
  }
  const rows = await ctx.db.select().from(auditLog).where(and(...conds)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const actions = await ctx.db.selectDistinct({ action: auditLog.action }).from(auditLog).where(eq(auditLog.workspaceId, ws.id)).orderBy(auditLog.action);
  return {
    entries: page.map(present),
    nextCursor: rows.length > f.limit && last ? Buffer.from(`${last.at.toISOString()}|${last.id}`).toString('base64url') : null,
    actions: actions.map((a) => a.action),
  };
}

/** Every matching entry as CSV rows (streamed in pages of 1,000 so a large log does not fill memory). */
export async function* auditCsv(ctx: Ctx, f: AuditFilter): AsyncGenerator<string> {
  const ws = scope(ctx);
  authorize(ws.roles, 'audit.read');
  yield 'id,at,actor_type,actor_id,actor_name,action,target_type,target_id,before,after,ip\n';
  let cursor: [Date, number] | null = null;
  for (;;) {
    const conds = [where(ws.id, f)];
    if (cursor) conds.push(or(lt(auditLog.at, cursor[0]), and(eq(auditLog.at, cursor[0]), lt(auditLog.id, cursor[1])))!);
    const rows = await ctx.db.select().from(auditLog).where(and(...conds)).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(1000);
    for (const r of rows) {
      yield [r.id, r.at.toISOString(), r.actorType, r.actorId, r.actorName, r.action, r.targetType, r.targetId,
        r.before === null ? '' : JSON.stringify(r.before), r.after === null ? '' : JSON.stringify(r.after), r.ip].map(csvCell).join(',') + '\n';
    }
    const last = rows[rows.length - 1];
    if (rows.length < 1000 || !last) return;
    cursor = [last.at, last.id];
  }
}

/** Quotes a CSV cell and defuses spreadsheet formulas (a cell starting with = + - @ is prefixed with '). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) || s !== String(value) ? `"${s.replace(/"/g, '""')}"` : s;
}

function decodeCursor(cursor: string): [Date, number] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  const n = Number(id);
  if (Number.isNaN(date.getTime()) || !Number.isSafeInteger(n)) throw new AppError('validation_failed', 'cursor is not valid.', 'query.cursor');
  return [date, n];
}

function present(r: typeof auditLog.$inferSelect) {
  return {
    id: String(r.id), at: r.at.toISOString(),
    actor: { type: r.actorType as 'user' | 'token' | 'system', id: r.actorId, name: r.actorName ?? '' },
    action: r.action, targetType: r.targetType, targetId: r.targetId, before: r.before, after: r.after, ip: r.ip,
  };
}
