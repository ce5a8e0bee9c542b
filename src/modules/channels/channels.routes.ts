import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import * as tests from './channel-test.service.ts';
import { channelOut, testPostIn } from './channels.schema.ts';
import * as service from './channels.service.ts';

/** Channels: list, connect (Bluesky, Mastodon OAuth), check, disconnect, and the test page's calls. */
export function channelRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['channels'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });

    app.get('/api/workspaces/:wid/channels', { config, schema: { tags, params: wsParams, response: { 200: z.object({ channels: z.array(channelOut) }) } } },
      async (req) => ({ channels: await service.listChannels(requestCtx(deps, req)) }));

    app.post('/api/workspaces/:wid/channels/bluesky', {
      // Each attempt signs in on the PDS, which allows 30 sign-ins per 5 minutes per handle: cap attempts
      // per person (the authentication hook has already run; anonymous callers fall back to their IP).
      config: { ...config, rateLimit: { max: 20, timeWindow: '5 minutes', keyGenerator: (req: FastifyRequest) => req.auth?.actor && req.auth.actor.type !== 'system' ? `user:${req.auth.actor.userId}` : req.ip } },
      schema: {
        tags, params: wsParams,
        body: z.strictObject({
          handle: z.string().trim().min(3).max(253),
          appPassword: z.string().trim().min(4).max(100),
          pdsUrl: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://bsky.social' }).optional(),
        }),
        response: { 201: z.object({ channel: channelOut }) },
      },
    }, async (req, reply) => reply.status(201).send({ channel: await service.connectBluesky(requestCtx(deps, req), req.body) }));

    app.post('/api/workspaces/:wid/channels/mastodon/authorize', {
      config,
      schema: { tags, params: wsParams, body: z.strictObject({ instanceUrl: z.string().trim().min(3).max(300) }), response: { 200: z.object({ authorizeUrl: z.string() }) } },
    }, (req) => service.beginMastodon(requestCtx(deps, req), req.body));

    // The instance sends the browser back here (a top-level GET, so the SameSite=Lax session cookie comes along).
    app.get('/api/oauth/mastodon/callback', {
      config: { auth: 'user' },
      schema: { tags, querystring: z.object({ state: z.string().max(200), code: z.string().max(2000).optional(), error: z.string().max(200).optional() }) },
    }, async (req, reply) => {
      if (!req.query.code) {
        return reply.redirect(`/?channelError=${encodeURIComponent(req.query.error ?? 'access_denied')}`);
      }
      try {
        const done = await service.completeMastodon(deps, requestCtx(deps, req), { state: req.query.state, code: req.query.code });
        return reply.redirect(`/w/${done.workspaceId}/settings/channels?connected=${done.channelId}`);
      } catch (err) {
        const code = err instanceof AppError ? err.code : 'internal_error';
        if (!(err instanceof AppError)) req.log.error({ err }, 'mastodon callback failed');
        return reply.redirect(`/?channelError=${encodeURIComponent(code)}&message=${encodeURIComponent(err instanceof AppError ? err.message : '')}`);
      }
    });

    app.post('/api/workspaces/:wid/channels/:id/verify', { config, schema: { tags, params: idParams, response: { 200: z.object({ channel: channelOut }) } } },
      async (req) => ({ channel: await service.verifyChannel(requestCtx(deps, req), req.params.id) }));

    app.delete('/api/workspaces/:wid/channels/:id', { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await service.disconnectChannel(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.post('/api/workspaces/:wid/channels/:id/validate', { config, schema: { tags, params: idParams, body: testPostIn } },
      (req) => tests.validatePost(requestCtx(deps, req), req.params.id, req.body));

    app.post('/api/workspaces/:wid/channels/:id/posts', { config: { ...config }, schema: { tags, params: idParams, body: testPostIn } },
      async (req, reply) => reply.status(201).send(await tests.publishTest(requestCtx(deps, req), req.params.id, req.body)));

    app.post('/api/workspaces/:wid/channels/:id/posts/delete', { config, schema: { tags, params: idParams, body: z.strictObject({ remoteId: z.string().min(1).max(500) }) } },
      async (req, reply) => {
        await tests.deleteTestPost(requestCtx(deps, req), req.params.id, req.body.remoteId);
        return reply.status(204).send();
      });

    app.get('/api/workspaces/:wid/channels/:id/interactions', {
      config, schema: { tags, params: idParams, querystring: z.strictObject({ fromStart: z.enum(['true', 'false']).default('false'), limit: z.coerce.number().int().min(1).max(100).default(50) }) },
    }, (req) => tests.readInteractions(requestCtx(deps, req), req.params.id, { fromStart: req.query.fromStart === 'true', limit: req.query.limit }));

    app.post('/api/workspaces/:wid/channels/:id/moderate', {
      config, schema: { tags, params: idParams, body: z.strictObject({ action: z.enum(['hide', 'unhide']), remoteId: z.string().min(1).max(500), root: z.string().max(500).optional() }) },
    }, async (req, reply) => {
      await tests.moderateTest(requestCtx(deps, req), req.params.id, req.body);
      return reply.status(204).send();
    });

    app.post('/api/workspaces/:wid/channels/:id/metrics', {
      config, schema: { tags, params: idParams, body: z.strictObject({ remoteIds: z.array(z.string().min(1).max(500)).min(1).max(100) }) },
    }, (req) => tests.fetchTestMetrics(requestCtx(deps, req), req.params.id, req.body.remoteIds));
  };
}
