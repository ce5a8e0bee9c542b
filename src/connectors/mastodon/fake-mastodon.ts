/**
 * A local HTTP server that answers like the documented Mastodon API (docs.joinmastodon.org), for the
 * connector's contract tests. It keeps state (apps, tokens, accounts, statuses, media, notifications) and
 * has knobs to provoke the documented failures: 429 with X-RateLimit-Reset, revoked tokens, 422
 * validation errors, media still processing (202 then 206), slow answers, server errors.
 *
 * It is not Mastodon: only the shapes and behaviours the connector relies on are reproduced.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  avatar: string;
  url: string;
  followers_count: number;
}

interface Status {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  content: string;
  text: string;
  spoiler_text: string;
  visibility: string;
  language: string | null;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  accountId: string;
  media_attachments: Array<{ id: string; type: string; description: string | null }>;
  favourites: Set<string>;
  reblogs: Set<string>;
  deleted: boolean;
}

interface Notification {
  id: string;
  type: string;
  created_at: string;
  forAccountId: string;
  fromAccountId: string;
  statusId: string | null;
}

export interface FakeRequest {
  method: string;
  path: string;
  idempotencyKey: string | undefined;
}

export interface FakeMastodonOptions {
  maxCharacters?: number;
  maxMediaAttachments?: number;
  charactersReservedPerUrl?: number;
  imageSizeLimit?: number;
  /** Requests per 5-minute window before `X-RateLimit-Remaining` reaches 0 (Mastodon's default: 300). */
  requestsPerWindow?: number;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The fake server. `start()` listens on 127.0.0.1 on a free port; `url` is its origin. */
export class FakeMastodon {
  url = '';
  readonly requests: FakeRequest[] = [];
  readonly options: Required<FakeMastodonOptions>;
  /** Number of 206 answers a new upload gets before 200 (0: the upload answers 200 at once). */
  mediaProcessingPolls = 0;
  /** Next N authenticated requests answer 429 with X-RateLimit-Reset = this date. */
  rateLimit: { count: number; resetAt: Date } | null = null;
  /** Requests whose path starts with `path` wait `ms` before being handled (the work is still done). */
  slow: { method: string; path: string; ms: number } | null = null;
  /** Next request to `path` answers `status` without doing anything. */
  failNext: { method: string; path: string; status: number } | null = null;

  private server: http.Server | null = null;
  private nextId = 110_000_000_000_000_000n;
  private readonly apps = new Map<string, { secret: string; redirectUris: string[]; scopes: string }>();
  private readonly codes = new Map<string, { clientId: string; redirectUri: string; challenge: string | null; accountId: string }>();
  private readonly tokens = new Map<string, { accountId: string; clientId: string | null; revoked: boolean }>();
  private readonly accounts = new Map<string, Account>();
  private readonly statuses = new Map<string, Status>();
  private readonly media = new Map<string, { pollsLeft: number; description: string | null; accountId: string }>();
  private readonly notifications: Notification[] = [];
  private readonly idempotency = new Map<string, string>();
  private readonly blocks = new Set<string>();
  private windowStart = Date.now();
  private windowCount = 0;
  /** The account that approves /oauth/authorize (the "logged-in user" of the instance). */
  authorizingAccountId: string | null = null;
  /** `configuration.urls.streaming` of /api/v2/instance (set by `FakeMastodonStreaming`), when any. */
  streamingUrl: string | null = null;
  /** Called with every new notification as the API would return it (the streaming server pushes it). */
  readonly notificationListeners = new Set<(forAccountId: string, notification: object) => void>();

  constructor(options: FakeMastodonOptions = {}) {
    this.options = {
      maxCharacters: options.maxCharacters ?? 500,
      maxMediaAttachments: options.maxMediaAttachments ?? 4,
      charactersReservedPerUrl: options.charactersReservedPerUrl ?? 23,
      imageSizeLimit: options.imageSizeLimit ?? 16 * 1024 * 1024,
      requestsPerWindow: options.requestsPerWindow ?? 300,
    };
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(error) }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private id(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  /** Creates a local account and a token for it (as if it had authorized some app). */
  createAccount(username: string, displayName = username): { account: Account; token: string } {
    const id = this.id();
    const account: Account = {
      id,
      username,
      acct: username,
      display_name: displayName,
      avatar: `${this.url}/avatars/${username}.png`,
      url: `${this.url}/@${username}`,
      followers_count: 0,
    };
    this.accounts.set(id, account);
    const token = `token-${username}-${id}`;
    this.tokens.set(token, { accountId: id, clientId: null, revoked: false });
    return { account, token };
  }

  /** Revokes every token of the account (the user removed the app in their settings). */
  revokeTokensOf(accountId: string): void {
    for (const t of this.tokens.values()) if (t.accountId === accountId) t.revoked = true;
  }

  /** Statuses of an account that are not deleted (test assertions). */
  statusesOf(accountId: string): Status[] {
    return [...this.statuses.values()].filter((s) => s.accountId === accountId && !s.deleted);
  }

  /** The account a token acts for, or null when the token is unknown or revoked (streaming auth). */
  accountIdForToken(token: string): string | null {
    const t = this.tokens.get(token);
    return t && !t.revoked && this.accounts.has(t.accountId) ? t.accountId : null;
  }

  isBlocked(byAccountId: string, targetId: string): boolean {
    return this.blocks.has(`${byAccountId}:${targetId}`);
  }

  private accountJson(a: Account) {
    return { id: a.id, username: a.username, acct: a.acct, display_name: a.display_name, avatar: a.avatar, url: a.url, followers_count: a.followers_count };
  }

  private statusJson(s: Status) {
    const account = this.accounts.get(s.accountId);
    return {
      id: s.id,
      uri: s.uri,
      url: s.url,
      created_at: s.created_at,
      content: s.content,
      spoiler_text: s.spoiler_text,
      visibility: s.visibility,
      language: s.language,
      in_reply_to_id: s.in_reply_to_id,
      in_reply_to_account_id: s.in_reply_to_account_id,
      account: account ? this.accountJson(account) : null,
      media_attachments: s.media_attachments,
      replies_count: [...this.statuses.values()].filter((r) => r.in_reply_to_id === s.id && !r.deleted).length,
      reblogs_count: s.reblogs.size,
      favourites_count: s.favourites.size,
    };
  }

  private notify(type: string, forAccountId: string, fromAccountId: string, statusId: string | null): void {
    if (forAccountId === fromAccountId) return;
    const notification: Notification = { id: this.id(), type, created_at: new Date().toISOString(), forAccountId, fromAccountId, statusId };
    this.notifications.push(notification);
    for (const listener of this.notificationListeners) listener(forAccountId, this.notificationJson(notification));
  }

  /** A notification as the Notification entity (docs.joinmastodon.org/entities/Notification). */
  private notificationJson(n: Notification) {
    const from = this.accounts.get(n.fromAccountId);
    const status = n.statusId ? this.statuses.get(n.statusId) : undefined;
    return { id: n.id, type: n.type, created_at: n.created_at, account: from ? this.accountJson(from) : null, status: status ? this.statusJson(status) : null };
  }

  private countLength(text: string): number {
    const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const replaced = text.replace(/https?:\/\/\S+/g, 'x'.repeat(this.options.charactersReservedPerUrl));
    return [...seg.segment(replaced)].length;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method, path: url.pathname, idempotencyKey });

    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
    };

    if (this.slow && method === this.slow.method && url.pathname.startsWith(this.slow.path)) {
      await new Promise((r) => setTimeout(r, this.slow?.ms ?? 0));
    }
    if (this.failNext && method === this.failNext.method && url.pathname.startsWith(this.failNext.path)) {
      const status = this.failNext.status;
      this.failNext = null;
      send(status, { error: 'Simulated failure' });
      return;
    }

    const contentType = String(req.headers['content-type'] ?? '');
    const readBody = async (): Promise<Record<string, unknown>> => {
      if (raw.length === 0) return {};
      if (contentType.startsWith('application/json')) return JSON.parse(raw.toString()) as Record<string, unknown>;
      if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw.toString()));
      if (contentType.startsWith('multipart/form-data')) {
        const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
        return Object.fromEntries(form.entries());
      }
      return {};
    };

    // --- public endpoints --------------------------------------------------------------------------
    if (method === 'GET' && url.pathname === '/api/v2/instance') {
      send(200, {
        domain: new URL(this.url).host,
        version: '4.3.0',
        configuration: {
          statuses: { max_characters: this.options.maxCharacters, max_media_attachments: this.options.maxMediaAttachments, characters_reserved_per_url: this.options.charactersReservedPerUrl },
          media_attachments: { supported_mime_types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'video/mp4'], image_size_limit: this.options.imageSizeLimit, description_limit: 1500 },
          ...(this.streamingUrl ? { urls: { streaming: this.streamingUrl } } : {}),
        },
      });
      return;
    }
    if (method === 'POST' && url.pathname === '/api/v1/apps') {
      const body = await readBody();
      if (!body['client_name'] || !body['redirect_uris']) {
        send(422, { error: 'Validation failed: Application name can\'t be blank' });
        return;
      }
      const clientId = `client-${this.id()}`;
      const secret = `secret-${this.id()}`;
      this.apps.set(clientId, { secret, redirectUris: String(body['redirect_uris']).split(/\s+/), scopes: String(body['scopes'] ?? 'read') });
      send(200, { id: this.id(), name: body['client_name'], client_id: clientId, client_secret: secret, redirect_uri: body['redirect_uris'] });
      return;
    }
    if (method === 'GET' && url.pathname === '/oauth/authorize') {
      const clientId = url.searchParams.get('client_id') ?? '';
      const redirectUri = url.searchParams.get('redirect_uri') ?? '';
      const app = this.apps.get(clientId);
      if (!app || !app.redirectUris.includes(redirectUri) || this.authorizingAccountId === null) {
        send(400, { error: 'invalid_request' });
        return;
      }
      const code = `code-${this.id()}`;
      this.codes.set(code, { clientId, redirectUri, challenge: url.searchParams.get('code_challenge'), accountId: this.authorizingAccountId });
      const target = new URL(redirectUri);
      target.searchParams.set('code', code);
      const state = url.searchParams.get('state');
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (method === 'POST' && url.pathname === '/oauth/token') {
      const body = await readBody();
      const app = this.apps.get(String(body['client_id']));
      if (!app || app.secret !== body['client_secret']) {
        send(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
        return;
      }
      const grant = this.codes.get(String(body['code']));
      const verifier = body['code_verifier'] === undefined ? null : String(body['code_verifier']);
      const pkceOk = grant?.challenge == null || (verifier !== null && createHash('sha256').update(verifier).digest('base64url') === grant.challenge);
      if (!grant || grant.clientId !== body['client_id'] || grant.redirectUri !== body['redirect_uri'] || !pkceOk) {
        send(400, { error: 'invalid_grant', error_description: 'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.' });
        return;
      }
      this.codes.delete(String(body['code']));
      const token = `token-${this.id()}`;
      this.tokens.set(token, { accountId: grant.accountId, clientId: grant.clientId, revoked: false });
      send(200, { access_token: token, token_type: 'Bearer', scope: app.scopes, created_at: Math.floor(Date.now() / 1000) });
      return;
    }
    if (method === 'POST' && url.pathname === '/oauth/revoke') {
      const body = await readBody();
      const t = this.tokens.get(String(body['token']));
      if (t) t.revoked = true;
      send(200, {});
      return;
    }

    // Streaming lives on its own server (fake-mastodon.stream.ts, advertised in urls.streaming).
    if (url.pathname.startsWith('/api/v1/streaming')) {
      send(404, { error: 'Streaming is served at configuration.urls.streaming' });
      return;
    }

    // --- authenticated endpoints -------------------------------------------------------------------
    const auth = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''));
    const token = auth?.[1] ? this.tokens.get(auth[1]) : undefined;
    if (!token || token.revoked) {
      send(401, { error: 'The access token was revoked' });
      return;
    }
    const me = this.accounts.get(token.accountId);
    if (!me) {
      send(401, { error: 'The access token is invalid' });
      return;
    }
    // Rate-limit headers (default: 300 requests per 5 minutes).
    const now = Date.now();
    if (now - this.windowStart > 300_000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount++;
    const perWindow = this.options.requestsPerWindow;
    const rl = { 'x-ratelimit-limit': String(perWindow), 'x-ratelimit-remaining': String(Math.max(0, perWindow - this.windowCount)), 'x-ratelimit-reset': new Date(this.windowStart + 300_000).toISOString() };
    if (this.rateLimit && this.rateLimit.count > 0) {
      this.rateLimit.count--;
      send(429, { error: 'Too many requests' }, { ...rl, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': this.rateLimit.resetAt.toISOString() });
      return;
    }
    const ok = (body: unknown, status = 200, headers: Record<string, string> = {}) => send(status, body, { ...rl, ...headers });
    const notFound = () => send(404, { error: 'Record not found' }, rl);
    let m: RegExpExecArray | null;

    if (method === 'GET' && url.pathname === '/api/v1/accounts/verify_credentials') {
      ok({ ...this.accountJson(me), source: { privacy: 'public' } });
      return;
    }
    if (method === 'POST' && url.pathname === '/api/v2/media') {
      const body = await readBody();
      const file = body['file'];
      if (!(file instanceof Blob)) {
        send(422, { error: 'Validation failed: File can\'t be blank' }, rl);
        return;
      }
      if (!['image/jpeg', 'image/png', 'image/gif', 'image/webp'].includes(file.type)) {
        send(422, { error: 'Validation failed: File file type is not supported' }, rl);
        return;
      }
      if (file.size > this.options.imageSizeLimit) {
        send(422, { error: `Validation failed: File file size must be less than ${this.options.imageSizeLimit} bytes` }, rl);
        return;
      }
      const id = this.id();
      const description = body['description'] === undefined ? null : String(body['description']);
      this.media.set(id, { pollsLeft: this.mediaProcessingPolls, description, accountId: me.id });
      const processing = this.mediaProcessingPolls > 0;
      ok({ id, type: 'image', url: processing ? null : `${this.url}/media/${id}.png`, preview_url: `${this.url}/media/${id}-small.png`, description }, processing ? 202 : 200);
      return;
    }
    if (method === 'GET' && (m = /^\/api\/v1\/media\/([^/]+)$/.exec(url.pathname))) {
      const media = this.media.get(m[1] ?? '');
      if (!media || media.accountId !== me.id) return notFound();
      if (media.pollsLeft > 0) {
        media.pollsLeft--;
        ok({ id: m[1], type: 'image', url: null, description: media.description }, 206);
        return;
      }
      ok({ id: m[1], type: 'image', url: `${this.url}/media/${m[1]}.png`, description: media.description });
      return;
    }
    if (method === 'POST' && url.pathname === '/api/v1/statuses') {
      const key = idempotencyKey ? `${me.id}:${idempotencyKey}` : null;
      const replayed = key ? this.idempotency.get(key) : undefined;
      if (replayed !== undefined) {
        const existing = this.statuses.get(replayed);
        if (existing) return ok(this.statusJson(existing));
      }
      const body = await readBody();
      const text = String(body['status'] ?? '');
      const mediaIds = (body['media_ids'] as string[] | undefined) ?? [];
      if (text.trim() === '' && mediaIds.length === 0) {
        send(422, { error: 'Validation failed: Text can\'t be blank' }, rl);
        return;
      }
      const length = this.countLength(text) + this.countLength(String(body['spoiler_text'] ?? ''));
      if (length > this.options.maxCharacters) {
        send(422, { error: `Validation failed: Text character limit of ${this.options.maxCharacters} exceeded` }, rl);
        return;
      }
      if (mediaIds.length > this.options.maxMediaAttachments) {
        send(422, { error: `Validation failed: Media attachments cannot exceed ${this.options.maxMediaAttachments}` }, rl);
        return;
      }
      for (const id of mediaIds) {
        const media = this.media.get(id);
        if (!media || media.accountId !== me.id) {
          send(422, { error: 'Validation failed: Media attachment ids are invalid' }, rl);
          return;
        }
        if (media.pollsLeft > 0) {
          send(422, { error: 'Cannot attach files that have not finished processing. Try again in a moment!' }, rl);
          return;
        }
      }
      const inReplyToId = body['in_reply_to_id'] === undefined ? null : String(body['in_reply_to_id']);
      const parent = inReplyToId === null ? undefined : this.statuses.get(inReplyToId);
      if (inReplyToId !== null && (!parent || parent.deleted)) return notFound();
      const id = this.id();
      const linked = escapeHtml(text)
        .replace(/https?:\/\/[^\s<]+/g, (u) => `<a href="${u}" rel="nofollow noopener" target="_blank">${u}</a>`)
        .replace(/(^|\s)@(\w+)(@[\w.-]+)?/g, (_w, pre: string, user: string) => `${pre}<span class="h-card"><a href="${this.url}/@${user}" class="u-url mention">@<span>${user}</span></a></span>`)
        .replace(/\n/g, '<br />');
      const status: Status = {
        id,
        uri: `${this.url}/users/${me.username}/statuses/${id}`,
        url: `${this.url}/@${me.username}/${id}`,
        created_at: new Date().toISOString(),
        content: `<p>${linked}</p>`,
        text,
        spoiler_text: String(body['spoiler_text'] ?? ''),
        visibility: String(body['visibility'] ?? 'public'),
        language: body['language'] === undefined ? null : String(body['language']),
        in_reply_to_id: inReplyToId,
        in_reply_to_account_id: parent ? parent.accountId : null,
        accountId: me.id,
        media_attachments: mediaIds.map((mid) => ({ id: mid, type: 'image', description: this.media.get(mid)?.description ?? null })),
        favourites: new Set(),
        reblogs: new Set(),
        deleted: false,
      };
      this.statuses.set(id, status);
      if (key) this.idempotency.set(key, id);
      const notified = new Set<string>();
      if (parent) {
        this.notify('mention', parent.accountId, me.id, id);
        notified.add(parent.accountId);
      }
      for (const match of text.matchAll(/(?:^|\s)@(\w+)/g)) {
        const target = [...this.accounts.values()].find((a) => a.username === match[1]);
        if (target && !notified.has(target.id)) {
          this.notify('mention', target.id, me.id, id);
          notified.add(target.id);
        }
      }
      ok(this.statusJson(status));
      return;
    }
    if ((m = /^\/api\/v1\/statuses\/([^/]+)(\/[a-z]+)?$/.exec(url.pathname))) {
      const status = this.statuses.get(m[1] ?? '');
      const action = m[2] ?? '';
      if (!status || status.deleted) return notFound();
      if (method === 'GET' && action === '') return ok(this.statusJson(status));
      if (method === 'GET' && action === '/source') {
        if (status.accountId !== me.id) return notFound();
        return ok({ id: status.id, text: status.text, spoiler_text: status.spoiler_text });
      }
      if (method === 'GET' && action === '/context') {
        const descendants: Status[] = [];
        const walk = (parentId: string) => {
          for (const s of this.statuses.values()) {
            if (s.in_reply_to_id === parentId && !s.deleted) {
              descendants.push(s);
              walk(s.id);
            }
          }
        };
        walk(status.id);
        return ok({ ancestors: [], descendants: descendants.map((s) => this.statusJson(s)) });
      }
      if (method === 'DELETE' && action === '') {
        if (status.accountId !== me.id) return notFound();
        status.deleted = true;
        return ok({ ...this.statusJson(status), text: status.text });
      }
      if (method === 'POST' && action === '/favourite') {
        status.favourites.add(me.id);
        this.notify('favourite', status.accountId, me.id, status.id);
        return ok(this.statusJson(status));
      }
      if (method === 'POST' && action === '/reblog') {
        status.reblogs.add(me.id);
        this.notify('reblog', status.accountId, me.id, status.id);
        return ok(this.statusJson(status));
      }
    }
    if (method === 'GET' && (m = /^\/api\/v1\/accounts\/([^/]+)\/statuses$/.exec(url.pathname))) {
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const maxId = url.searchParams.get('max_id');
      const list = this.statusesOf(m[1] ?? '')
        .filter((s) => maxId === null || BigInt(s.id) < BigInt(maxId))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
        .slice(0, limit);
      return ok(list.map((s) => this.statusJson(s)));
    }
    if (method === 'POST' && (m = /^\/api\/v1\/accounts\/([^/]+)\/(follow|block|unblock)$/.exec(url.pathname))) {
      const target = this.accounts.get(m[1] ?? '');
      if (!target) return notFound();
      if (m[2] === 'follow') {
        target.followers_count++;
        this.notify('follow', target.id, me.id, null);
      } else if (m[2] === 'block') this.blocks.add(`${me.id}:${target.id}`);
      else this.blocks.delete(`${me.id}:${target.id}`);
      return ok({ id: target.id, following: m[2] === 'follow', blocking: m[2] === 'block' });
    }
    if (method === 'GET' && url.pathname === '/api/v1/notifications') {
      const types = url.searchParams.getAll('types[]');
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 40), 80);
      const minId = url.searchParams.get('min_id');
      const maxId = url.searchParams.get('max_id');
      let list = this.notifications
        .filter((n) => n.forAccountId === me.id && (types.length === 0 || types.includes(n.type)))
        .filter((n) => maxId === null || BigInt(n.id) < BigInt(maxId))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      if (minId !== null) {
        // min_id: the page immediately newer than min_id (still returned newest first).
        list = list.filter((n) => BigInt(n.id) > BigInt(minId)).reverse().slice(0, limit).reverse();
      } else {
        list = list.slice(0, limit);
      }
      const headers: Record<string, string> = {};
      const first = list[0];
      const last = list.at(-1);
      if (first && last) {
        const base = `${this.url}/api/v1/notifications`;
        headers['link'] = `<${base}?max_id=${last.id}>; rel="next", <${base}?min_id=${first.id}>; rel="prev"`;
      }
      return ok(
        list.map((n) => this.notificationJson(n)),
        200,
        headers,
      );
    }
    if (method === 'GET' && url.pathname === '/api/v2/search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const found = [...this.statuses.values()].filter((s) => !s.deleted && s.text.toLowerCase().includes(q)).slice(offset, offset + limit);
      return ok({ accounts: [], hashtags: [], statuses: found.map((s) => this.statusJson(s)) });
    }
    notFound();
  }
}
