import type { Client } from './app.ts';

/** The headers a {@link Client} would send (its session cookie or bearer token), for use with `fetch`. */
export function authHeaders(c: Client): Record<string, string> {
  const h: Record<string, string> = {};
  if (c.cookie) h.cookie = c.cookie;
  if (c.bearer) h.authorization = `Bearer ${c.bearer}`;
  return h;
}

export type SseEvent = { type: string; payload: any };

/**
 * A Server-Sent-Events stream read over real HTTP (the events route hijacks the response, so
 * `app.inject` cannot read it). `events` fills as `data:` lines arrive.
 */
export class EventStream {
  readonly status: number;
  readonly events: SseEvent[] = [];
  readonly #abort: AbortController;
  #waiters: (() => void)[] = [];
  #ended = false;

  private constructor(status: number, abort: AbortController) {
    this.status = status;
    this.#abort = abort;
  }

  /** Opens `url` and resolves once the server said `: connected` (the subscription is in place), or with the error status. */
  static async open(url: string, headers: Record<string, string>): Promise<EventStream> {
    const abort = new AbortController();
    const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const stream = new EventStream(res.status, abort);
    if (res.status !== 200 || !res.body) {
      await res.text().catch(() => '');
      stream.#ended = true;
      return stream;
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let connected: () => void = () => {};
    const ready = new Promise<void>((resolve) => { connected = resolve; });
    void (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const line of block.split('\n')) {
              if (line === ': connected') connected();
              if (line.startsWith('data: ')) stream.events.push(JSON.parse(line.slice(6)) as SseEvent);
            }
            stream.#wake();
          }
        }
      } catch { /* aborted */ }
      stream.#ended = true;
      connected();
      stream.#wake();
    })();
    await ready;
    return stream;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  /** Waits for an event matching `match` (already received or still to come). */
  async waitFor(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.#ended) throw new Error(`event stream ended; received ${JSON.stringify(this.events)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; received ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  close(): void {
    this.#abort.abort();
  }
}
