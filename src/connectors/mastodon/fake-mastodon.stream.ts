/**
 * The streaming server of the fake Mastodon instance (contract tests of `mastodon.stream.ts`), on its
 * own port as many real instances do (`configuration.urls.streaming` of /api/v2/instance points at it).
 * Shapes from docs.joinmastodon.org/methods/streaming:
 *
 * - `GET /api/v1/streaming/user/notification` (and `/user`), token in `Authorization: Bearer` (or
 *   `access_token`): 401 `{"error": …}` for an unknown or revoked token, else 200 `text/event-stream`
 *   that starts with the `:)` comment and sends `:thump` heartbeats;
 * - `event: notification` + `data: <Notification JSON>` for every notification the fake creates
 *   (statuses, favourites, reblogs, follows made through the fake's API), pushed the moment it exists;
 * - `GET /api/v1/streaming/health` → `OK`.
 *
 * Knobs: `push` (any event to an account's connections), `dropAll` (the server closes every
 * connection), `failNext` (the next attempts answer a status), `heartbeatMs`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeMastodon } from './fake-mastodon.ts';

interface Client {
  accountId: string;
  res: http.ServerResponse;
  heartbeat: NodeJS.Timeout;
}

export class FakeMastodonStreaming {
  url = '';
  /** Interval of the `:thump` heartbeats. */
  heartbeatMs: number;
  /** The next `count` connection attempts answer `status` (e.g. 503) instead of streaming. */
  failNext: { count: number; status: number } | null = null;
  /** Streams opened (200) since start, and every attempt including refused ones. */
  opened = 0;
  attempts = 0;

  readonly #fake: FakeMastodon;
  readonly #clients = new Set<Client>();
  #server: http.Server | null = null;
  readonly #listener = (forAccountId: string, notification: object) => this.push(forAccountId, 'notification', notification);

  constructor(fake: FakeMastodon, opts: { heartbeatMs?: number } = {}) {
    this.#fake = fake;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
  }

  /** Listens on a free port and advertises itself in the instance's `configuration.urls.streaming`. */
  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const port = (this.#server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    this.#fake.streamingUrl = `ws://127.0.0.1:${port}`;
    this.#fake.notificationListeners.add(this.#listener);
    return this;
  }

  async stop(): Promise<void> {
    this.#fake.notificationListeners.delete(this.#listener);
    if (this.#fake.streamingUrl?.endsWith(new URL(this.url).host)) this.#fake.streamingUrl = null;
    this.dropAll();
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Open streams, optionally only those of one account. */
  connections(accountId?: string): number {
    return [...this.#clients].filter((c) => accountId === undefined || c.accountId === accountId).length;
  }

  /** Sends one event to every open stream of `accountId`. */
  push(accountId: string, event: string, payload: object | string): void {
    const data = typeof payload === 'string' ? payload : JSON.stringify(payload);
    for (const c of this.#clients) if (c.accountId === accountId) c.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  /** The server ends every open stream (as a restart or a load balancer would). */
  dropAll(): void {
    for (const c of this.#clients) {
      clearInterval(c.heartbeat);
      c.res.socket?.destroy();
    }
    this.#clients.clear();
  }

  /** Resolves once `n` streams are open (optionally for one account), or throws after `timeoutMs`. */
  async waitForConnections(n: number, accountId?: string, timeoutMs = 5_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.connections(accountId) < n) {
      if (Date.now() > until) throw new Error(`expected ${n} open stream(s), have ${this.connections(accountId)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'GET' && url.pathname === '/api/v1/streaming/health') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
      return;
    }
    if (req.method !== 'GET' || (url.pathname !== '/api/v1/streaming/user/notification' && url.pathname !== '/api/v1/streaming/user')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Unknown stream type' }));
      return;
    }
    this.attempts++;
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count--;
      res.writeHead(this.failNext.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Simulated failure' }));
      return;
    }
    const token = /^Bearer (.+)$/.exec(String(req.headers['authorization'] ?? ''))?.[1] ?? url.searchParams.get('access_token');
    const accountId = token ? this.#fake.accountIdForToken(token) : null;
    if (accountId === null) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Invalid access token' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'transfer-encoding': 'chunked' });
    res.write(':)\n');
    const client: Client = { accountId, res, heartbeat: setInterval(() => res.write(':thump\n'), this.heartbeatMs) };
    this.#clients.add(client);
    this.opened++;
    const gone = () => {
      clearInterval(client.heartbeat);
      this.#clients.delete(client);
    };
    // res 'close' = the connection ended (req 'close' fires as soon as the request is read).
    res.on('close', gone);
  }
}
