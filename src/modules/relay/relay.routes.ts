import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { relayItemOut } from '../inbox/inbox.schema.ts';
import * as relay from './relay.service.ts';

const intents = z.enum(['question', 'complaint', 'suggestion', 'praise', 'purchase-intent']);
const routeIn = z.strictObject({
  name: z.string().trim().min(1).max(100),
  team: z.string().trim().min(1).max(60),
  intents: z.array(intents).max(5).optional(),
  tags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(20).optional(),
  delivery: z.enum(['email', 'webhook']),
  emails: z.array(z.email().max(254)).max(20).optional(),
  digestMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
  webhookUrl: z.url({ protocol: /^https?$/ }).max(500).nullable().optional(),
  enabled: z.boolean().optional(),
  /** Generate a new signing secret (shown once in the answer). */
  rotateSecret: z.boolean().optional(),
});
const routeOut = z.object({
  id: z.string(), name: z.string(), team: z.string(), intents: z.array(z.string()), tags: z.array(z.string()), delivery: z.enum(['email', 'webhook']),
  emails: z.array(z.string()), digestMinutes: z.number(), webhookUrl: z.string().nullable(), enabled: z.boolean(), lastDigestAt: z.iso.datetime().nullable(),
});
const routeSaved = routeOut.extend({ secret: z.string().nullable() });

/** Relay: routes (intent or tag → team, email digest or webhook), relayed items and their status, manual relay. */
export function relayRoutesPlugin(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['relay'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });
    const base = '/api/workspaces/:wid/relay';

    app.get(`${base}/routes`, { config, schema: { tags, params: wsParams, response: { 200: z.object({ routes: z.array(routeOut) }) } } },
      async (req) => ({ routes: await relay.listRoutes(requestCtx(deps, req)) }));
    app.post(`${base}/routes`, { config, schema: { tags, params: wsParams, body: routeIn, response: { 201: routeSaved } } },
      async (req, reply) => reply.status(201).send(await relay.saveRoute(requestCtx(deps, req), null, req.body)));
    app.patch(`${base}/routes/:id`, { config, schema: { tags, params: idParams, body: routeIn, response: { 200: routeSaved } } },
      (req) => relay.saveRoute(requestCtx(deps, req), req.params.id, req.body));
    app.delete(`${base}/routes/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await relay.deleteRoute(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.get(`${base}/items`, {
      config, schema: {
        tags, params: wsParams,
        querystring: z.strictObject({ status: z.enum(['new', 'sent', 'acknowledged', 'resolved', 'failed']).optional(), routeId: z.uuid().optional(), conversationId: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ items: z.array(relayItemOut) }) },
      },
    }, async (req) => ({ items: await relay.listItems(requestCtx(deps, req), req.query) }));
    app.patch(`${base}/items/:id`, { config, schema: { tags, params: idParams, body: z.strictObject({ status: z.enum(['new', 'acknowledged', 'resolved']) }), response: { 200: relayItemOut } } },
      (req) => relay.setItemStatus(requestCtx(deps, req), req.params.id, req.body.status));

    app.post('/api/workspaces/:wid/inbox/conversations/:id/relay', {
      config, schema: { tags, params: idParams, body: z.strictObject({ routeId: z.uuid(), messageId: z.uuid().optional() }), response: { 201: relayItemOut } },
    }, async (req, reply) => reply.status(201).send(await relay.relayConversation(requestCtx(deps, req), req.params.id, req.body)));
  };
}
