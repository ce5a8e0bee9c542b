import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { calendarOut, guardSettingsIn, guardSettingsOut, policyIn, policyOut, weekIn } from './inbox.schema.ts';
import { getGuardSettings, saveGuardSettings } from './reply.guard.ts';
import * as sla from './sla.service.ts';

/** Inbox settings: SLA policies, business hours, holidays, the reply guard. */
export function inboxSettingsRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['inbox settings'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });
    const base = '/api/workspaces/:wid/inbox';

    app.get(`${base}/sla-policies`, { config, schema: { tags, params: wsParams, response: { 200: z.object({ policies: z.array(policyOut) }) } } },
      async (req) => ({ policies: await sla.listPolicies(requestCtx(deps, req)) }));
    app.post(`${base}/sla-policies`, { config, schema: { tags, params: wsParams, body: policyIn, response: { 201: policyOut } } },
      async (req, reply) => reply.status(201).send(await sla.savePolicy(requestCtx(deps, req), null, req.body)));
    app.patch(`${base}/sla-policies/:id`, { config, schema: { tags, params: idParams, body: policyIn, response: { 200: policyOut } } },
      (req) => sla.savePolicy(requestCtx(deps, req), req.params.id, req.body));
    app.delete(`${base}/sla-policies/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await sla.deletePolicy(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.get(`${base}/business-hours`, { config, schema: { tags, params: wsParams, response: { 200: calendarOut } } },
      (req) => sla.getCalendar(requestCtx(deps, req)));
    app.put(`${base}/business-hours`, { config, schema: { tags, params: wsParams, body: z.strictObject({ week: weekIn }), response: { 200: calendarOut } } },
      (req) => sla.setBusinessHours(requestCtx(deps, req), req.body.week as never));
    app.post(`${base}/holidays`, {
      config, schema: { tags, params: wsParams, body: z.strictObject({ day: z.iso.date(), name: z.string().trim().min(1).max(100) }), response: { 200: calendarOut } },
    }, (req) => sla.addHoliday(requestCtx(deps, req), req.body));
    app.delete(`${base}/holidays/:day`, { config, schema: { tags, params: z.strictObject({ wid: z.string(), day: z.iso.date() }) } }, async (req, reply) => {
      await sla.removeHoliday(requestCtx(deps, req), req.params.day);
      return reply.status(204).send();
    });

    app.get(`${base}/guard`, { config, schema: { tags, params: wsParams, response: { 200: guardSettingsOut } } },
      (req) => getGuardSettings(requestCtx(deps, req)));
    app.put(`${base}/guard`, { config, schema: { tags, params: wsParams, body: guardSettingsIn, response: { 200: guardSettingsOut } } },
      (req) => saveGuardSettings(requestCtx(deps, req), req.body));
  };
}
