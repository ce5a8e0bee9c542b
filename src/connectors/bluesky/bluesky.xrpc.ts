/**
 * XRPC calls to the account's PDS with a cached session: the access token is refreshed with
 * `refreshSession` when it is about to expire or the PDS says it expired, and the renewed session is
 * persisted through `ctx.saveCredentials` so other jobs and processes reuse it. `createSession` (30 per
 * 5 minutes per account) is used only when the refresh token itself is dead.
 */
import { createHash } from 'node:crypto';
import type { ConnectorContext } from '../connector.ts';
import { AuthExpired, Rejected } from '../errors.ts';
import type { CallResult, HttpContext, RateLimitParser } from '../http.ts';
import { HttpClient, numberHeader } from '../http.ts';

/** What the channels module stores (encrypted) for a Bluesky channel. */
export interface BlueskyCredentials {
  /** The service the user signed in to (default https://bsky.social). */
  service: string;
  /** The account's own PDS (from its DID document); calls go there. */
  pdsUrl: string;
  did: string;
  handle: string;
  /** Kept only to open a new session when the refresh token has expired or was revoked. */
  appPassword: string;
  accessJwt: string;
  refreshJwt: string;
}

/** `ratelimit-*` headers: reset is a Unix time in seconds. */
export const parseBlueskyRateLimit: RateLimitParser = (headers) => {
  const reset = numberHeader(headers, 'ratelimit-reset');
  if (reset === null) return null;
  return { remaining: numberHeader(headers, 'ratelimit-remaining'), limit: numberHeader(headers, 'ratelimit-limit'), resetAt: new Date(reset * 1000) };
};

export interface XrpcError {
  error?: string;
  message?: string;
}

export interface XrpcCall {
  method: 'GET' | 'POST';
  params?: Record<string, string | string[] | number | boolean | undefined>;
  json?: unknown;
  bytes?: { data: Uint8Array; mimeType: string };
  write?: boolean;
  what: string;
  /** Statuses the caller handles itself (the body then holds `{ error, message }`). */
  allow?: number[];
  /** Which token to send (default the access token). */
  auth?: 'access' | 'refresh' | 'none';
  /**
   * `atproto-proxy` header: the PDS forwards the call to this service (`did#service_id`), e.g. the chat
   * service for `chat.bsky.*` (see bluesky.chat.ts).
   */
  proxy?: string;
}

/** Expiry (ms since epoch) of a JWT, or null when it cannot be read. */
export function jwtExpiry(jwt: string): number | null {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/** The `scope` claim of a session JWT (`com.atproto.appPass`, `com.atproto.appPassPrivileged`…), or null. */
export function jwtScope(jwt: string): string | null {
  const payload = jwt.split('.')[1];
  if (payload === undefined) return null;
  try {
    const { scope } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { scope?: unknown };
    return typeof scope === 'string' ? scope : null;
  } catch {
    return null;
  }
}

/**
 * The PDS refused a method this session may not call at all (an app password without DM access calling
 * `chat.bsky.*`: 400 `InvalidToken` "Bad token method"). Not an expired token: renewing it changes nothing.
 */
export function isTokenMethodRefusal(res: CallResult): boolean {
  if (res.status !== 400 && res.status !== 401 && res.status !== 403) return false;
  return /Bad token (method|scope)/i.test(xrpcError(res).message ?? '');
}

/** The body of an XRPC error answer. */
export function xrpcError(res: CallResult): XrpcError {
  try {
    return JSON.parse(res.text) as XrpcError;
  } catch {
    return { message: res.text.slice(0, 200) };
  }
}

/** Builds a `Rejected` from a 4xx XRPC answer, with a stable code. */
export function rejectedFrom(res: CallResult, what: string): Rejected {
  const { error, message } = xrpcError(res);
  const reason = `Bluesky refused to ${what}: ${message ?? error ?? `HTTP ${res.status}`}`;
  const code: Rejected['rejectCode'] =
    res.status === 413 || error === 'BlobTooLarge' || /too large/i.test(message ?? '') ? 'media_too_large'
    : /must not be longer than|too long|graphemes/i.test(message ?? '') ? 'too_long'
    : /mime|content type/i.test(message ?? '') ? 'media_type_unsupported'
    : res.status === 404 || error === 'RecordNotFound' || error === 'NotFound' ? 'not_found'
    : res.status === 403 ? 'forbidden'
    : 'invalid_input';
  return new Rejected(reason, code, { network: 'bluesky', status: res.status });
}

const REFRESH_MARGIN_MS = 60_000;

/** The XRPC client of one call on one channel. */
export class BlueskyXrpc {
  readonly http: HttpClient;
  readonly ctx: ConnectorContext<BlueskyCredentials>;
  private refreshing: Promise<void> | null = null;

  constructor(ctx: ConnectorContext<BlueskyCredentials>) {
    this.ctx = ctx;
    this.http = new HttpClient('bluesky', ctx, parseBlueskyRateLimit);
  }

  get did(): string {
    return this.ctx.credentials.did;
  }

  /** A raw XRPC call to `base` (no session handling). */
  static async raw(http: HttpClient, base: string, nsid: string, call: XrpcCall, token: string | null): Promise<CallResult> {
    const url = new URL(`/xrpc/${nsid}`, base);
    for (const [key, value] of Object.entries(call.params ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, String(v));
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token !== null) headers['authorization'] = `Bearer ${token}`;
    if (call.proxy !== undefined) headers['atproto-proxy'] = call.proxy;
    let body: string | Uint8Array | undefined;
    if (call.bytes !== undefined) {
      headers['content-type'] = call.bytes.mimeType;
      body = call.bytes.data;
    } else if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    }
    return http.call({ method: call.method, url, headers, ...(body === undefined ? {} : { body }), write: call.write ?? false, what: call.what });
  }

  /** Calls `nsid` on the PDS with the session, refreshing it when needed. Answers ≥ 400 not in `allow` throw. */
  async call(nsid: string, call: XrpcCall): Promise<CallResult> {
    const auth = call.auth ?? 'access';
    if (auth === 'access') {
      const exp = jwtExpiry(this.ctx.credentials.accessJwt);
      if (exp !== null && exp - REFRESH_MARGIN_MS < this.ctx.now().getTime()) await this.refresh();
    }
    const token = () => (auth === 'access' ? this.ctx.credentials.accessJwt : auth === 'refresh' ? this.ctx.credentials.refreshJwt : null);
    let res = await BlueskyXrpc.raw(this.http, this.ctx.credentials.pdsUrl, nsid, call, token());
    if (auth === 'access' && isAuthFailure(res)) {
      // The PDS did nothing with a request it refused for its token: refreshing and retrying is safe.
      await this.refresh();
      res = await BlueskyXrpc.raw(this.http, this.ctx.credentials.pdsUrl, nsid, call, token());
      if (isAuthFailure(res)) throw new AuthExpired(`Bluesky refused the session of @${this.ctx.credentials.handle} even after renewing it; reconnect the channel`, { network: 'bluesky' });
    }
    if (res.status >= 400 && !call.allow?.includes(res.status)) {
      if (res.status === 401) throw new AuthExpired(`Bluesky no longer accepts the session of @${this.ctx.credentials.handle}; reconnect the channel`, { network: 'bluesky' });
      throw rejectedFrom(res, call.what);
    }
    return res;
  }

  /** Renews the session (once at a time per call context) and persists it. */
  refresh(): Promise<void> {
    this.refreshing ??= this.doRefresh().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async doRefresh(): Promise<void> {
    const creds = this.ctx.credentials;
    const res = await BlueskyXrpc.raw(this.http, creds.pdsUrl, 'com.atproto.server.refreshSession', { method: 'POST', what: 'renew the session', allow: [400, 401] }, creds.refreshJwt);
    if (res.status === 200) {
      const session = res.json<{ accessJwt: string; refreshJwt: string; handle?: string; did: string }>();
      await this.ctx.saveCredentials({ ...creds, accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: session.handle ?? creds.handle });
      this.ctx.log.info({ network: 'bluesky', did: creds.did }, 'session refreshed');
      return;
    }
    // The refresh token expired or was revoked: open a new session with the stored app password.
    this.ctx.log.warn({ network: 'bluesky', did: creds.did, error: xrpcError(res).error }, 'refresh token refused; creating a new session');
    const created = await BlueskyXrpc.raw(
      this.http,
      creds.pdsUrl,
      'com.atproto.server.createSession',
      { method: 'POST', json: { identifier: creds.did, password: creds.appPassword }, what: 'open a new session', allow: [400, 401] },
      null,
    );
    if (created.status !== 200) {
      throw new AuthExpired(`Bluesky no longer accepts the app password of @${creds.handle} (revoked or changed); reconnect the channel with a new app password`, { network: 'bluesky' });
    }
    const session = created.json<{ accessJwt: string; refreshJwt: string; handle?: string }>();
    await this.ctx.saveCredentials({ ...creds, accessJwt: session.accessJwt, refreshJwt: session.refreshJwt, handle: session.handle ?? creds.handle });
  }
}

function isAuthFailure(res: CallResult): boolean {
  if (res.status !== 400 && res.status !== 401) return false;
  if (isTokenMethodRefusal(res)) return false;
  const { error } = xrpcError(res);
  return error === 'ExpiredToken' || error === 'InvalidToken' || (res.status === 401 && error === 'AuthenticationRequired');
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';

/**
 * A deterministic record key (TID) for part `index` of the post published under `idempotencyKey`:
 * its timestamp is `scheduledAt` (plus a few µs from the key's hash), its clock id comes from the hash.
 * The same inputs always give the same key, so a retry cannot create a second post.
 *
 * @example tidFor('variant-1', new Date('2025-01-01T00:00:00Z'), 0) // '3lepvi2f…' (13 chars)
 */
export function tidFor(idempotencyKey: string, scheduledAt: Date, index: number): string {
  const hash = createHash('sha256').update(`${idempotencyKey}\u0000${index}`).digest();
  const micros = BigInt(scheduledAt.getTime()) * 1000n + BigInt(hash.readUInt16BE(0) % 1000);
  const clockId = BigInt(hash.readUInt16BE(2) & 0x3ff);
  let n = (micros << 10n) | clockId;
  let out = '';
  for (let i = 0; i < 13; i++) {
    out = S32.charAt(Number(n & 31n)) + out;
    n >>= 5n;
  }
  return out;
}

/** Splits `at://did/collection/rkey`. */
export function parseAtUri(uri: string): { did: string; collection: string; rkey: string } | null {
  const m = /^at:\/\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(uri);
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return null;
  return { did: m[1], collection: m[2], rkey: m[3] };
}
