import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { reportOut, reportQuery } from './report.schema.ts';
import { inboxReport, reportCsv } from './report.service.ts';

/** Inbox → Report: one GET, JSON or (`format=csv`) the daily series as a CSV download. */
export function inboxReportRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/workspaces/:wid/inbox/report', {
      config: { auth: 'workspace' }, schema: { tags: ['inbox'], params: wsParams, querystring: reportQuery, response: { 200: reportOut } },
    }, async (req, reply) => {
      const report = await inboxReport(requestCtx(deps, req), req.query);
      if (req.query.format === 'json') return report;
      // A string with its own content type is sent as is (the JSON schema only applies to JSON answers).
      const name = `inbox-report-${report.period.from}-${report.period.to}.csv`;
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(reportCsv(report) as never);
    });
  };
}
