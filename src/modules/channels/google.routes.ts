import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { channelOut } from './channels.schema.ts';
import * as google from './google.service.ts';

/** Google Business Profile: is it configured, the OAuth round trip, and the choice of locations. */
export function googleRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['channels'];
    const config = { auth: 'workspace' as const };
    const connectionParams = z.strictObject({ wid: z.string(), id: z.uuid() });

    app.get('/api/workspaces/:wid/channels/google-business', {
      config, schema: { tags, params: wsParams, response: { 200: z.object({ configured: z.boolean(), redirectUri: z.string() }) } },
    }, (req) => google.googleStatus(requestCtx(deps, req)));

    app.post('/api/workspaces/:wid/channels/google-business/authorize', {
      config, schema: { tags, params: wsParams, response: { 200: z.object({ authorizeUrl: z.string() }) } },
    }, (req) => google.beginGoogle(requestCtx(deps, req)));

    // Google sends the browser back here (a top-level GET: the SameSite=Lax session cookie comes along).
    app.get('/api/oauth/google-business/callback', {
      config: { auth: 'user' },
      schema: { tags, querystring: z.object({ state: z.string().max(200), code: z.string().max(2000).optional(), error: z.string().max(200).optional(), scope: z.string().max(2000).optional() }) },
    }, async (req, reply) => {
      if (!req.query.code) return reply.redirect(`/?channelError=${encodeURIComponent(req.query.error ?? 'access_denied')}`);
      try {
        const done = await google.completeGoogle(deps, requestCtx(deps, req), { state: req.query.state, code: req.query.code });
        return reply.redirect(`/w/${done.workspaceId}/settings/channels?googleConnection=${done.connectionId}`);
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'internal_error';
        if (!(err instanceof AppError)) req.log.error({ err }, 'google callback failed');
        return reply.redirect(`/?channelError=${encodeURIComponent(code)}&message=${encodeURIComponent(err instanceof AppError ? err.message : '')}`);
      }
    });

    const locationOut = z.object({ name: z.string(), title: z.string(), address: z.string().nullable(), accountName: z.string().nullable(), mapsUri: z.string().nullable() });
    app.get('/api/workspaces/:wid/channels/google-business/connections/:id', {
      config, schema: { tags, params: connectionParams, response: { 200: z.object({ expiresAt: z.iso.datetime(), locations: z.array(locationOut) }) } },
    }, (req) => google.getPendingConnection(requestCtx(deps, req), req.params.id));

    app.post('/api/workspaces/:wid/channels/google-business/connections/:id', {
      config,
      schema: {
        tags, params: connectionParams,
        body: z.strictObject({ locations: z.array(z.string().regex(/^locations\/[\w-]+$/, 'must be a location name such as locations/123')).min(1).max(100) }),
        response: { 201: z.object({ channels: z.array(channelOut) }) },
      },
    }, async (req, reply) => reply.status(201).send({ channels: await google.connectGoogleLocations(requestCtx(deps, req), req.params.id, req.body.locations) }));
  };
}
