import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { and, eq, sql } from 'drizzle-orm';
import { campaigns } from '../../db/schema/index.ts';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { authorize } from '../../platform/policy.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import { scope } from '../workspaces/workspace.service.ts';
import * as posts from './posts.service.ts';
import { idParams, isoInstant, postIn, postOut, postPatch, scheduleIn, variantIn, variantOut, variantState } from './publishing.schema.ts';
import { channelsById, presentVariant, variantRow } from './publishing.queries.ts';
import * as schedule from './schedule.service.ts';

/** Composer and scheduling: posts, their variants, the live check, schedule, calendar moves, outcomes. */
export function postRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['publishing'];
    const config = { auth: 'workspace' as const };
    const one = { 200: z.object({ post: postOut }) };
    const variantIds = z.strictObject({ variantIds: z.array(z.uuid()).max(20).optional() });

    app.get('/api/workspaces/:wid/posts', {
      config, schema: {
        tags, params: wsParams,
        querystring: z.strictObject({
          state: variantState.optional(), channelId: z.uuid().optional(), campaignId: z.uuid().optional(), tag: z.string().max(50).optional(), authorId: z.uuid().optional(),
          limit: z.coerce.number().int().min(1).max(100).default(50), offset: z.coerce.number().int().min(0).max(100_000).default(0),
        }),
        response: { 200: z.object({ posts: z.array(postOut), total: z.number() }) },
      },
    }, (req) => posts.listPosts(requestCtx(deps, req), req.query));

    app.post('/api/workspaces/:wid/posts', { config, schema: { tags, params: wsParams, body: postIn, response: { 201: z.object({ post: postOut }) } } },
      async (req, reply) => reply.status(201).send({ post: await posts.createPost(requestCtx(deps, req), req.body) }));

    app.get('/api/workspaces/:wid/posts/:id', { config, schema: { tags, params: idParams, response: one } },
      async (req) => ({ post: await posts.getPost(requestCtx(deps, req), req.params.id) }));

    app.patch('/api/workspaces/:wid/posts/:id', { config, schema: { tags, params: idParams, body: postPatch, response: one } },
      async (req) => ({ post: await posts.updatePost(requestCtx(deps, req), req.params.id, req.body) }));

    app.delete('/api/workspaces/:wid/posts/:id', { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await posts.deletePost(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    app.post('/api/workspaces/:wid/posts/:id/duplicate', { config, schema: { tags, params: idParams, response: { 201: z.object({ post: postOut }) } } },
      async (req, reply) => reply.status(201).send({ post: await posts.duplicatePost(requestCtx(deps, req), req.params.id) }));

    // The composer's live check: network limits (counted as each network counts), charter, preview.
    app.post('/api/workspaces/:wid/compose/validate', { config, schema: { tags, params: wsParams, body: z.strictObject({ variants: z.array(variantIn).min(1).max(20) }) } },
      (req) => posts.validateDraft(requestCtx(deps, req), req.body.variants));

    app.post('/api/workspaces/:wid/posts/:id/validate', { config, schema: { tags, params: idParams } },
      (req) => posts.validatePost(requestCtx(deps, req), req.params.id));

    app.post('/api/workspaces/:wid/posts/:id/schedule', { config, schema: { tags, params: idParams, body: scheduleIn, response: one } },
      async (req) => ({ post: await schedule.schedulePost(requestCtx(deps, req), req.params.id, req.body) }));

    app.post('/api/workspaces/:wid/posts/:id/unschedule', { config, schema: { tags, params: idParams, body: variantIds.nullish(), response: one } },
      async (req) => ({ post: await schedule.unschedulePost(requestCtx(deps, req), req.params.id, req.body?.variantIds) }));

    app.get('/api/workspaces/:wid/variants/:id', { config, schema: { tags, params: idParams, response: { 200: z.object({ variant: variantOut }) } } }, async (req) => {
      const ctx = requestCtx(deps, req);
      authorize(scope(ctx).roles, 'post.read');
      const v = await variantRow(ctx.db, scope(ctx).id, req.params.id);
      const ch = (await channelsById(ctx.db, scope(ctx).id, [v.channelId])).get(v.channelId);
      return { variant: presentVariant(v, ch) };
    });

    // Calendar drag: move one variant (or its whole post by the same amount).
    app.patch('/api/workspaces/:wid/variants/:id/schedule', { config, schema: { tags, params: idParams, body: z.strictObject({ at: isoInstant, wholePost: z.boolean().default(false) }), response: one } },
      async (req) => ({ post: await schedule.moveVariant(requestCtx(deps, req), req.params.id, req.body) }));

    app.post('/api/workspaces/:wid/variants/:id/retry', { config, schema: { tags, params: idParams, response: { 200: z.object({ variant: variantOut }) } } },
      async (req) => ({ variant: await schedule.retryVariant(requestCtx(deps, req), req.params.id) }));

    app.post('/api/workspaces/:wid/variants/:id/resolve', {
      config, schema: { tags, params: idParams, body: z.strictObject({ outcome: z.enum(['published', 'not_published']), url: z.url({ protocol: /^https?$/ }).optional() }), response: { 200: z.object({ variant: variantOut }) } },
    }, async (req) => ({ variant: await schedule.resolveVariant(requestCtx(deps, req), req.params.id, req.body) }));

    const campaignOut = z.object({ id: z.string(), name: z.string(), color: z.string() });
    app.get('/api/workspaces/:wid/campaigns', { config, schema: { tags, params: wsParams, response: { 200: z.object({ campaigns: z.array(campaignOut) }) } } }, async (req) => {
      const ctx = requestCtx(deps, req);
      authorize(scope(ctx).roles, 'post.read');
      const rows = await ctx.db.select().from(campaigns).where(eq(campaigns.workspaceId, scope(ctx).id)).orderBy(campaigns.name);
      return { campaigns: rows.map((c) => ({ id: c.id, name: c.name, color: c.color })) };
    });

    app.post('/api/workspaces/:wid/campaigns', {
      config, schema: { tags, params: wsParams, body: z.strictObject({ name: z.string().trim().min(1).max(100), color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #228be6').default('#228be6') }), response: { 201: z.object({ campaign: campaignOut }) } },
    }, async (req, reply) => {
      const ctx = requestCtx(deps, req);
      const ws = scope(ctx);
      authorize(ws.roles, 'post.draft');
      const [dup] = await ctx.db.select({ id: campaigns.id }).from(campaigns).where(and(eq(campaigns.workspaceId, ws.id), sql`lower(${campaigns.name}) = lower(${req.body.name})`));
      if (dup) throw new AppError('conflict', 'A campaign already has this name.', 'name');
      const [c] = await ctx.db.insert(campaigns).values({ workspaceId: ws.id, name: req.body.name, color: req.body.color, createdAt: ctx.clock() }).returning();
      return reply.status(201).send({ campaign: { id: c!.id, name: c!.name, color: c!.color } });
    });
  };
}
