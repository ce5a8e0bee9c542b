/**
 * One HTTP call as every connector makes it: through the guarded fetch, with a timeout, honouring and
 * reporting rate limits, and turning transport failures into the typed errors of `./errors.ts`.
 * Connectors then map the network's own 4xx answers.
 */
import { SsrfBlocked } from '../platform/ssrf.ts';
import type { BaseContext, RateLimitState } from './connector.ts';
import { OutcomeUnknown, RateLimited, Rejected, Transient } from './errors.ts';

export interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string | URL;
  headers?: Record<string, string>;
  body?: string | FormData | Uint8Array;
  /**
   * A write that must not happen twice: a timeout, a reset connection or a 5xx then means
   * `OutcomeUnknown` instead of `Transient`.
   */
  write?: boolean;
  /** What the call does, for error messages: "publish the post", "read notifications"… */
  what: string;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  json<T = unknown>(): T;
}

/** Context of a call: the base context plus the channel's rate-limit state, when there is a channel. */
export interface HttpContext extends BaseContext {
  rateLimitedUntil?: Date | null;
  onRateLimit?(state: RateLimitState): Promise<void>;
}

/** Reads a network's rate-limit headers; null when the response carries none. */
export type RateLimitParser = (headers: Headers, now: Date) => Omit<RateLimitState, 'limited'> | null;

// Errors that mean the request never left (nothing can have happened remotely).
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL', 'UND_ERR_CONNECT_TIMEOUT']);

function causeCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Per-operation HTTP client: remembers a rate limit met during the operation so later calls stop early. */
export class HttpClient {
  readonly network: string;
  readonly ctx: HttpContext;
  readonly parseRateLimit: RateLimitParser;
  /**
   * A network-specific refusal read from an answer before the rate-limit handling, or null (e.g.
   * Google answers 429 "quota 0" to a project whose API access is not approved: not a rate limit).
   */
  readonly refusal: ((status: number, text: string) => Error | null) | undefined;
  limitedUntil: Date | null;

  constructor(network: string, ctx: HttpContext, parseRateLimit: RateLimitParser, refusal?: (status: number, text: string) => Error | null) {
    this.network = network;
    this.ctx = ctx;
    this.parseRateLimit = parseRateLimit;
    this.refusal = refusal;
    this.limitedUntil = ctx.rateLimitedUntil ?? null;
  }

  /** Throws `RateLimited` when the channel must still wait. */
  assertNotLimited(): void {
    if (this.limitedUntil !== null && this.limitedUntil.getTime() > this.ctx.now().getTime()) {
      throw new RateLimited(this.limitedUntil, `${this.network} asked this channel to wait until ${this.limitedUntil.toISOString()}`, { network: this.network });
    }
  }

  async call(spec: CallSpec): Promise<CallResult> {
    this.assertNotLimited();
    const url = new URL(spec.url);
    const signal = AbortSignal.timeout(this.ctx.timeoutMs);
    const init: RequestInit = { method: spec.method, signal };
    if (spec.headers !== undefined) init.headers = spec.headers;
    if (spec.body !== undefined) init.body = spec.body as NonNullable<RequestInit['body']>;
    let response: Response;
    let text: string;
    try {
      response = await this.ctx.fetch(url, init);
      text = await response.text();
    } catch (error) {
      throw this.transportError(error, spec, url);
    }
    const refused = this.refusal?.(response.status, text) ?? null;
    if (refused !== null) throw refused;
    const now = this.ctx.now();
    const parsed = this.parseRateLimit(response.headers, now);
    const limited = response.status === 429;
    if (parsed !== null || limited) {
      const state: RateLimitState = {
        remaining: parsed?.remaining ?? 0,
        limit: parsed?.limit ?? null,
        resetAt: parsed?.resetAt ?? retryAfter(response.headers, now) ?? new Date(now.getTime() + 60_000),
        limited,
      };
      if (limited || state.remaining === 0) this.limitedUntil = state.resetAt;
      await this.ctx.onRateLimit?.(state);
      if (limited) {
        this.ctx.log.warn({ network: this.network, host: url.host, resetAt: state.resetAt.toISOString() }, 'rate-limited');
        throw new RateLimited(state.resetAt, `${this.network} rate-limited this channel until ${state.resetAt.toISOString()} (while trying to ${spec.what})`, { network: this.network });
      }
    }
    if (response.status >= 500) {
      const message = `${url.host} answered ${response.status} while trying to ${spec.what}`;
      throw spec.write
        ? new OutcomeUnknown(`${message}; the write may or may not have happened`, { network: this.network })
        : new Transient(message, { network: this.network });
    }
    return {
      status: response.status,
      headers: response.headers,
      text,
      json<T>() {
        try {
          return JSON.parse(text) as T;
        } catch (cause) {
          throw new Transient(`${url.host} answered ${response.status} with a body that is not JSON while trying to ${spec.what}`, { cause });
        }
      },
    };
  }

  private transportError(error: unknown, spec: CallSpec, url: URL): Error {
    const network = this.network;
    if (error instanceof SsrfBlocked) {
      return new Rejected(`${error.message}. Ask the administrator to set PASSERELLE_ALLOW_PRIVATE_NETWORK if this server is on purpose on a private network.`, 'blocked_address', { network, cause: error });
    }
    const name = (error as { name?: string } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      const message = `${url.host} did not answer within ${this.ctx.timeoutMs} ms while trying to ${spec.what}`;
      return spec.write
        ? new OutcomeUnknown(`${message}; the write may or may not have happened`, { network, cause: error })
        : new Transient(message, { network, cause: error });
    }
    const code = causeCode(error);
    if (code !== undefined && NOT_SENT.has(code)) {
      return new Transient(`Could not reach ${url.host} (${code}) to ${spec.what}`, { network, cause: error });
    }
    if (error instanceof TypeError && /cannot resolve/.test(error.message)) {
      return new Transient(`Could not resolve ${url.hostname} to ${spec.what}`, { network, cause: error });
    }
    const message = `Connection to ${url.host} failed${code ? ` (${code})` : ''} while trying to ${spec.what}`;
    return spec.write
      ? new OutcomeUnknown(`${message}; the write may or may not have happened`, { network, cause: error })
      : new Transient(message, { network, cause: error });
  }
}

/** `Retry-After` as a date (seconds or HTTP date), or null. */
export function retryAfter(headers: Headers, now: Date): Date | null {
  const value = headers.get('retry-after');
  if (value === null) return null;
  if (/^\d+$/.test(value.trim())) return new Date(now.getTime() + Number(value) * 1000);
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Parses a number header, null when absent or not a number. */
export function numberHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
