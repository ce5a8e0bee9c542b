/**
 * An in-memory `ConnectorContext`, for tests and scripts: credentials and rate-limit state live in the
 * object and every save/report is recorded. The channels module builds the real one from the database.
 */
import type { ChannelNotice, ConnectorContext, ConnectorLogger, RateLimitState } from './connector.ts';

export interface MemoryContext<C> extends ConnectorContext<C> {
  /** Every credentials object passed to `saveCredentials`, in order. */
  saved: C[];
  /** Every rate-limit report, in order. */
  rateLimits: RateLimitState[];
  /** Log lines, to check that no secret was logged. */
  lines: string[];
  /** The channel's current notices by code (`setNotice`). */
  notices: Record<string, ChannelNotice>;
}

/** Creates a context whose `saveCredentials`/`onRateLimit` update it like the channels module would. */
export function createMemoryContext<C>(
  credentials: C,
  options: { fetch: typeof fetch; timeoutMs?: number; now?: () => Date },
): MemoryContext<C> {
  const lines: string[] = [];
  const log: ConnectorLogger = {
    info: (obj, msg) => void lines.push(JSON.stringify({ level: 'info', obj, msg })),
    warn: (obj, msg) => void lines.push(JSON.stringify({ level: 'warn', obj, msg })),
    error: (obj, msg) => void lines.push(JSON.stringify({ level: 'error', obj, msg })),
  };
  const ctx: MemoryContext<C> = {
    fetch: options.fetch,
    now: options.now ?? (() => new Date()),
    log,
    timeoutMs: options.timeoutMs ?? 10_000,
    credentials,
    rateLimitedUntil: null,
    saved: [],
    rateLimits: [],
    lines,
    notices: {},
    async saveCredentials(next) {
      ctx.saved.push(next);
      ctx.credentials = next;
    },
    async onRateLimit(state) {
      ctx.rateLimits.push(state);
      if (state.limited || state.remaining === 0) ctx.rateLimitedUntil = state.resetAt;
    },
    async setNotice(code, notice) {
      if (notice === null) delete ctx.notices[code];
      else ctx.notices[code] = notice;
    },
  };
  return ctx;
}
