import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { endSession, startSession } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { requestCtx } from '../../platform/auth.ts';
import * as account from './account.service.ts';
import {
  emailSchema, localeSchema, membershipOut, nameSchema, passwordSchema, presentUser, userOut,
} from './workspaces.schema.ts';

/** Sign-up, sign-in, password and profile endpoints; the three anonymous ones are rate-limited per IP. */
export function accountRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['account'];
    const strict = { rateLimit: { max: 10, timeWindow: '1 minute' } };

    app.get('/api/setup', { schema: { tags, response: { 200: z.object({ needsOwner: z.boolean() }) } } }, () => account.setupState(deps));

    app.post('/api/auth/signup', {
      config: { auth: 'public', ...strict },
      schema: { tags, body: z.strictObject({ name: nameSchema, email: emailSchema, password: passwordSchema, locale: localeSchema.optional() }), response: { 201: z.object({ user: userOut }) } },
    }, async (req, reply) => {
      const user = await account.signupOwner({ ...systemishCtx(deps, req.ip) }, req.body);
      await startSession(deps, req, reply, user.id);
      return reply.status(201).send({ user: presentUser(user) });
    });

    app.post('/api/auth/signin', {
      config: { auth: 'public', ...strict },
      schema: { tags, body: z.strictObject({ email: emailSchema, password: z.string().min(1).max(200), totp: z.string().max(12).optional() }), response: { 200: z.object({ user: userOut }) } },
    }, async (req, reply) => {
      const user = await account.signIn(deps, req.body);
      await startSession(deps, req, reply, user.id);
      return { user: presentUser(user) };
    });

    app.post('/api/auth/signout', { config: { auth: 'public' }, schema: { tags } }, async (req, reply) => {
      await endSession(deps, req, reply);
      return reply.status(204).send();
    });

    app.post('/api/auth/password-reset', {
      config: { auth: 'public', rateLimit: { max: 5, timeWindow: '1 minute' } },
      schema: { tags, body: z.strictObject({ email: emailSchema }), response: { 202: z.object({}) } },
    }, async (req, reply) => {
      await account.requestPasswordReset(deps, req.body.email);
      return reply.status(202).send({});
    });

    app.post('/api/auth/password-reset/confirm', {
      config: { auth: 'public', ...strict },
      schema: { tags, body: z.strictObject({ token: z.string().min(10).max(200), password: passwordSchema }) },
    }, async (req, reply) => {
      await account.confirmPasswordReset(deps, req.body.token, req.body.password, req.ip);
      return reply.status(204).send();
    });

    app.get('/api/me', { config: { auth: 'user' }, schema: { tags, response: { 200: z.object({ user: userOut, memberships: z.array(membershipOut) }) } } },
      (req) => account.me(requestCtx(deps, req)));

    app.patch('/api/me', {
      config: { auth: 'user' },
      schema: { tags, body: z.strictObject({ name: nameSchema.optional(), locale: localeSchema.nullable().optional() }), response: { 200: z.object({ user: userOut }) } },
    }, async (req) => ({ user: presentUser(await account.updateProfile(requestCtx(deps, req), req.body)) }));

    app.post('/api/me/password', {
      config: { auth: 'user', ...strict },
      schema: { tags, body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema }) },
    }, async (req, reply) => {
      await account.changePassword(requestCtx(deps, req), req.body, req.auth.sessionId);
      return reply.status(204).send();
    });

    app.post('/api/me/totp/setup', { config: { auth: 'user' }, schema: { tags, response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string() }) } } },
      (req) => account.totpSetup(requestCtx(deps, req)));

    app.post('/api/me/totp/enable', { config: { auth: 'user', ...strict }, schema: { tags, body: z.strictObject({ code: z.string().min(6).max(12) }) } },
      async (req, reply) => {
        await account.totpEnable(requestCtx(deps, req), req.body.code);
        return reply.status(204).send();
      });

    app.post('/api/me/totp/disable', { config: { auth: 'user', ...strict }, schema: { tags, body: z.strictObject({ password: z.string().min(1).max(200) }) } },
      async (req, reply) => {
        await account.totpDisable(requestCtx(deps, req), req.body.password);
        return reply.status(204).send();
      });
  };
}

/** Context for the anonymous sign-up: the acting user does not exist yet. */
function systemishCtx(deps: Deps, ip: string) {
  return { deps, db: deps.db, actor: { type: 'system' as const, name: 'sign-up' }, workspace: null, clock: deps.clock, log: deps.log, ip };
}
