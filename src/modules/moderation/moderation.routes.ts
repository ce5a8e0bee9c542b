import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { moderateMessage, undoAction } from './action.service.ts';
import { actionLogOut, dryRunIn, dryRunOut, ruleIn, ruleOut } from './rule.schema.ts';
import * as rules from './rule.service.ts';

const authorOut = z.object({ id: z.string(), list: z.enum(['block', 'allow']), network: z.string(), author: z.string(), note: z.string().nullable(), createdAt: z.iso.datetime() });

/** Moderation: rules CRUD, dry run, the action log and undo, block/allow lists, moderating one message. */
export function moderationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['moderation'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });
    const base = '/api/workspaces/:wid/moderation';

    app.get(`${base}/rules`, { config, schema: { tags, params: wsParams, response: { 200: z.object({ rules: z.array(ruleOut) }) } } },
      async (req) => ({ rules: await rules.listRules(requestCtx(deps, req)) }));
    app.post(`${base}/rules`, { config, schema: { tags, params: wsParams, body: ruleIn, response: { 201: ruleOut } } },
      async (req, reply) => reply.status(201).send(await rules.saveRule(requestCtx(deps, req), null, req.body)));
    app.patch(`${base}/rules/:id`, { config, schema: { tags, params: idParams, body: ruleIn, response: { 200: ruleOut } } },
      (req) => rules.saveRule(requestCtx(deps, req), req.params.id, req.body));
    app.delete(`${base}/rules/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await rules.deleteRule(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });
    app.post(`${base}/dry-run`, { config: { ...config, rateLimit: { max: 20, timeWindow: '1 minute' } }, schema: { tags, params: wsParams, body: dryRunIn, response: { 200: dryRunOut } } },
      (req) => rules.dryRun(requestCtx(deps, req), req.body));
    app.post(`${base}/rules/:id/dry-run`, { config: { ...config, rateLimit: { max: 20, timeWindow: '1 minute' } }, schema: { tags, params: idParams, response: { 200: dryRunOut } } },
      (req) => rules.dryRun(requestCtx(deps, req), { ruleId: req.params.id }));

    app.get(`${base}/actions`, {
      config, schema: {
        tags, params: wsParams,
        querystring: z.strictObject({ ruleId: z.uuid().optional(), messageId: z.uuid().optional(), conversationId: z.uuid().optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
        response: { 200: z.object({ actions: z.array(actionLogOut), nextCursor: z.string().nullable() }) },
      },
    }, (req) => rules.listActions(requestCtx(deps, req), req.query));
    app.post(`${base}/actions/:id/undo`, { config, schema: { tags, params: idParams, response: { 200: actionLogOut } } },
      async (req) => rules.presentAction(await undoAction(requestCtx(deps, req), req.params.id)));

    app.post(`/api/workspaces/:wid/inbox/messages/:id/moderate`, {
      config, schema: { tags, params: idParams, body: z.strictObject({ action: z.enum(['hide', 'unhide', 'delete', 'block']) }), response: { 200: actionLogOut } },
    }, async (req) => rules.presentAction(await moderateMessage(requestCtx(deps, req), req.params.id, req.body.action)));

    app.get(`${base}/authors`, { config, schema: { tags, params: wsParams, querystring: z.strictObject({ list: z.enum(['block', 'allow']).optional() }), response: { 200: z.object({ authors: z.array(authorOut) }) } } },
      async (req) => ({ authors: await rules.listAuthors(requestCtx(deps, req), req.query.list) }));
    app.post(`${base}/authors`, {
      config, schema: { tags, params: wsParams, body: z.strictObject({ list: z.enum(['block', 'allow']), network: z.enum(['bluesky', 'mastodon']), author: z.string().trim().min(1).max(300), note: z.string().max(300).optional() }), response: { 201: authorOut } },
    }, async (req, reply) => reply.status(201).send(await rules.addAuthor(requestCtx(deps, req), req.body)));
    app.delete(`${base}/authors/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await rules.removeAuthor(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });
  };
}
