import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import * as tokens from './token.service.ts';
import { nameSchema, roleSchema, wsParams } from './workspaces.schema.ts';

const tokenOut = z.object({
  id: z.string(), name: z.string(), role: roleSchema, createdAt: z.iso.datetime(), lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(), createdBy: z.object({ id: z.string(), name: z.string() }),
});

/** Personal API tokens of a workspace. */
export function tokenRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['tokens'];
    const config = { auth: 'workspace' as const };
    app.get('/api/workspaces/:wid/tokens', { config, schema: { tags, params: wsParams, response: { 200: z.object({ tokens: z.array(tokenOut) }) } } },
      async (req) => ({ tokens: await tokens.listTokens(requestCtx(deps, req)) }));
    app.post('/api/workspaces/:wid/tokens', {
      config,
      schema: { tags, params: wsParams, body: z.strictObject({ name: nameSchema, role: roleSchema, expiresAt: z.iso.datetime({ offset: true }).optional() }), response: { 201: z.object({ token: tokenOut, secret: z.string() }) } },
    }, async (req, reply) => reply.status(201).send(await tokens.createToken(requestCtx(deps, req), req.body)));
    app.delete('/api/workspaces/:wid/tokens/:id', { config, schema: { tags, params: z.strictObject({ wid: z.string(), id: z.uuid() }) } }, async (req, reply) => {
      await tokens.revokeToken(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });
  };
}
