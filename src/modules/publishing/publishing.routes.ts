import type { FastifyPluginAsyncZod, ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestCtx } from '../../platform/auth.ts';
import type { Deps } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { wsParams } from '../workspaces/workspaces.schema.ts';
import * as approvals from './approvals.service.ts';
import * as cal from './calendar.service.ts';
import { charterRules } from './charter.rules.ts';
import * as charter from './charter.service.ts';
import { importCsv } from './import.service.ts';
import * as links from './links.service.ts';
import * as media from './media.service.ts';
import { idParams, isoInstant, localTime, postOut, variantState } from './publishing.schema.ts';

/** Approvals, charter, calendar and plan, short links, media library and CSV import. */
export function publishingRoutes(deps: Deps): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['publishing'];
    const config = { auth: 'workspace' as const };
    const one = { 200: z.object({ post: postOut }) };

    // --- approvals ---------------------------------------------------------------------------------
    app.post('/api/workspaces/:wid/posts/:id/submit', { config, schema: { tags, params: idParams, response: one } },
      async (req) => ({ post: await approvals.submitPost(requestCtx(deps, req), req.params.id) }));
    app.post('/api/workspaces/:wid/posts/:id/approve', { config, schema: { tags, params: idParams, body: z.strictObject({ comment: z.string().max(2000).default('') }).nullish(), response: one } },
      async (req) => ({ post: await approvals.decide(requestCtx(deps, req), req.params.id, { decision: 'approve', comment: req.body?.comment ?? '' }) }));
    app.post('/api/workspaces/:wid/posts/:id/reject', { config, schema: { tags, params: idParams, body: z.strictObject({ comment: z.string().trim().min(1, 'say why').max(2000) }), response: one } },
      async (req) => ({ post: await approvals.decide(requestCtx(deps, req), req.params.id, { decision: 'reject', comment: req.body.comment }) }));
    app.get('/api/workspaces/:wid/posts/:id/approvals', { config, schema: { tags, params: idParams } },
      (req) => approvals.approvalHistory(requestCtx(deps, req), req.params.id));
    app.get('/api/workspaces/:wid/approvals/inbox', { config, schema: { tags, params: wsParams, response: { 200: z.object({ posts: z.array(postOut) }) } } },
      (req) => approvals.approvalInbox(requestCtx(deps, req)));
    const stepsSchema = z.array(z.strictObject({ name: z.string().trim().min(1).max(100), approverIds: z.array(z.uuid()).max(50) })).max(10);
    app.get('/api/workspaces/:wid/approval-flow', { config, schema: { tags, params: wsParams } }, (req) => approvals.getFlow(requestCtx(deps, req)));
    app.put('/api/workspaces/:wid/approval-flow', { config, schema: { tags, params: wsParams, body: z.strictObject({ steps: stepsSchema }) } },
      (req) => approvals.updateFlow(requestCtx(deps, req), req.body.steps));

    // --- charter -----------------------------------------------------------------------------------
    app.get('/api/workspaces/:wid/charter', { config, schema: { tags, params: wsParams } }, (req) => charter.getCharter(requestCtx(deps, req)));
    app.put('/api/workspaces/:wid/charter', { config, schema: { tags, params: wsParams, body: z.strictObject({ toneNotes: z.string().max(20_000).default(''), rules: charterRules }) } },
      (req) => charter.updateCharter(requestCtx(deps, req), req.body));

    // --- calendar, plan, best time -----------------------------------------------------------------
    const list = (s: z.ZodType) => z.union([s, z.array(s)]).transform((v) => (Array.isArray(v) ? v : [v]));
    app.get('/api/workspaces/:wid/calendar', {
      config, schema: {
        tags, params: wsParams,
        querystring: z.strictObject({
          from: isoInstant, to: isoInstant, channelId: list(z.uuid()).optional(), campaignId: z.uuid().optional(), tag: z.string().max(50).optional(),
          status: list(variantState).optional(), authorId: z.uuid().optional(),
        }),
      },
    }, (req) => cal.calendar(requestCtx(deps, req), {
      from: new Date(req.query.from), to: new Date(req.query.to), channelIds: req.query.channelId as string[] | undefined, campaignId: req.query.campaignId,
      tag: req.query.tag, status: req.query.status as z.infer<typeof variantState>[] | undefined, authorId: req.query.authorId,
    }));
    app.get('/api/workspaces/:wid/plan', { config, schema: { tags, params: wsParams } }, (req) => cal.getPlan(requestCtx(deps, req)));
    app.put('/api/workspaces/:wid/plan', {
      config, schema: { tags, params: wsParams, body: z.strictObject({ slots: z.array(z.strictObject({ channelId: z.uuid(), weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7), time: localTime, label: z.string().max(100).default('') })).max(200) }) },
    }, (req) => cal.updatePlan(requestCtx(deps, req), req.body.slots));
    app.get('/api/workspaces/:wid/best-times', { config, schema: { tags, params: wsParams, querystring: z.strictObject({ channelId: list(z.uuid()).optional() }) } },
      (req) => cal.bestTimes(requestCtx(deps, req), req.query.channelId as string[] | undefined));

    // --- short links -------------------------------------------------------------------------------
    const utm = z.strictObject({
      source: z.string().max(100).optional(), medium: z.string().max(100).optional(), campaign: z.string().max(100).optional(), term: z.string().max(100).optional(), content: z.string().max(100).optional(),
    }).default({});
    app.post('/api/workspaces/:wid/links', { config, schema: { tags, params: wsParams, body: z.strictObject({ url: z.string().max(2000), utm, variantId: z.uuid().optional() }) } },
      async (req, reply) => reply.status(201).send({ link: await links.createLink(requestCtx(deps, req), req.body) }));
    app.get('/api/workspaces/:wid/links', { config, schema: { tags, params: wsParams, querystring: z.strictObject({ variantId: z.uuid().optional(), postId: z.uuid().optional() }) } },
      (req) => links.listLinks(requestCtx(deps, req), req.query));
    app.get('/api/workspaces/:wid/links/:id/stats', { config, schema: { tags, params: idParams } }, (req) => links.linkStats(requestCtx(deps, req), req.params.id));
    app.post('/api/workspaces/:wid/variants/:id/shorten-links', { config, schema: { tags, params: idParams, body: z.strictObject({ utm }).nullish() } },
      (req) => links.shortenVariantLinks(requestCtx(deps, req), req.params.id, req.body?.utm ?? {}));

    // --- media library -----------------------------------------------------------------------------
    await app.register(async (plain) => {
      const upload = plain.withTypeProvider<ZodTypeProvider>();
      // Raw uploads (Content-Type: image/… or video/…); JSON with base64 stays accepted.
      upload.addContentTypeParser(/^(image|video)\/[\w.+-]+$|^application\/octet-stream$/, { parseAs: 'buffer', bodyLimit: media.MAX_VIDEO_BYTES + 1024 }, (_req, body, done) => done(null, body));
      upload.post('/api/workspaces/:wid/media', {
        config, bodyLimit: Math.ceil(media.MAX_VIDEO_BYTES * 1.4),
        schema: {
          tags, params: wsParams,
          querystring: z.strictObject({ filename: z.string().max(200).optional(), altText: z.string().max(1500).optional() }),
          body: z.union([
            z.instanceof(Buffer),
            z.strictObject({ dataBase64: z.string().min(4), filename: z.string().max(200).default('file'), altText: z.string().max(1500).default(''), mimeType: z.string().max(100).optional() }),
          ]),
        },
      }, async (req, reply) => {
        const body = req.body;
        let input;
        if (Buffer.isBuffer(body)) {
          input = { bytes: body, filename: req.query.filename ?? 'file', altText: req.query.altText ?? '', declaredMime: req.headers['content-type'] === 'application/octet-stream' ? undefined : req.headers['content-type'] };
        } else {
          if (!/^[A-Za-z0-9+/=\s]+$/.test(body.dataBase64)) throw new AppError('validation_failed', 'Not base64.', 'dataBase64');
          input = { bytes: Buffer.from(body.dataBase64, 'base64'), filename: body.filename, altText: body.altText, declaredMime: body.mimeType };
        }
        return reply.status(201).send({ media: await media.uploadMedia(requestCtx(deps, req), input) });
      });
    });
    app.get('/api/workspaces/:wid/media', {
      config, schema: { tags, params: wsParams, querystring: z.strictObject({ kind: z.enum(['image', 'video']).optional(), limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) }) },
    }, (req) => media.listMedia(requestCtx(deps, req), req.query));
    app.get('/api/workspaces/:wid/media/:id/content', { config, schema: { tags, params: idParams } }, async (req, reply) => {
      const m = await media.getMediaContent(requestCtx(deps, req), req.params.id);
      return reply.header('content-type', m.mimeType).header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'private, max-age=3600').header('content-disposition', `inline; filename="${m.filename.replace(/[^\w.-]/g, '_')}"`).send(m.bytes);
    });
    app.patch('/api/workspaces/:wid/media/:id', { config, schema: { tags, params: idParams, body: z.strictObject({ altText: z.string().max(1500).optional(), filename: z.string().trim().min(1).max(200).optional() }) } },
      async (req) => ({ media: await media.updateMedia(requestCtx(deps, req), req.params.id, req.body) }));
    app.delete('/api/workspaces/:wid/media/:id', { config, schema: { tags, params: idParams } }, async (req, reply) => {
      await media.deleteMedia(requestCtx(deps, req), req.params.id);
      return reply.status(204).send();
    });

    // --- CSV import --------------------------------------------------------------------------------
    app.post('/api/workspaces/:wid/imports/csv', {
      config: { ...config, rateLimit: { max: 30, timeWindow: '1 minute' } },
      schema: { tags, params: wsParams, body: z.strictObject({ csv: z.string().min(1).max(1_000_000), dryRun: z.boolean().default(true), importValidRows: z.boolean().default(false), then: z.enum(['draft', 'submit', 'schedule']).default('draft') }) },
    }, (req) => importCsv(requestCtx(deps, req), req.body));

    // --- the public redirect (outside /api: no authentication) ---------------------------------------
    app.get('/l/:code', { schema: { hide: true, params: z.object({ code: z.string().max(32) }) }, config: { rateLimit: { max: 300, timeWindow: '1 minute' } } }, async (req, reply) => {
      const to = await links.followLink(deps, req.params.code, { ip: req.ip, userAgent: String(req.headers['user-agent'] ?? '').slice(0, 300), referrer: req.headers.referer });
      if (!to) return reply.status(404).type('text/plain').send('This link does not exist.');
      return reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer-when-downgrade').redirect(to, 302);
    });
  };
}
