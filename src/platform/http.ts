import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import fs from 'node:fs';
import path from 'node:path';
import { authenticate, resolveWorkspace } from './auth.ts';
import type { Deps } from './context.ts';
import { AppError } from './errors.ts';

export type RoutePlugin = FastifyPluginAsync;
export type App = FastifyInstance;

/** Options for {@link buildHttpApp}. */
export type HttpOptions = {
  routes: RoutePlugin[];
  /** Directory of the built web app (served with SPA fallback), or null not to serve it. */
  webDir: string | null;
  /** Whether readiness should be reported (false while starting or draining). */
  isReady: () => boolean;
};

/**
 * The HTTP application: helmet → cookies → rate limit (per route) → authenticate (onRequest) →
 * zod validation → handler (service authorises) → zod-serialised response. One error shape for all.
 */
export async function buildHttpApp(deps: Deps, opts: HttpOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    trustProxy: deps.config.trustProxy,
    bodyLimit: 2 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'https:'], styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"], connectSrc: ["'self'"], objectSrc: ["'none'"], frameAncestors: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => {
      const err = new AppError('rate_limited', `Too many attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s.`);
      return Object.assign(err, { statusCode: 429 });
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Passerelle API', version: '0.1.0', description: 'Community-management workbench. Authenticate with the session cookie or `Authorization: Bearer psl_…` (workspace-scoped API token).' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, cookie: { type: 'apiKey', in: 'cookie', name: 'psl_session' } } },
    },
    transform: jsonSchemaTransform,
  });

  app.decorateRequest('auth', null as never);
  app.decorateRequest('workspaceScope', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    const mode = req.routeOptions.config.auth ?? 'public';
    req.auth = await authenticate(deps, req);
    if (mode === 'public') return;
    if (!req.auth.actor) throw new AppError('unauthenticated');
    // Cookie-authenticated writes must come from our own pages (SameSite=Lax already blocks most).
    if (req.auth.sessionId && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) checkOrigin(req.headers.origin, req.headers.host);
    if (mode === 'user' && req.auth.actor.type !== 'user') {
      throw new AppError('unauthenticated', 'API tokens only work on workspace routes (/api/workspaces/:wid/…).');
    }
    if (mode === 'workspace') {
      const wid = (req.params as { wid?: string }).wid;
      if (!wid) throw new Error(`Route ${req.routeOptions.url} is workspace-scoped but has no :wid`);
      req.workspaceScope = await resolveWorkspace(deps, req, wid);
    }
  });

  app.setErrorHandler((error: FastifyError | AppError, req, reply) => {
    const body = toErrorBody(error);
    if (body.status >= 500) req.log.error({ err: error }, 'request failed');
    void reply.status(body.status).send({ error: { code: body.code, message: body.message, ...(body.field ? { field: body.field } : {}) } });
  });
  app.setNotFoundHandler((req, reply) => {
    // A missing hashed asset (e.g. after a rebuild while running) is a real 404, not the app's page.
    if (req.method === 'GET' && opts.webDir && !req.url.startsWith('/api/') && !req.url.startsWith('/assets/') && fs.existsSync(path.join(opts.webDir, 'index.html'))) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html', opts.webDir);
    }
    return reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` } });
  });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    if (!opts.isReady()) return reply.status(503).send({ status: 'starting' });
    await deps.db.execute('SELECT 1');
    return { status: 'ready' };
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  for (const plugin of opts.routes) await app.register(plugin);

  if (opts.webDir && fs.existsSync(opts.webDir)) {
    await app.register(fastifyStatic, { root: opts.webDir, prefix: '/', wildcard: false, index: ['index.html'], maxAge: '1h', immutable: false });
  } else if (opts.webDir) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/plain').send('The web app is not built yet. Run `npm run build:web` (npm start does it for you).'));
  }
  return app;
}

function checkOrigin(origin: string | undefined, host: string | undefined): void {
  if (!origin) return;
  try {
    if (new URL(origin).host === host) return;
  } catch { /* malformed origin: refuse below */ }
  throw new AppError('forbidden', 'Cross-site request refused.');
}

/** Maps any error to the public `{code, message, field}` shape; never leaks internals. */
export function toErrorBody(error: unknown): { status: number; code: string; message: string; field?: string } {
  if (error instanceof AppError) return { status: error.status, code: error.code, message: error.message, field: error.field };
  const e = error as FastifyError & { validation?: unknown };
  if (hasZodFastifySchemaValidationErrors(e)) {
    const first = e.validation[0]!;
    // Fields are named body-relative (`email`), else `params.x` / `query.x` / `headers.x`; Fastify calls
    // the query "querystring", which disagreed with the services' own `query.cursor`.
    const context = e.validationContext === 'querystring' ? 'query' : e.validationContext;
    const where = context === 'body' ? '' : `${context}.`;
    const keyPath = first.instancePath.split('/').filter(Boolean).join('.');
    const unknownKey = first.keyword === 'unrecognized_keys' ? (first.params.keys as string[] | undefined)?.[0] : undefined;
    const field = `${where}${keyPath}${unknownKey ? (keyPath ? '.' : '') + unknownKey : ''}` || String(context);
    const message = unknownKey ? `Unknown field “${field}”.` : `${field}: ${first.message}`;
    return { status: 400, code: 'validation_failed', message, field };
  }
  if (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e instanceof SyntaxError) return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return { status: 400, code: 'validation_failed', message: 'The request body is empty; send a JSON object.' };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return { status: 415, code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json).' };
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return { status: 413, code: 'payload_too_large', message: 'The request is too large.' };
  if (e.statusCode === 429) return { status: 429, code: 'rate_limited', message: e.message };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return { status: e.statusCode, code: 'validation_failed', message: e.message };
  return { status: 500, code: 'internal_error', message: 'Something went wrong on our side.' };
}

export type { ZodTypeProvider };
