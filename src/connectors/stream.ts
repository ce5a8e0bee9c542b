/**
 * What every stream connector shares: the reconnect loop (exponential backoff with full jitter, reset
 * once a connection has lived long enough) and an abortable sleep. The connection itself is the
 * network's business (`connectOnce`).
 */
import { AuthExpired, RateLimited, Rejected } from './errors.ts';

export interface ReconnectOptions {
  /** First wait after a drop (ms); doubles on each failed attempt. */
  minDelayMs: number;
  /** Longest wait between two attempts (ms). */
  maxDelayMs: number;
  /** A connection that stayed open this long resets the backoff (ms). */
  stableMs: number;
  now(): Date;
  /** Jitter source in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/** Defaults for a stream: 1 s, doubling to 2 min; a minute of connection resets the backoff. */
export const DEFAULT_RECONNECT = { minDelayMs: 1_000, maxDelayMs: 120_000, stableMs: 60_000 } as const;

/** A stream's reconnect options: what the caller set, the defaults for the rest. */
export function reconnectOptions(options: Partial<Omit<ReconnectOptions, 'now'>>, now: () => Date): ReconnectOptions {
  return {
    minDelayMs: options.minDelayMs ?? DEFAULT_RECONNECT.minDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RECONNECT.maxDelayMs,
    stableMs: options.stableMs ?? DEFAULT_RECONNECT.stableMs,
    now,
    ...(options.random ? { random: options.random } : {}),
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `connectOnce` until `signal` aborts. `connectOnce` holds one connection and settles when it
 * ends (resolves: the server closed it; rejects: it failed). Each end is reported to `onDrop` and
 * followed by a wait of `random() × min(max, min × 2^failures)` ("full jitter", so that many
 * clients dropped together do not come back together), or until a `RateLimited`'s `retryAt`.
 * `AuthExpired` and `Rejected` are not retried: they are thrown to the caller.
 */
export async function keepConnected(
  signal: AbortSignal,
  options: ReconnectOptions,
  connectOnce: (signal: AbortSignal) => Promise<void>,
  onDrop: (error: Error) => void,
): Promise<void> {
  const random = options.random ?? Math.random;
  let failures = 0;
  while (!signal.aborted) {
    const started = options.now().getTime();
    let error: Error;
    try {
      await connectOnce(signal);
      error = new Error('The server closed the stream');
    } catch (err) {
      if (signal.aborted) return;
      if (err instanceof AuthExpired || err instanceof Rejected) throw err;
      error = err instanceof Error ? err : new Error(String(err));
    }
    if (signal.aborted) return;
    onDrop(error);
    if (options.now().getTime() - started >= options.stableMs) failures = 0;
    const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** Math.min(failures, 30));
    let wait = Math.max(options.minDelayMs / 2, Math.round(random() * ceiling));
    if (error instanceof RateLimited) wait = Math.max(wait, error.retryAt.getTime() - options.now().getTime());
    failures++;
    await sleep(wait, signal);
  }
}

/** One server-sent event: its `event:` name (default `message`) and its `data:` lines joined by `\n`. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG EventSource rules that matter here): lines end
 * with `\n`, `\r\n` or `\r`; `:` starts a comment (a heartbeat such as Mastodon's `:thump`); an empty
 * line dispatches the event; `data:` lines accumulate.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];

  /** Feeds decoded text; returns the events it completed. */
  push(text: string): SseEvent[] {
    this.#buffer += text;
    const out: SseEvent[] = [];
    for (;;) {
      const m = /\r\n|\n|\r/.exec(this.#buffer);
      if (m === null) break;
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (m[0] === '\r' && m.index === this.#buffer.length - 1) break;
      const line = this.#buffer.slice(0, m.index);
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      if (line === '') {
        if (this.#data.length > 0) out.push({ event: this.#event || 'message', data: this.#data.join('\n') });
        this.#event = '';
        this.#data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.#event = value;
      else if (field === 'data') this.#data.push(value);
    }
    return out;
  }
}
