/**
 * A local HTTP server that answers like Google's OAuth 2.0 endpoints and the Business Profile APIs
 * (Account Management v1 accounts.list, Business Information v1 locations.list/get, My Business v4
 * reviews list/get and reply PUT/DELETE), in their documented shapes, for the connector's contract
 * tests and the browser tests. Every service lives under one origin (see `googleEndpoints(apiBase)`).
 *
 * Knobs provoke the documented failures: 429 RESOURCE_EXHAUSTED, 401 UNAUTHENTICATED (expired or
 * revoked tokens), the quota-0 refusal of a project whose API access is not approved yet, server errors.
 * It is not Google: only what the connector relies on is reproduced.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReview {
  name: string;
  reviewId: string;
  reviewer: { displayName?: string; profilePhotoUrl?: string; isAnonymous: boolean };
  starRating: 'ONE' | 'TWO' | 'THREE' | 'FOUR' | 'FIVE';
  comment?: string;
  createTime: string;
  updateTime: string;
  reviewReply?: { comment: string; updateTime: string };
}

interface FakeLocation {
  name: string;
  title: string;
  address: { addressLines: string[]; locality: string; postalCode: string; regionCode: string };
  mapsUri: string;
  account: string;
}

export interface FakeGoogleRequest {
  method: string;
  path: string;
  /** Bearer token of the call, when any. */
  token: string | null;
  body: string;
}

export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of access tokens in seconds (Google: 3599). */
  accessTokenTtl?: number;
}

const STARS = ['ONE', 'TWO', 'THREE', 'FOUR', 'FIVE'] as const;
const SCOPE = 'https://www.googleapis.com/auth/business.manage';

/** The fake server. `start()` listens on 127.0.0.1 on a free port; `url` is its origin (the `apiBase`). */
export class FakeGoogleBusiness {
  url = '';
  readonly requests: FakeGoogleRequest[] = [];
  readonly options: Required<FakeGoogleOptions>;
  /** Clock of tokens and reviews (tests move it). */
  now: () => Date = () => new Date();
  /** Every Business Profile API call answers the quota-0 refusal with this status (403 or 429). */
  quotaZero: 403 | 429 | null = null;
  /** Next N API calls answer 429 RESOURCE_EXHAUSTED. */
  rateLimitNext = 0;
  /** Next request whose method and path (prefix) match answers `status` without doing anything. */
  failNext: { method: string; path: string; status: number } | null = null;
  /** What the consent page does: approve, or send the user back with `error=access_denied`. */
  consent: 'approve' | 'deny' = 'approve';
  /** The consenting Google user's id (`sub`). */
  userId = '109876543210987654321';

  private server: http.Server | null = null;
  private seq = 0;
  private readonly codes = new Map<string, { redirectUri: string; challenge: string | null; offline: boolean; scope: string }>();
  private readonly accessTokens = new Map<string, { expiresAt: number; grant: string; revoked: boolean }>();
  private readonly refreshTokens = new Map<string, { grant: string; revoked: boolean }>();
  private readonly accounts = new Map<string, { name: string; accountName: string }>();
  private readonly locations = new Map<string, FakeLocation>();
  private readonly reviews = new Map<string, FakeReview[]>();

  constructor(options: FakeGoogleOptions = {}) {
    this.options = {
      clientId: options.clientId ?? 'fake-client.apps.googleusercontent.com',
      clientSecret: options.clientSecret ?? 'fake-secret',
      accessTokenTtl: options.accessTokenTtl ?? 3599,
    };
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 500, message: String(error), status: 'INTERNAL' } }));
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

  private next(prefix: string): string {
    this.seq += 1;
    return `${prefix}${this.seq}`;
  }

  /** Adds an account (`accounts/{id}`) of the consenting user. */
  addAccount(accountName: string): string {
    const name = this.next('accounts/1000');
    this.accounts.set(name, { name, accountName });
    return name;
  }

  /** Adds a location to an account; returns its `locations/{id}` name. */
  addLocation(account: string, title: string, locality = 'Lyon'): string {
    const name = this.next('locations/2000');
    this.locations.set(name, {
      name, title, account, mapsUri: `https://maps.google.com/maps?cid=${this.seq}`,
      address: { addressLines: [`${this.seq} rue de la République`], locality, postalCode: '69002', regionCode: 'FR' },
    });
    this.reviews.set(name, []);
    return name;
  }

  /** Someone reviews a location; returns the review's resource name. */
  addReview(location: string, input: { stars: 1 | 2 | 3 | 4 | 5; comment?: string; author?: string | null; at?: Date }): string {
    const loc = this.locations.get(location);
    if (!loc) throw new Error(`unknown location ${location}`);
    const reviewId = this.next('AbFvOq');
    const at = (input.at ?? this.now()).toISOString();
    const review: FakeReview = {
      name: `${loc.account}/${location}/reviews/${reviewId}`,
      reviewId,
      reviewer: input.author === null
        ? { isAnonymous: true }
        : { displayName: input.author ?? 'A Customer', profilePhotoUrl: `https://lh3.googleusercontent.com/a/${reviewId}`, isAnonymous: false },
      starRating: STARS[input.stars - 1]!,
      createTime: at,
      updateTime: at,
    };
    if (input.comment !== undefined) review.comment = input.comment;
    this.reviews.get(location)!.push(review);
    return review.name;
  }

  /** The reviewer edits their review (new text and/or stars, new updateTime). */
  editReview(name: string, input: { stars?: 1 | 2 | 3 | 4 | 5; comment?: string; at?: Date }): void {
    const review = this.review(name);
    if (!review) throw new Error(`unknown review ${name}`);
    if (input.stars !== undefined) review.starRating = STARS[input.stars - 1]!;
    if (input.comment !== undefined) review.comment = input.comment;
    review.updateTime = (input.at ?? this.now()).toISOString();
  }

  /** A review by name (test assertions: its reply). */
  review(name: string): FakeReview | undefined {
    for (const list of this.reviews.values()) {
      const found = list.find((r) => r.name === name);
      if (found) return found;
    }
    return undefined;
  }

  /** Every access token stops working now (as an hour passing would do). */
  expireAccessTokens(): void {
    for (const t of this.accessTokens.values()) t.expiresAt = 0;
  }

  /** The user removed Passerelle's access in their Google account: every token of every grant dies. */
  revokeAll(): void {
    for (const t of this.accessTokens.values()) t.revoked = true;
    for (const t of this.refreshTokens.values()) t.revoked = true;
  }

  /** Whether a refresh token still works (revocation assertions). */
  refreshTokenValid(token: string): boolean {
    const t = this.refreshTokens.get(token);
    return t !== undefined && !t.revoked;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const auth = req.headers['authorization'];
    const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null;
    this.requests.push({ method, path: url.pathname + url.search, token, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers }).end(JSON.stringify(payload));
    };
    const fail = (status: number, statusText: string, message: string, details?: unknown[]) =>
      send(status, { error: { code: status, message, status: statusText, ...(details ? { details } : {}) } });

    if (this.failNext && this.failNext.method === method && url.pathname.startsWith(this.failNext.path)) {
      const { status } = this.failNext;
      this.failNext = null;
      fail(status, status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION', `Injected failure ${status}`);
      return;
    }

    // --- OAuth 2.0 -------------------------------------------------------------------------------
    if (method === 'GET' && url.pathname === '/o/oauth2/v2/auth') {
      const p = url.searchParams;
      const redirectUri = p.get('redirect_uri') ?? '';
      if (p.get('client_id') !== this.options.clientId || !/^https?:\/\//.test(redirectUri) || p.get('response_type') !== 'code') {
        send(400, { error: 'invalid_request', error_description: 'Error 400: invalid_request' });
        return;
      }
      if (p.get('code_challenge') && p.get('code_challenge_method') !== 'S256') {
        send(400, { error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
        return;
      }
      const target = new URL(redirectUri);
      const state = p.get('state');
      if (this.consent === 'deny') {
        target.searchParams.set('error', 'access_denied');
      } else {
        const code = this.next('4/0Afake-code-');
        this.codes.set(code, { redirectUri, challenge: p.get('code_challenge'), offline: p.get('access_type') === 'offline', scope: p.get('scope') ?? '' });
        target.searchParams.set('code', code);
        target.searchParams.set('scope', p.get('scope') ?? '');
      }
      if (state !== null) target.searchParams.set('state', state);
      res.writeHead(302, { location: target.toString() }).end();
      return;
    }
    if (method === 'POST' && url.pathname === '/token') {
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== this.options.clientId || form.get('client_secret') !== this.options.clientSecret) {
        send(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
        return;
      }
      if (form.get('grant_type') === 'authorization_code') {
        const code = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const pkceOk = code?.challenge == null || createHash('sha256').update(verifier).digest('base64url') === code.challenge;
        if (!code || code.redirectUri !== form.get('redirect_uri') || !pkceOk) {
          send(400, { error: 'invalid_grant', error_description: 'Bad Request' });
          return;
        }
        // One consenting Google user: every grant is theirs (revoking one revokes them all, as Google does).
        const grant = this.userId;
        const answer: Record<string, unknown> = { ...this.issueAccessToken(grant), scope: code.scope, token_type: 'Bearer' };
        if (code.scope.split(' ').includes('openid')) {
          const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          answer['id_token'] = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: 'https://accounts.google.com', aud: this.options.clientId, sub: grant, iat: Math.floor(this.now().getTime() / 1000) })}.c2ln`;
        }
        if (code.offline) {
          const refresh = this.next('1//0fake-refresh-');
          this.refreshTokens.set(refresh, { grant, revoked: false });
          answer['refresh_token'] = refresh;
        }
        send(200, answer);
        return;
      }
      if (form.get('grant_type') === 'refresh_token') {
        const refresh = this.refreshTokens.get(form.get('refresh_token') ?? '');
        if (!refresh || refresh.revoked) {
          send(400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
          return;
        }
        send(200, { ...this.issueAccessToken(refresh.grant), scope: SCOPE, token_type: 'Bearer' });
        return;
      }
      send(400, { error: 'unsupported_grant_type' });
      return;
    }
    if (method === 'POST' && url.pathname === '/revoke') {
      const value = new URLSearchParams(body).get('token') ?? '';
      const refresh = this.refreshTokens.get(value);
      const access = this.accessTokens.get(value);
      const grant = refresh?.grant ?? access?.grant;
      if (grant === undefined || refresh?.revoked || access?.revoked) {
        send(400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
        return;
      }
      // Revoking any token of a grant revokes the whole grant.
      for (const t of this.refreshTokens.values()) if (t.grant === grant) t.revoked = true;
      for (const t of this.accessTokens.values()) if (t.grant === grant) t.revoked = true;
      send(200, {});
      return;
    }

    // --- Business Profile APIs (bearer token) -----------------------------------------------------
    const access = token === null ? undefined : this.accessTokens.get(token);
    if (!access || access.revoked || access.expiresAt <= this.now().getTime()) {
      fail(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.');
      return;
    }
    if (this.quotaZero !== null) {
      const service = url.pathname.startsWith('/v4') ? 'mybusiness.googleapis.com' : 'mybusinessaccountmanagement.googleapis.com';
      fail(this.quotaZero, this.quotaZero === 429 ? 'RESOURCE_EXHAUSTED' : 'PERMISSION_DENIED',
        `Quota exceeded for quota metric 'Requests' and limit 'Requests per minute' of service '${service}' for consumer 'project_number:123456'.`,
        [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com',
          metadata: { quota_limit_value: '0', quota_metric: `${service}/default_requests`, service, consumer: 'projects/123456' } }]);
      return;
    }
    if (this.rateLimitNext > 0) {
      this.rateLimitNext -= 1;
      fail(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric \'Requests\' and limit \'Requests per minute\' of service \'mybusiness.googleapis.com\'.',
        [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com', metadata: { quota_limit_value: '300' } }]);
      return;
    }

    const page = <T>(items: T[], max: number) => {
      const size = Math.min(Math.max(Number(url.searchParams.get('pageSize') ?? max) || max, 1), max);
      const start = Number(url.searchParams.get('pageToken') ?? '0') || 0;
      const slice = items.slice(start, start + size);
      return { slice, nextPageToken: start + size < items.length ? String(start + size) : undefined };
    };

    if (method === 'GET' && url.pathname === '/accountmanagement/v1/accounts') {
      const { slice, nextPageToken } = page([...this.accounts.values()], 20);
      send(200, { accounts: slice.map((a) => ({ name: a.name, accountName: a.accountName, type: 'LOCATION_GROUP', role: 'OWNER', verificationState: 'VERIFIED' })), ...(nextPageToken ? { nextPageToken } : {}) });
      return;
    }
    let m = /^\/businessinformation\/v1\/(accounts\/[^/]+)\/locations$/.exec(url.pathname);
    if (method === 'GET' && m) {
      if (!url.searchParams.get('readMask')) {
        fail(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.', [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'read_mask', description: 'Field is required' }] }]);
        return;
      }
      const { slice, nextPageToken } = page([...this.locations.values()].filter((l) => l.account === m![1]), 100);
      send(200, { locations: slice.map((l) => this.locationJson(l)), ...(nextPageToken ? { nextPageToken } : {}) });
      return;
    }
    m = /^\/businessinformation\/v1\/(locations\/[^/]+)$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const l = this.locations.get(m[1]!);
      if (!l) return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
      send(200, this.locationJson(l));
      return;
    }
    m = /^\/v4\/(accounts\/[^/]+)\/(locations\/[^/]+)\/reviews$/.exec(url.pathname);
    if (method === 'GET' && m) {
      const list = this.reviews.get(m[2]!);
      if (!list || this.locations.get(m[2]!)?.account !== m[1]) return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
      const order = url.searchParams.get('orderBy') ?? 'updateTime desc';
      if (order !== 'updateTime desc') return fail(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
      const sorted = [...list].sort((a, b) => Date.parse(b.updateTime) - Date.parse(a.updateTime));
      const { slice, nextPageToken } = page(sorted, 50);
      const average = list.length ? list.reduce((s, r) => s + STARS.indexOf(r.starRating) + 1, 0) / list.length : 0;
      send(200, { reviews: slice, averageRating: average, totalReviewCount: list.length, ...(nextPageToken ? { nextPageToken } : {}) });
      return;
    }
    m = /^\/v4\/(accounts\/[^/]+\/locations\/[^/]+\/reviews\/[^/]+?)(\/reply)?$/.exec(url.pathname);
    if (m) {
      const review = this.review(m[1]!);
      if (!review) return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
      if (method === 'GET' && !m[2]) return send(200, review);
      if (method === 'PUT' && m[2]) {
        let comment: unknown;
        try {
          comment = (JSON.parse(body) as { comment?: unknown }).comment;
        } catch {
          return fail(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.');
        }
        if (typeof comment !== 'string' || comment.trim() === '' || Buffer.byteLength(comment) > 4096) {
          return fail(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
        }
        review.reviewReply = { comment, updateTime: this.now().toISOString() };
        return send(200, review.reviewReply);
      }
      if (method === 'DELETE' && m[2]) {
        if (!review.reviewReply) return fail(404, 'NOT_FOUND', 'Requested entity was not found.');
        delete review.reviewReply;
        return send(200, {});
      }
    }
    fail(404, 'NOT_FOUND', `No route ${method} ${url.pathname}`);
  }

  private issueAccessToken(grant: string): { access_token: string; expires_in: number } {
    const token = this.next('ya29.fake-');
    this.accessTokens.set(token, { grant, revoked: false, expiresAt: this.now().getTime() + this.options.accessTokenTtl * 1000 });
    return { access_token: token, expires_in: this.options.accessTokenTtl };
  }

  private locationJson(l: FakeLocation) {
    return {
      name: l.name, title: l.title, storefrontAddress: l.address,
      metadata: { mapsUri: l.mapsUri, newReviewUri: `https://search.google.com/local/writereview?placeid=${l.name.slice(10)}`, placeId: `ChIJ${l.name.slice(10)}` },
    };
  }
}
