import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx, startSession } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import * as invitations from './invitation.service.ts';
import * as workspaces from './workspace.service.ts';
import {
  emailSchema, localeSchema, nameSchema, passwordSchema, presentWorkspace, roleSchema, timezoneSchema, workspaceOut, wsParams,
} from './workspaces.schema.ts';

const memberOut = z.object({ user: z.object({ id: z.string(), email: z.string(), name: z.string() }), role: roleSchema, joinedAt: z.iso.datetime() });
const invitationOut = z.object({
  id: z.string(), email: z.string(), role: roleSchema, invitedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.iso.datetime(), expiresAt: z.iso.datetime(), link: z.string(),
});

/** Workspaces, members and invitations. */
export function workspaceRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['workspaces'];
    const ws = { auth: 'workspace' as const };

    app.post('/api/workspaces', {
      config: { auth: 'user' },
      schema: { tags, body: z.strictObject({ name: nameSchema, timezone: timezoneSchema, language: localeSchema }), response: { 201: z.object({ workspace: workspaceOut, role: roleSchema }) } },
    }, async (req, reply) => {
      const created = await workspaces.createWorkspace(requestCtx(deps, req), req.body);
      return reply.status(201).send({ workspace: presentWorkspace(created), role: 'owner' as const });
    });

    app.get('/api/workspaces/:wid', { config: ws, schema: { tags, params: wsParams, response: { 200: z.object({ workspace: workspaceOut, role: roleSchema }) } } },
      async (req) => {
        const ctx = requestCtx(deps, req);
        const row = await workspaces.getWorkspace(ctx);
        return { workspace: presentWorkspace(row), role: ctx.workspace!.roles[ctx.workspace!.roles.length - 1]! };
      });

    app.patch('/api/workspaces/:wid', {
      config: ws,
      schema: { tags, params: wsParams, body: z.strictObject({ name: nameSchema.optional(), timezone: timezoneSchema.optional(), language: localeSchema.optional() }), response: { 200: z.object({ workspace: workspaceOut }) } },
    }, async (req) => ({ workspace: presentWorkspace(await workspaces.updateWorkspace(requestCtx(deps, req), req.body)) }));

    app.get('/api/workspaces/:wid/members', { config: ws, schema: { tags, params: wsParams, response: { 200: z.object({ members: z.array(memberOut) }) } } },
      async (req) => {
        const rows = await workspaces.listMembers(requestCtx(deps, req));
        return { members: rows.map((m) => ({ user: m.user, role: m.role as never, joinedAt: m.joinedAt.toISOString() })) };
      });

    const memberParams = z.strictObject({ wid: z.string(), userId: z.uuid() });
    app.patch('/api/workspaces/:wid/members/:userId', {
      config: ws, schema: { tags, params: memberParams, body: z.strictObject({ role: roleSchema }) },
    }, async (req) => {
      const m = await workspaces.changeMemberRole(requestCtx(deps, req), req.params.userId, req.body.role);
      return { member: { userId: m.userId, role: m.role } };
    });

    app.delete('/api/workspaces/:wid/members/:userId', { config: ws, schema: { tags, params: memberParams } }, async (req, reply) => {
      await workspaces.removeMember(requestCtx(deps, req), req.params.userId);
      return reply.status(204).send();
    });

    app.get('/api/workspaces/:wid/invitations', { config: ws, schema: { tags, params: wsParams, response: { 200: z.object({ invitations: z.array(invitationOut) }) } } },
      async (req) => ({ invitations: await invitations.listInvitations(requestCtx(deps, req)) }));

    app.post('/api/workspaces/:wid/invitations', {
      config: ws, schema: { tags, params: wsParams, body: z.strictObject({ email: emailSchema, role: roleSchema }), response: { 201: z.object({ invitation: invitationOut }) } },
    }, async (req, reply) => reply.status(201).send({ invitation: await invitations.invite(requestCtx(deps, req), req.body) }));

    app.delete('/api/workspaces/:wid/invitations/:id', { config: ws, schema: { tags, params: z.strictObject({ wid: z.string(), id: z.uuid() }) } },
      async (req, reply) => {
        await invitations.revokeInvitation(requestCtx(deps, req), req.params.id);
        return reply.status(204).send();
      });

    const tokenParams = z.strictObject({ token: z.string().min(10).max(200) });
    app.get('/api/invitations/:token', {
      config: { auth: 'public', rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, params: tokenParams, response: { 200: z.object({ workspace: z.object({ id: z.string(), name: z.string() }), email: z.string(), role: roleSchema, userExists: z.boolean() }) } },
    }, (req) => invitations.describeInvitation(deps, req.params.token));

    app.post('/api/invitations/:token/accept', {
      config: { auth: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
      // A signed-in person accepts with no body at all (the web app sends none); Fastify hands the
      // validator `null` then, which `.optional()` refused with a 400: allow null too.
      schema: { tags, params: tokenParams, body: z.strictObject({ name: nameSchema, password: passwordSchema }).nullish(), response: { 200: z.object({ workspace: workspaceOut, role: roleSchema }) } },
    }, async (req, reply) => {
      const actor = req.auth.actor;
      const userId = actor?.type === 'user' ? actor.userId : null;
      const res = await invitations.acceptInvitation(deps, req.params.token, { userId, newAccount: userId ? undefined : (req.body ?? undefined) }, req.ip);
      if (!userId) await startSession(deps, req, reply, res.userId);
      return { workspace: presentWorkspace(res.workspace), role: res.role };
    });
  };
}
