import type { ServerResponse } from 'node:http';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { actorUserId } from '../../platform/context.ts';
import { listNotifications, markRead } from './notification.service.ts';
import { wsParams } from './workspaces.schema.ts';

/** Notifications (the bell) and the workspace's live event stream (Server-Sent Events). */
export function notificationRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['notifications'];
    const config = { auth: 'workspace' as const };
    const open = new Set<ServerResponse>();

    app.get('/api/workspaces/:wid/notifications', {
      config, schema: { tags, params: wsParams, response: { 200: z.object({ notifications: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), body: z.string(), link: z.string().nullable(), readAt: z.iso.datetime().nullable(), createdAt: z.iso.datetime() })), unread: z.number() }) } },
    }, (req) => listNotifications(requestCtx(deps, req)));

    app.post('/api/workspaces/:wid/notifications/read-all', { config, schema: { tags, params: wsParams } }, async (req, reply) => {
      await markRead(requestCtx(deps, req), 'all');
      return reply.status(204).send();
    });

    app.post('/api/workspaces/:wid/notifications/:id/read', { config, schema: { tags, params: z.strictObject({ wid: z.string(), id: z.uuid() }) } }, async (req, reply) => {
      await markRead(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.get('/api/workspaces/:wid/events', { config, schema: { tags, params: wsParams, description: 'Server-Sent Events: `data: {"type", "payload"}` per event.' } }, (req, reply) => {
      const scope = req.workspaceScope!;
      const res = reply.raw;
      reply.hijack();
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write('retry: 3000\n: connected\n\n');
      const unsubscribe = deps.realtime.subscribe({
        workspaceId: scope.id, userId: actorUserId(req.auth.actor!)!, roles: scope.roles,
        send: (event) => res.write(`data: ${JSON.stringify(event)}\n\n`),
      });
      // Proxies drop silent connections; a comment every 25 s keeps it open.
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
      open.add(res);
      res.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
        open.delete(res);
      });
    });

    // On shutdown, end event streams so the server can close; browsers reconnect to another process.
    app.addHook('preClose', async () => {
      for (const res of open) res.end();
    });
  };
}
