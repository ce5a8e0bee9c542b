import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { auditCsv, listAudit } from './audit.service.ts';
import { wsParams } from './workspaces.schema.ts';

const filters = {
  q: z.string().max(200).optional(),
  action: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
};
const entryOut = z.object({
  id: z.string(), at: z.iso.datetime(), actor: z.object({ type: z.enum(['user', 'token', 'system']), id: z.string().nullable(), name: z.string() }),
  action: z.string(), targetType: z.string(), targetId: z.string().nullable(), before: z.unknown(), after: z.unknown(), ip: z.string().nullable(),
});

/** The workspace's audit log: search and CSV export (owners and admins). */
export function auditRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['audit'];
    app.get('/api/workspaces/:wid/audit', {
      config: { auth: 'workspace' },
      schema: {
        tags, params: wsParams,
        querystring: z.strictObject({ ...filters, cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ entries: z.array(entryOut), nextCursor: z.string().nullable(), actions: z.array(z.string()) }) },
      },
    }, (req) => listAudit(requestCtx(deps, req), req.query));

    app.get('/api/workspaces/:wid/audit.csv', {
      config: { auth: 'workspace' }, schema: { tags, params: wsParams, querystring: z.strictObject(filters) },
    }, async (req, reply) => {
      const rows = auditCsv(requestCtx(deps, req), req.query);
      // Pull the first chunk before answering so an authorisation error becomes a proper 403, not a broken download.
      const first = await rows.next();
      const stream = Readable.from((async function* () { if (!first.done) yield first.value; yield* rows; })());
      return reply.header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`)
        .send(stream);
    });
  };
}
