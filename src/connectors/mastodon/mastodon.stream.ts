/**
 * Mastodon streaming (docs.joinmastodon.org/methods/streaming): the account's notifications over
 * server-sent events, `GET /api/v1/streaming/user/notification` with the channel's Bearer token.
 *
 * - HTTP/SSE rather than WebSocket, so every connection goes through the SSRF-guarded `ctx.fetch`
 *   (a WebSocket client would bypass it). The response body is read as it arrives.
 * - The instance may serve streaming from another host: `/api/v2/instance` →
 *   `configuration.urls.streaming` (a `wss://` URL, used as `https://`), checked by the guard too.
 * - A `notification` event carries the full Notification entity: it is mapped by the same
 *   `notificationInteraction` the poll uses, so the remote ids are identical and ingest deduplicates.
 *   DMs to the account arrive as `mention` notifications (visibility `direct`), as in polling; the
 *   `direct` stream's `conversation` events add nothing the notification does not carry.
 * - Heartbeats (`:thump` comments, every ~15 s) only prove the connection is alive: no byte for
 *   `idleMs` means a dead connection, which is dropped and reopened.
 * - 401 → `AuthExpired` (token revoked; the channel needs reconnecting, like a poll); anything else
 *   → reconnect with backoff and jitter.
 */
import type { ConnectorContext, Interaction, StreamSink } from '../connector.ts';
import { AuthExpired, RateLimited, Transient } from '../errors.ts';
import { retryAfter } from '../http.ts';
import { keepConnected, reconnectOptions, SseParser, type ReconnectOptions } from '../stream.ts';
import type { MastodonCredentials, MastodonNotification } from './mastodon.api.ts';
import { notificationInteraction } from './mastodon.api.ts';
import { MastodonApi } from './mastodon.connector.ts';

export interface MastodonStreamOptions extends Partial<Omit<ReconnectOptions, 'now'>> {
  /** No byte (event or heartbeat) for this long: the connection is presumed dead (default 45 s). */
  idleMs?: number;
}

/** `configuration.urls.streaming` of `/api/v2/instance` (absent on old or minimal instances). */
interface InstanceUrls {
  configuration?: { urls?: { streaming?: string } };
}

/**
 * The base URL of the instance's streaming server: `configuration.urls.streaming` with `wss:`/`ws:`
 * read as `https:`/`http:` (SSE is plain HTTP), else the instance itself.
 */
async function streamingBase(ctx: ConnectorContext<MastodonCredentials>): Promise<string> {
  const api = new MastodonApi(ctx, ctx.credentials.instanceUrl, ctx.credentials.accessToken);
  const res = await api.call({ method: 'GET', path: '/api/v2/instance', what: 'read the streaming address' });
  const streaming = res.json<InstanceUrls>().configuration?.urls?.streaming;
  if (!streaming) return ctx.credentials.instanceUrl;
  let url: URL;
  try {
    url = new URL(streaming);
  } catch {
    return ctx.credentials.instanceUrl;
  }
  if (url.protocol === 'wss:') url.protocol = 'https:';
  else if (url.protocol === 'ws:') url.protocol = 'http:';
  // Anything else is refused by the guarded fetch (only http and https).
  return url.toString();
}

/**
 * Follows the account's notifications until `signal` aborts; see the file comment. Throws
 * `AuthExpired` when the instance refuses the token.
 */
export async function streamMastodon(
  ctx: ConnectorContext<MastodonCredentials>,
  sink: StreamSink,
  signal: AbortSignal,
  options: MastodonStreamOptions = {},
): Promise<void> {
  const idleMs = options.idleMs ?? 45_000;
  const reconnect = reconnectOptions(options, ctx.now);
  const { instanceUrl, accessToken, accountId } = ctx.credentials;
  const host = new URL(instanceUrl).host;

  // The streaming address is read once, and again after a connect that failed before the stream
  // opened (an instance may move its streaming server): not on every reconnect after a clean drop,
  // since each read spends the account's request budget.
  let base: string | null = null;
  let opened = false;
  const connectOnce = async (outer: AbortSignal): Promise<void> => {
    base ??= await streamingBase(ctx);
    opened = false;
    try {
      await connect(outer, base);
    } catch (err) {
      if (!opened) base = null;
      throw err;
    }
  };

  const connect = async (outer: AbortSignal, base: string): Promise<void> => {
    const url = new URL('/api/v1/streaming/user/notification', base);
    const local = new AbortController();
    const linked = AbortSignal.any([outer, local.signal]);
    const connectTimer = setTimeout(() => local.abort(new Transient(`${url.host} did not answer the stream request within ${ctx.timeoutMs} ms`, { network: 'mastodon' })), ctx.timeoutMs);
    let res: Response;
    try {
      res = await ctx.fetch(url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'text/event-stream' }, signal: linked });
    } catch (err) {
      if (local.signal.aborted) throw local.signal.reason;
      throw new Transient(`Could not open the stream of ${url.host}: ${(err as Error).message}`, { network: 'mastodon', cause: err });
    } finally {
      clearTimeout(connectTimer);
    }
    if (res.status === 401) {
      await res.body?.cancel();
      throw new AuthExpired(`${host} no longer accepts Passerelle's token (revoked or the app was removed): reconnect the channel`, { network: 'mastodon' });
    }
    if (res.status === 429) {
      await res.body?.cancel();
      throw new RateLimited(retryAfter(res.headers, ctx.now()) ?? new Date(ctx.now().getTime() + 60_000), `${url.host} rate-limited the stream`, { network: 'mastodon' });
    }
    if (res.status !== 200 || res.body === null) {
      await res.body?.cancel();
      throw new Transient(`${url.host} answered ${res.status} to the stream request`, { network: 'mastodon' });
    }
    opened = true;
    sink.onOpen();
    ctx.log.info({ network: 'mastodon', host: url.host }, 'stream open');

    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SseParser();
    let idle: NodeJS.Timeout | null = null;
    const arm = () => {
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => local.abort(new Transient(`No heartbeat from ${url.host} for ${Math.round(idleMs / 1000)} s`, { network: 'mastodon' })), idleMs);
    };
    const stop = () => void reader.cancel().catch(() => {});
    linked.addEventListener('abort', stop, { once: true });
    arm();
    try {
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (local.signal.aborted) throw local.signal.reason;
          if (outer.aborted) return;
          throw new Transient(`The stream of ${url.host} broke: ${(err as Error).message}`, { network: 'mastodon', cause: err });
        }
        if (local.signal.aborted) throw local.signal.reason;
        if (chunk.done) return;
        arm();
        for (const event of parser.push(decoder.decode(chunk.value, { stream: true }))) {
          if (event.event !== 'notification') continue;
          let interaction: Interaction | null = null;
          try {
            interaction = notificationInteraction(JSON.parse(event.data) as MastodonNotification, accountId, instanceUrl);
          } catch {
            ctx.log.warn({ network: 'mastodon', host: url.host }, 'stream event that is not a notification; ignored');
          }
          if (interaction === null) continue;
          try {
            await sink.onInteractions([interaction]);
          } catch (err) {
            // The next poll fetches it anyway; keep the stream.
            ctx.log.warn({ network: 'mastodon', err: (err as Error).message }, 'stream item not ingested; the next poll will');
          }
        }
      }
    } finally {
      if (idle) clearTimeout(idle);
      linked.removeEventListener('abort', stop);
      stop();
    }
  };

  await keepConnected(signal, reconnect, connectOnce, (error) => {
    ctx.log.warn({ network: 'mastodon', host, err: error.message }, 'stream dropped; reconnecting');
    sink.onDrop(error);
  });
}
