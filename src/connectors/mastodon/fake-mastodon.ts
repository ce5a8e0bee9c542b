/**
 * A local HTTP server that answers like the documented Mastodon API (docs.joinmastodon.org), for the
 * connector's contract tests. It keeps state (apps, tokens, accounts, statuses, media, notifications) and
 * has knobs to provoke the documented failures: 429 with X-RateLimit-Reset, revoked tokens, 422
 * validation errors, media still processing (202 then 206), slow answers, server errors.
 *
 * It is not Mastodon: only the shapes and behaviours the connector relies on are reproduced.
 *
 * This file is the server, its knobs and the checks every request goes through (token, rate limit); the
 * endpoints are in fake-mastodon.oauth.ts (instance, apps, OAuth), fake-mastodon.statuses.ts (statuses,
 * media, search) and fake-mastodon.notifications.ts (accounts, notifications), the data they share in
 * fake-mastodon.state.ts, and the streaming server in fake-mastodon.stream.ts.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAccountsAndNotifications } from './fake-mastodon.notifications.ts';
import { handlePublic } from './fake-mastodon.oauth.ts';
import { type Account, type AuthedCall, type FakeCall, FakeMastodonState, type Status } from './fake-mastodon.state.ts';
import { handleStatuses } from './fake-mastodon.statuses.ts';

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
  private readonly state = new FakeMastodonState();
  private windowStart = Date.now();
  private windowCount = 0;
  /** The account that approves /oauth/authorize (the "logged-in user" of the instance). */
  authorizingAccountId: string | null = null;
  /** `configuration.urls.streaming` of /api/v2/instance (set by `FakeMastodonStreaming`), when any. */
  streamingUrl: string | null = null;
  /** Called with every new notification as the API would return it (the streaming server pushes it). */
  readonly notificationListeners = this.state.notificationListeners;

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

  /** Creates a local account and a token for it (as if it had authorized some app). */
  createAccount(username: string, displayName = username): { account: Account; token: string } {
    const id = this.state.id();
    const account: Account = {
      id,
      username,
      acct: username,
      display_name: displayName,
      avatar: `${this.url}/avatars/${username}.png`,
      url: `${this.url}/@${username}`,
      followers_count: 0,
    };
    this.state.accounts.set(id, account);
    const token = `token-${username}-${id}`;
    this.state.tokens.set(token, { accountId: id, clientId: null, revoked: false });
    return { account, token };
  }

  /** Revokes every token of the account (the user removed the app in their settings). */
  revokeTokensOf(accountId: string): void {
    for (const t of this.state.tokens.values()) if (t.accountId === accountId) t.revoked = true;
  }

  /** Statuses of an account that are not deleted (test assertions). */
  statusesOf(accountId: string): Status[] {
    return [...this.state.statuses.values()].filter((s) => s.accountId === accountId && !s.deleted);
  }

  /** The account a token acts for, or null when the token is unknown or revoked (streaming auth). */
  accountIdForToken(token: string): string | null {
    const t = this.state.tokens.get(token);
    return t && !t.revoked && this.state.accounts.has(t.accountId) ? t.accountId : null;
  }

  isBlocked(byAccountId: string, targetId: string): boolean {
    return this.state.blocks.has(`${byAccountId}:${targetId}`);
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

    const call: FakeCall = { fake: this, state: this.state, res, method, url, idempotencyKey, send, readBody };

    // --- public endpoints --------------------------------------------------------------------------
    if (await handlePublic(call)) return;

    // Streaming lives on its own server (fake-mastodon.stream.ts, advertised in urls.streaming).
    if (url.pathname.startsWith('/api/v1/streaming')) {
      send(404, { error: 'Streaming is served at configuration.urls.streaming' });
      return;
    }

    // --- authenticated endpoints -------------------------------------------------------------------
    const auth = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''));
    const token = auth?.[1] ? this.state.tokens.get(auth[1]) : undefined;
    if (!token || token.revoked) {
      send(401, { error: 'The access token was revoked' });
      return;
    }
    const me = this.state.accounts.get(token.accountId);
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
    // Both return true so that a route handler can `return ok(…)` (answered).
    const ok = (body: unknown, status = 200, headers: Record<string, string> = {}): true => {
      send(status, body, { ...rl, ...headers });
      return true;
    };
    const notFound = (): true => {
      send(404, { error: 'Record not found' }, rl);
      return true;
    };
    const authed: AuthedCall = { ...call, me, rl, ok, notFound };
    if (await handleAccountsAndNotifications(authed)) return;
    if (await handleStatuses(authed)) return;
    notFound();
  }
}
