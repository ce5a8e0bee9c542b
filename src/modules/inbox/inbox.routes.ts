import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import * as conv from './conversation.service.ts';
import {
  conversationChange, conversationDetail, conversationItem, guardOut, listQuery, inboxFilters, noteIn, noteOut, presenceOut, replyIn, replyOut,
  savedReplyIn, savedReplyOut, savedViewIn, savedViewOut,
} from './inbox.schema.ts';
import { addNote } from './note.service.ts';
import * as replies from './reply.service.ts';
import * as saved from './saved.service.ts';
import { syncChannel } from './sync.service.ts';
import { channelStatusOut, listChannelStatus } from './channel-status.service.ts';

/** The inbox: list, counts, detail, working conversations (one or in bulk), replies, notes, presence, saved replies and views. */
export function inboxRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['inbox'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });
    const base = '/api/workspaces/:wid/inbox';

    app.get(`${base}/conversations`, {
      config, schema: { tags, params: wsParams, querystring: listQuery, response: { 200: z.object({ conversations: z.array(conversationItem), nextCursor: z.string().nullable() }) } },
    }, (req) => conv.listConversations(requestCtx(deps, req), req.query));

    app.post(`${base}/channels/:channelId/sync`, {
      config: { ...config, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, params: z.strictObject({ wid: z.string(), channelId: z.uuid() }), response: { 202: z.object({ queued: z.boolean() }) } },
    }, async (req, reply) => reply.status(202).send(await syncChannel(requestCtx(deps, req), req.params.channelId)));

    app.get(`${base}/channels`, {
      config, schema: { tags, params: wsParams, response: { 200: z.object({ channels: z.array(channelStatusOut) }) } },
    }, (req) => listChannelStatus(requestCtx(deps, req)));

    app.get(`${base}/counts`, {
      config, schema: { tags, params: wsParams, querystring: inboxFilters.extend({ view: z.uuid().optional() }), response: { 200: z.object({ counts: z.object({ open: z.number(), pending: z.number(), snoozed: z.number(), closed: z.number() }) }) } },
    }, (req) => conv.countConversations(requestCtx(deps, req), req.query));

    app.get(`${base}/conversations/:id`, { config, schema: { tags, params: idParams, response: { 200: conversationDetail } } },
      (req) => conv.getConversation(requestCtx(deps, req), req.params.id));

    app.patch(`${base}/conversations/:id`, { config, schema: { tags, params: idParams, body: conversationChange, response: { 200: z.object({ updated: z.number() }) } } },
      (req) => conv.updateConversations(requestCtx(deps, req), [req.params.id], req.body));

    app.post(`${base}/conversations/bulk`, {
      config, schema: { tags, params: wsParams, body: z.strictObject({ ids: z.array(z.uuid()).min(1).max(500), change: conversationChange }), response: { 200: z.object({ updated: z.number() }) } },
    }, (req) => conv.updateConversations(requestCtx(deps, req), [...new Set(req.body.ids)], req.body.change));

    app.post(`${base}/conversations/:id/presence`, {
      config: { ...config, rateLimit: { max: 120, timeWindow: '1 minute' } },
      schema: { tags, params: idParams, body: z.strictObject({ state: z.enum(['viewing', 'typing', 'left']) }), response: { 200: z.object({ presence: z.array(presenceOut) }) } },
    }, (req) => conv.heartbeat(requestCtx(deps, req), req.params.id, req.body.state));

    app.post(`${base}/conversations/:id/notes`, { config, schema: { tags, params: idParams, body: noteIn, response: { 201: noteOut } } },
      async (req, reply) => reply.status(201).send(await addNote(requestCtx(deps, req), req.params.id, req.body)));

    app.post(`${base}/conversations/:id/replies`, {
      config: { ...config, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags, params: idParams, body: replyIn, response: { 200: z.object({ guard: guardOut, reply: replyOut.nullable() }), 201: z.object({ guard: guardOut, reply: replyOut.nullable() }) } },
    }, async (req, reply) => {
      const out = await replies.createReply(requestCtx(deps, req), req.params.id, req.body);
      // 200 when nothing was created (the guard warned and waits for acknowledgement), 201 otherwise.
      return reply.status(out.reply ? 201 : 200).send(out);
    });

    app.post(`${base}/conversations/:id/saved-replies/:rid/render`, {
      config, schema: { tags, params: z.strictObject({ wid: z.string(), id: z.uuid(), rid: z.uuid() }), response: { 200: z.object({ text: z.string() }) } },
    }, (req) => saved.renderSavedReply(requestCtx(deps, req), req.params.id, req.params.rid));

    for (const [action, fn] of [['approve', replies.approveReply], ['reject', replies.rejectReply], ['cancel', replies.cancelReply], ['retry', replies.retryReply]] as const) {
      app.post(`${base}/replies/:id/${action}`, { config, schema: { tags, params: idParams, response: { 200: replyOut } } },
        (req) => fn(requestCtx(deps, req), req.params.id));
    }

    app.get(`${base}/saved-replies`, { config, schema: { tags, params: wsParams, response: { 200: z.object({ savedReplies: z.array(savedReplyOut) }) } } },
      async (req) => ({ savedReplies: await saved.listSavedReplies(requestCtx(deps, req)) }));
    app.post(`${base}/saved-replies`, { config, schema: { tags, params: wsParams, body: savedReplyIn, response: { 201: savedReplyOut } } },
      async (req, reply) => reply.status(201).send(await saved.saveSavedReply(requestCtx(deps, req), null, req.body)));
    app.patch(`${base}/saved-replies/:id`, { config, schema: { tags, params: idParams, body: savedReplyIn, response: { 200: savedReplyOut } } },
      (req) => saved.saveSavedReply(requestCtx(deps, req), req.params.id, req.body));
    app.delete(`${base}/saved-replies/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await saved.deleteSavedReply(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.get(`${base}/views`, { config, schema: { tags, params: wsParams, response: { 200: z.object({ views: z.array(savedViewOut) }) } } },
      async (req) => ({ views: await saved.listViews(requestCtx(deps, req)) }));
    app.post(`${base}/views`, { config, schema: { tags, params: wsParams, body: savedViewIn, response: { 201: savedViewOut } } },
      async (req, reply) => reply.status(201).send(await saved.saveView(requestCtx(deps, req), null, req.body)));
    app.patch(`${base}/views/:id`, { config, schema: { tags, params: idParams, body: savedViewIn, response: { 200: savedViewOut } } },
      (req) => saved.saveView(requestCtx(deps, req), req.params.id, req.body));
    app.delete(`${base}/views/:id`, { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await saved.deleteView(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });
  };
}
