import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import * as contacts from './contact.service.ts';

const contactOut = z.object({
  id: z.string(), displayName: z.string().nullable(), handle: z.string(), avatarUrl: z.string().nullable(), followers: z.number().nullable(),
  tags: z.array(z.string()), leadStatus: z.string().nullable(), leadValue: z.number().nullable(), leadOwnerId: z.string().nullable(),
  email: z.string().nullable(), firstSeenAt: z.iso.datetime(), lastSeenAt: z.iso.datetime(),
});
const person = z.object({ id: z.string(), name: z.string() }).nullable();
const profileOut = z.object({
  contact: contactOut,
  identities: z.array(z.object({ id: z.string(), network: z.string(), remoteId: z.string(), handle: z.string(), displayName: z.string().nullable(), avatarUrl: z.string().nullable(), followers: z.number().nullable() })),
  notes: z.array(z.object({ id: z.string(), author: person, body: z.string(), createdAt: z.iso.datetime() })),
  conversations: z.array(z.object({ id: z.string(), channelId: z.string(), kind: z.string(), status: z.string(), lastMessageAt: z.iso.datetime(), messageCount: z.number() })),
  history: z.array(z.object({ id: z.string(), conversationId: z.string(), channelId: z.string(), kind: z.string(), text: z.string(), url: z.string().nullable(), createdAt: z.iso.datetime(), sentiment: z.string().nullable(), intents: z.array(z.string()).nullable() })),
});
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

/** Contacts: list/search, profile with history, edit (tags, lead fields), notes, merge, split, CSV export, CRM webhook. */
export function contactRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['contacts'];
    const config = { auth: 'workspace' as const };
    const idParams = z.strictObject({ wid: z.string(), id: z.uuid() });
    const base = '/api/workspaces/:wid/contacts';

    app.get(base, {
      config, schema: {
        tags, params: wsParams,
        querystring: z.strictObject({ q: z.string().trim().min(1).max(100).optional(), tag: z.string().max(50).optional(), leadStatus: z.enum(LEAD_STATUSES).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(100).default(50) }),
        response: { 200: z.object({ contacts: z.array(contactOut), nextCursor: z.string().nullable() }) },
      },
    }, (req) => contacts.listContacts(requestCtx(deps, req), req.query));

    app.get(`${base}/export.csv`, { config: { ...config, rateLimit: { max: 10, timeWindow: '1 minute' } }, schema: { tags, params: wsParams } }, async (req, reply) => {
      const csv = await contacts.exportContactsCsv(requestCtx(deps, req));
      return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="contacts.csv"').send(csv);
    });

    app.put(`${base}/crm-webhook`, {
      config, schema: { tags, params: wsParams, body: z.strictObject({ url: z.url({ protocol: /^https?$/ }).max(500).nullable() }), response: { 200: z.object({ url: z.string().nullable(), secret: z.string().nullable() }) } },
    }, (req) => contacts.setCrmWebhook(requestCtx(deps, req), req.body.url));

    app.get(`${base}/:id`, { config, schema: { tags, params: idParams, response: { 200: profileOut } } },
      (req) => contacts.getContact(requestCtx(deps, req), req.params.id));

    app.patch(`${base}/:id`, {
      config, schema: {
        tags, params: idParams,
        body: z.strictObject({
          displayName: z.string().trim().min(1).max(120).nullable().optional(),
          tags: z.array(z.string().trim().toLowerCase().min(1).max(50)).max(50).optional(),
          leadStatus: z.enum(LEAD_STATUSES).nullable().optional(),
          leadValue: z.number().min(0).max(1e11).nullable().optional(),
          leadOwnerId: z.uuid().nullable().optional(),
          email: z.email().max(254).nullable().optional(),
        }),
        response: { 200: contactOut },
      },
    }, (req) => contacts.updateContact(requestCtx(deps, req), req.params.id, req.body));

    app.post(`${base}/:id/notes`, { config, schema: { tags, params: idParams, body: z.strictObject({ body: z.string().trim().min(1).max(5000) }), response: { 201: profileOut.shape.notes.element } } },
      async (req, reply) => reply.status(201).send(await contacts.addContactNote(requestCtx(deps, req), req.params.id, req.body.body)));

    app.post(`${base}/:id/merge`, { config, schema: { tags, params: idParams, body: z.strictObject({ otherId: z.uuid() }), response: { 200: contactOut } } },
      (req) => contacts.mergeContacts(requestCtx(deps, req), req.params.id, req.body.otherId));

    app.post(`${base}/:id/split`, { config, schema: { tags, params: idParams, body: z.strictObject({ identityIds: z.array(z.uuid()).min(1).max(50) }), response: { 201: contactOut } } },
      async (req, reply) => reply.status(201).send(await contacts.splitContact(requestCtx(deps, req), req.params.id, req.body.identityIds)));

    app.post(`${base}/:id/send-to-crm`, { config: { ...config, rateLimit: { max: 30, timeWindow: '1 minute' } }, schema: { tags, params: idParams, response: { 200: z.object({ delivered: z.boolean(), status: z.number() }) } } },
      (req) => contacts.sendContactToCrm(requestCtx(deps, req), req.params.id));
  };
}
