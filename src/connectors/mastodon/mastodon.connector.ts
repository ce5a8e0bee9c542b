/**
 * Mastodon connector: plain REST calls through the guarded fetch (docs.joinmastodon.org/methods/).
 * Tokens never expire (a 401 means revoked → `AuthExpired`); publishing uses `Idempotency-Key` per part.
 */
import type {
  Capabilities,
  Connector,
  ConnectorContext,
  Interaction,
  InteractionPage,
  Limits,
  MediaInput,
  MetricSnapshot,
  ModerationAction,
  ModerationTarget,
  Published,
  PublishedPart,
  PublishRequest,
  ReconcileRequest,
  RemotePost,
  Variant,
  VariantPart,
} from '../connector.ts';
import { AuthExpired, Rejected, rejectedByValidation, Transient } from '../errors.ts';
import type { CallResult, CallSpec, HttpContext } from '../http.ts';
import { HttpClient } from '../http.ts';
import { validateVariant } from '../text/validate.ts';
import { streamMastodon, type MastodonStreamOptions } from './mastodon.stream.ts';
import type { MastodonAccount, MastodonCredentials, MastodonInstance, MastodonNotification, MastodonStatus } from './mastodon.api.ts';
import {
  compareIds,
  limitsFromInstance,
  notificationInteraction,
  parseLinkHeader,
  parseMastodonRateLimit,
  statusInteraction,
  toProfile,
} from './mastodon.api.ts';

export const mastodonCapabilities: Capabilities = {
  auth: 'oauth2',
  credentials: { expire: false, refreshable: false },
  publish: { text: true, images: true, video: false, thread: true, reply: true, contentWarning: true },
  deleteOwn: true,
  interactions: ['mention', 'reply', 'quote', 'dm', 'like', 'repost', 'follow'],
  moderation: ['block', 'unblock'],
  metrics: ['likes', 'reposts', 'replies', 'quotes'],
  search: true,
  reconciliation: 'idempotency-header',
  stream: 'account',
};

export interface MastodonOptions {
  /** First wait between media processing polls (doubles up to 2 s). */
  mediaPollIntervalMs?: number;
  /** Give up waiting for media processing after this long (the status is then not posted: `Transient`). */
  mediaProcessingTimeoutMs?: number;
  /** Visibility of published statuses. */
  visibility?: 'public' | 'unlisted' | 'private';
  /** Reconnect and heartbeat settings of `stream` (tests shorten them). */
  stream?: MastodonStreamOptions;
}

const NOTIFICATION_TYPES = ['mention', 'favourite', 'reblog', 'follow', 'quote'];

/** A Mastodon API call with the channel's token, mapping the documented 4xx answers to typed errors. */
export class MastodonApi {
  readonly http: HttpClient;
  readonly base: string;
  readonly token: string | null;

  constructor(ctx: HttpContext, instanceUrl: string, token: string | null) {
    this.http = new HttpClient('mastodon', ctx, parseMastodonRateLimit);
    this.base = instanceUrl;
    this.token = token;
  }

  async call(spec: Omit<CallSpec, 'url'> & { path: string; json?: unknown; allow?: number[] }): Promise<CallResult> {
    const headers: Record<string, string> = { accept: 'application/json', ...spec.headers };
    if (this.token !== null) headers['authorization'] = `Bearer ${this.token}`;
    let body = spec.body;
    if (spec.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.json);
    }
    const request: CallSpec = { method: spec.method, url: new URL(spec.path, this.base), headers, what: spec.what };
    if (body !== undefined) request.body = body;
    if (spec.write !== undefined) request.write = spec.write;
    const res = await this.http.call(request);
    if (res.status < 400 || spec.allow?.includes(res.status)) return res;
    const message = errorMessage(res);
    const host = new URL(this.base).host;
    if (res.status === 401) {
      throw new AuthExpired(`${host} no longer accepts Passerelle's token (revoked or the app was removed): reconnect the channel`, { network: 'mastodon' });
    }
    if (res.status === 403) throw new Rejected(`${host} refused to ${spec.what}: ${message}`, 'forbidden', { network: 'mastodon', status: 403 });
    if (res.status === 404) throw new Rejected(`${host} could not find what is needed to ${spec.what} (404): ${message}`, 'not_found', { network: 'mastodon', status: 404 });
    if (res.status === 413) throw new Rejected(`${host} refused the file as too large: ${message}`, 'media_too_large', { network: 'mastodon', status: 413 });
    if (res.status === 422) throw new Rejected(`${host} refused to ${spec.what}: ${message}`, rejectCode(message), { network: 'mastodon', status: 422 });
    throw new Rejected(`${host} refused to ${spec.what} (${res.status}): ${message}`, 'invalid_input', { network: 'mastodon', status: res.status });
  }
}

function errorMessage(res: CallResult): string {
  try {
    const body = JSON.parse(res.text) as { error?: string; error_description?: string };
    return body.error_description ?? body.error ?? res.text.slice(0, 200);
  } catch {
    return res.text.slice(0, 200) || `HTTP ${res.status}`;
  }
}

function rejectCode(message: string): Rejected['rejectCode'] {
  if (/character limit|too long/i.test(message)) return 'too_long';
  if (/file type|not supported|unsupported/i.test(message)) return 'media_type_unsupported';
  if (/too (large|big)|size limit/i.test(message)) return 'media_too_large';
  if (/attachments|media_ids/i.test(message)) return 'too_many_media';
  return 'invalid_input';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parts(variant: Variant): VariantPart[] {
  return [{ text: variant.text, ...(variant.media ? { media: variant.media } : {}) }, ...(variant.thread ?? [])];
}

function statusPart(index: number, status: MastodonStatus): PublishedPart {
  return { index, remoteId: status.id, url: status.url ?? status.uri, publishedAt: new Date(status.created_at) };
}

function published(list: PublishedPart[]): Published {
  const first = list[0];
  if (first === undefined) throw new Error('published() needs at least one part');
  return { remoteId: first.remoteId, url: first.url, publishedAt: first.publishedAt, parts: list };
}

/** Creates the Mastodon connector. */
export function createMastodonConnector(options: MastodonOptions = {}): Connector<MastodonCredentials> {
  const pollStart = options.mediaPollIntervalMs ?? 500;
  const pollBudget = options.mediaProcessingTimeoutMs ?? 60_000;
  const api = (ctx: ConnectorContext<MastodonCredentials>) => new MastodonApi(ctx, ctx.credentials.instanceUrl, ctx.credentials.accessToken);

  async function uploadMedia(client: MastodonApi, media: MediaInput, ctx: ConnectorContext<MastodonCredentials>): Promise<string> {
    const form = new FormData();
    form.set('file', new Blob([media.bytes as Uint8Array<ArrayBuffer>], { type: media.mimeType }), media.filename ?? 'image');
    if (media.altText) form.set('description', media.altText);
    // An upload that times out leaves at worst an unused attachment: not a publish, so `Transient`.
    const res = await client.call({ method: 'POST', path: '/api/v2/media', body: form, what: 'upload an image' });
    const attachment = res.json<{ id: string; url: string | null }>();
    if (res.status === 200 && attachment.url !== null) return attachment.id;
    // 202: processing; poll until 200 (206 means still processing).
    const deadline = ctx.now().getTime() + pollBudget;
    let wait = pollStart;
    for (;;) {
      await sleep(wait);
      const poll = await client.call({ method: 'GET', path: `/api/v1/media/${encodeURIComponent(attachment.id)}`, what: 'check image processing' });
      if (poll.status === 200) return attachment.id;
      if (ctx.now().getTime() + wait > deadline) {
        throw new Transient(`The instance was still processing image ${attachment.id} after ${Math.round(pollBudget / 1000)} s`, { network: 'mastodon' });
      }
      wait = Math.min(wait * 2, 2000);
    }
  }

  async function ownStatusesSince(client: MastodonApi, accountId: string, since: Date): Promise<MastodonStatus[]> {
    const out: MastodonStatus[] = [];
    let maxId: string | null = null;
    const floor = since.getTime() - 5 * 60_000;
    for (let page = 0; page < 10; page++) {
      const query = new URLSearchParams({ limit: '40', exclude_reblogs: 'true' });
      if (maxId !== null) query.set('max_id', maxId);
      const res = await client.call({ method: 'GET', path: `/api/v1/accounts/${encodeURIComponent(accountId)}/statuses?${query}`, what: 'list recent posts' });
      const statuses = res.json<MastodonStatus[]>();
      out.push(...statuses.filter((s) => new Date(s.created_at).getTime() >= floor));
      const last = statuses.at(-1);
      if (last === undefined || new Date(last.created_at).getTime() < floor) break;
      maxId = last.id;
    }
    return out;
  }

  async function sourceText(client: MastodonApi, id: string): Promise<string | null> {
    const res = await client.call({ method: 'GET', path: `/api/v1/statuses/${encodeURIComponent(id)}/source`, what: 'read a post\'s source', allow: [404] });
    return res.status === 404 ? null : res.json<{ text: string }>().text;
  }

  const connector: Connector<MastodonCredentials> = {
    network: 'mastodon',
    capabilities: mastodonCapabilities,

    async limits(ctx): Promise<Limits> {
      const res = await api(ctx).call({ method: 'GET', path: '/api/v2/instance', what: 'read the instance limits' });
      return limitsFromInstance(res.json<MastodonInstance>());
    },

    validate(variant, limits) {
      return validateVariant(variant, limits, { thread: true, reply: true, contentWarning: true });
    },

    async verify(ctx) {
      const res = await api(ctx).call({ method: 'GET', path: '/api/v1/accounts/verify_credentials', what: 'verify the account' });
      return toProfile(res.json<MastodonAccount>(), ctx.credentials.instanceUrl);
    },

    async refreshCredentials() {
      // Mastodon tokens do not expire and have no refresh token.
    },

    async disconnect(ctx) {
      const { clientId, clientSecret, accessToken } = ctx.credentials;
      const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret, token: accessToken });
      await api(ctx).call({
        method: 'POST',
        path: '/oauth/revoke',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        what: 'revoke the token',
        allow: [401, 403],
      });
    },

    async publish(ctx, request: PublishRequest): Promise<Published> {
      if (request.limits) {
        const issues = connector.validate(request.variant, request.limits);
        if (issues.length > 0) throw rejectedByValidation(issues, 'mastodon');
      }
      const client = api(ctx);
      const all = parts(request.variant);
      const done = new Map((request.done ?? []).map((p) => [p.index, p]));
      const result: PublishedPart[] = [];
      let parent = request.variant.replyTo ?? null;
      for (const [index, part] of all.entries()) {
        const existing = done.get(index);
        if (existing !== undefined) {
          result.push(existing);
          parent = existing.remoteId;
          continue;
        }
        const mediaIds: string[] = [];
        for (const media of part.media ?? []) mediaIds.push(await uploadMedia(client, media, ctx));
        const body: Record<string, unknown> = { status: part.text, visibility: options.visibility ?? 'public' };
        if (mediaIds.length > 0) body['media_ids'] = mediaIds;
        if (parent !== null) body['in_reply_to_id'] = parent;
        if (request.variant.language) body['language'] = request.variant.language;
        if (request.variant.contentWarning) body['spoiler_text'] = request.variant.contentWarning;
        const res = await client.call({
          method: 'POST',
          path: '/api/v1/statuses',
          json: body,
          headers: { 'idempotency-key': `${request.idempotencyKey}:${index}` },
          write: true,
          what: index === 0 ? 'publish the post' : `publish part ${index + 1} of the thread`,
        });
        const status = res.json<MastodonStatus>();
        const publishedPart = statusPart(index, status);
        result.push(publishedPart);
        await request.onPart?.(publishedPart);
        ctx.log.info({ network: 'mastodon', statusId: status.id, part: index }, 'published');
        parent = status.id;
      }
      return published(result);
    },

    async findPublished(ctx, request: ReconcileRequest): Promise<Published | null> {
      // The Idempotency-Key only protects a retry for about an hour; this looks at the account's own
      // recent posts and compares their source text, which is exact.
      const client = api(ctx);
      const recent = (await ownStatusesSince(client, ctx.credentials.accountId, request.since)).sort((a, b) => compareIds(a.id, b.id));
      const wanted = parts(request.variant);
      const found: PublishedPart[] = [];
      let parent = request.variant.replyTo ?? null;
      for (const [index, part] of wanted.entries()) {
        let match: MastodonStatus | undefined;
        for (const status of recent) {
          if ((status.in_reply_to_id ?? null) !== parent) continue;
          if ((await sourceText(client, status.id))?.trim() === part.text.trim()) {
            match = status;
            break;
          }
        }
        if (match === undefined) break;
        found.push(statusPart(index, match));
        parent = match.id;
      }
      return found.length === 0 ? null : published(found);
    },

    async deletePost(ctx, remoteId) {
      await api(ctx).call({ method: 'DELETE', path: `/api/v1/statuses/${encodeURIComponent(remoteId)}`, what: 'delete the post', allow: [404] });
    },

    async fetchInteractions(ctx, cursor, opts): Promise<InteractionPage> {
      const limit = Math.min(Math.max(opts?.limit ?? 40, 1), 80);
      const query = new URLSearchParams({ limit: String(limit) });
      for (const type of NOTIFICATION_TYPES) query.append('types[]', type);
      // Backfill: min_id=0 pages from the oldest notification upwards; the caller drops those before `since`.
      const backfill = cursor === null && opts?.since !== undefined;
      if (cursor !== null) query.set('min_id', cursor);
      else if (backfill) query.set('min_id', '0');
      const res = await api(ctx).call({ method: 'GET', path: `/api/v1/notifications?${query}`, what: 'read notifications' });
      const notifications = res.json<MastodonNotification[]>().sort((a, b) => compareIds(a.id, b.id));
      const newest = notifications.at(-1)?.id;
      const prev = parseLinkHeader(res.headers.get('link'))['prev']?.['min_id'];
      // No notification at all yet: from now on, everything is new (min_id=0).
      const nextCursor = newest ?? prev ?? cursor ?? '0';
      const items = notifications
        .map((n) => notificationInteraction(n, ctx.credentials.accountId, ctx.credentials.instanceUrl))
        .filter((i): i is Interaction => i !== null);
      // Without a cursor we start from the newest page and do not backfill older notifications.
      const since = opts?.since;
      const kept = since ? items.filter((i) => i.createdAt >= since) : items;
      return { items: kept, cursor: nextCursor, hasMore: (cursor !== null || backfill) && notifications.length >= limit };
    },

    async fetchReplies(ctx, remoteId) {
      const res = await api(ctx).call({ method: 'GET', path: `/api/v1/statuses/${encodeURIComponent(remoteId)}/context`, what: 'read the replies' });
      const { descendants } = res.json<{ descendants: MastodonStatus[] }>();
      return descendants
        .sort((a, b) => compareIds(a.id, b.id))
        .map((s) => ({ ...statusInteraction(s, ctx.credentials.accountId, ctx.credentials.instanceUrl, 'reply'), root: remoteId }));
    },

    async fetchPosts(ctx, remoteIds) {
      // One request per status: GET /api/v1/statuses?id[]= exists only since Mastodon 4.3.
      const client = api(ctx);
      const out: RemotePost[] = [];
      for (const id of remoteIds) {
        if (!/^[0-9A-Za-z_-]+$/.test(id)) continue; // not a Mastodon status id (e.g. another network's)
        const res = await client.call({ method: 'GET', path: `/api/v1/statuses/${encodeURIComponent(id)}`, what: 'read a post', allow: [404] });
        if (res.status === 404) continue;
        const { remoteId, author, text, createdAt, url } = statusInteraction(res.json<MastodonStatus>(), ctx.credentials.accountId, ctx.credentials.instanceUrl);
        out.push({ remoteId, author, text, createdAt, url });
      }
      return out;
    },

    async moderate(ctx, action: ModerationAction, target: ModerationTarget) {
      if (action === 'block' || action === 'unblock') {
        if (!target.authorRemoteId) throw new Rejected('Say whose account to block', 'invalid_input', { network: 'mastodon' });
        await api(ctx).call({ method: 'POST', path: `/api/v1/accounts/${encodeURIComponent(target.authorRemoteId)}/${action}`, what: `${action} the account` });
        return;
      }
      throw new Rejected(
        action === 'delete'
          ? 'Mastodon does not let an account delete other people\'s replies; block the author or report the post instead'
          : 'Mastodon cannot hide replies; block the author or report the post instead',
        'unsupported',
        { network: 'mastodon' },
      );
    },

    async fetchMetrics(ctx, remoteIds): Promise<MetricSnapshot[]> {
      const client = api(ctx);
      const out: MetricSnapshot[] = [];
      for (const id of remoteIds) {
        const res = await client.call({ method: 'GET', path: `/api/v1/statuses/${encodeURIComponent(id)}`, what: 'read post counts', allow: [404] });
        if (res.status === 404) continue;
        const s = res.json<MastodonStatus>();
        const snapshot: MetricSnapshot = {
          remoteId: id,
          fetchedAt: ctx.now(),
          values: { likes: s.favourites_count, reposts: s.reblogs_count, replies: s.replies_count },
          fields: { likes: 'favourites_count', reposts: 'reblogs_count', replies: 'replies_count' },
        };
        if (s.quotes_count !== undefined) {
          snapshot.values.quotes = s.quotes_count;
          snapshot.fields.quotes = 'quotes_count';
        }
        out.push(snapshot);
      }
      return out;
    },

    async search(ctx, query, cursor) {
      const offset = cursor === null ? 0 : Number(cursor) || 0;
      const params = new URLSearchParams({ q: query, type: 'statuses', limit: '20', offset: String(offset) });
      const res = await api(ctx).call({ method: 'GET', path: `/api/v2/search?${params}`, what: 'search posts' });
      const { statuses } = res.json<{ statuses: MastodonStatus[] }>();
      return {
        items: statuses.map((s) => statusInteraction(s, ctx.credentials.accountId, ctx.credentials.instanceUrl, 'mention')),
        cursor: statuses.length < 20 ? null : String(offset + statuses.length),
      };
    },

    stream(ctx, sink, signal) {
      return streamMastodon(ctx, sink, signal, options.stream);
    },
  };
  return connector;
}
