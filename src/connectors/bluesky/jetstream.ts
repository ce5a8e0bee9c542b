/**
 * Bluesky Jetstream (github.com/bluesky-social/jetstream): the network's commits as JSON over one
 * WebSocket, shared by every Bluesky channel of the process (`capabilities.stream === 'network'`).
 *
 * - Subscribes to `app.bsky.feed.post` only. `wantedDids` filters by *author*, and what the inbox wants
 *   is posts by others that concern our accounts, so every post is read and filtered here: a reply
 *   whose parent or root is one of our accounts' posts, a mention facet of one of our DIDs, a quote
 *   (embedded record, with or without media) of one of our posts.
 * - An event carries the author's DID but no profile (handle, name, avatar): it cannot become an inbox
 *   item by itself. It is reported as `onActivity` and the caller polls the account's channel at once
 *   (notifications then give the full item, through the same code as every poll).
 * - The URL is operator configuration (PASSERELLE_BLUESKY_JETSTREAM_URL), not user input: it does not go
 *   through the SSRF guard, but only ws:/wss: are accepted.
 * - Reconnects with backoff and jitter; the cursor (`time_us` of the last event) is rewound a few
 *   seconds on reconnect, as Jetstream's documentation advises (instances differ slightly in time).
 * - An account whose PDS is not federated with the public network (a local dev-env) gets no events:
 *   its polls still run.
 */
import type { NetworkStreamContext, NetworkStreamSink, StreamActivity } from '../connector.ts';
import { Rejected, Transient } from '../errors.ts';
import { keepConnected, reconnectOptions, type ReconnectOptions } from '../stream.ts';

/** The one collection the inbox needs. */
export const JETSTREAM_COLLECTION = 'app.bsky.feed.post';

export interface JetstreamOptions extends Partial<Omit<ReconnectOptions, 'now'>> {
  /** No message for this long means a dead connection (default 60 s; the public post stream never pauses that long). */
  idleMs?: number;
  /** How far back the cursor is set on reconnect (default 5 s). */
  rewindMs?: number;
  /** Budget to open the connection (default 15 s). */
  connectTimeoutMs?: number;
}

/** Checks a configured Jetstream URL: ws: or wss: only. Throws `Rejected('invalid_input')` otherwise. */
export function checkJetstreamUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Rejected(`${raw} is not a URL`, 'invalid_input', { network: 'bluesky' });
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new Rejected(`A Jetstream URL must start with wss:// or ws:// (got ${url.protocol})`, 'invalid_input', { network: 'bluesky' });
  }
  return url;
}

/** The subscription URL: the configured endpoint, posts only, from `cursorUs` when resuming. */
export function jetstreamUrl(base: string, cursorUs: number | null): URL {
  const url = checkJetstreamUrl(base);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/subscribe';
  url.searchParams.delete('wantedCollections');
  url.searchParams.delete('cursor');
  url.searchParams.append('wantedCollections', JETSTREAM_COLLECTION);
  if (cursorUs !== null) url.searchParams.set('cursor', String(Math.max(0, Math.floor(cursorUs))));
  return url;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The DID of an `at://did/collection/rkey` URI, or null. */
function didOf(uri: unknown): string | null {
  if (typeof uri !== 'string' || !uri.startsWith('at://')) return null;
  const did = uri.slice(5).split('/')[0] ?? '';
  return did.startsWith('did:') ? did : null;
}

/**
 * What one Jetstream event means for `accounts`: at most one activity per account (reply before
 * quote before mention), none for events that are not new posts, and none for our accounts' own
 * posts (a thread we publish is not inbox activity).
 */
export function activitiesOf(event: unknown, accounts: ReadonlySet<string>): StreamActivity[] {
  if (!isObj(event) || event['kind'] !== 'commit' || !isObj(event['commit'])) return [];
  const commit = event['commit'];
  const author = event['did'];
  const record = commit['record'];
  if (commit['operation'] !== 'create' || commit['collection'] !== JETSTREAM_COLLECTION || typeof author !== 'string' || !isObj(record)) return [];
  const remoteId = `at://${author}/${JETSTREAM_COLLECTION}/${String(commit['rkey'])}`;
  const found = new Map<string, StreamActivity['reason']>();
  const add = (did: string | null, reason: StreamActivity['reason']) => {
    if (did !== null && did !== author && accounts.has(did) && !found.has(did)) found.set(did, reason);
  };
  const reply = record['reply'];
  if (isObj(reply)) {
    for (const ref of [reply['parent'], reply['root']]) if (isObj(ref)) add(didOf(ref['uri']), 'reply');
  }
  const embed = record['embed'];
  if (isObj(embed)) {
    const inner = embed['record'];
    if (embed['$type'] === 'app.bsky.embed.record' && isObj(inner)) add(didOf(inner['uri']), 'quote');
    if (embed['$type'] === 'app.bsky.embed.recordWithMedia' && isObj(inner) && isObj(inner['record'])) add(didOf(inner['record']['uri']), 'quote');
  }
  const facets = record['facets'];
  if (Array.isArray(facets)) {
    for (const facet of facets) {
      const features = isObj(facet) ? facet['features'] : null;
      if (!Array.isArray(features)) continue;
      for (const f of features) {
        if (isObj(f) && f['$type'] === 'app.bsky.richtext.facet#mention' && typeof f['did'] === 'string') add(f['did'], 'mention');
      }
    }
  }
  return [...found].map(([accountRemoteId, reason]) => ({ accountRemoteId, reason, remoteId }));
}

/** Follows Jetstream until `signal` aborts; see the file comment. */
export async function streamJetstream(ctx: NetworkStreamContext, sink: NetworkStreamSink, signal: AbortSignal, options: JetstreamOptions = {}): Promise<void> {
  checkJetstreamUrl(ctx.url);
  const idleMs = options.idleMs ?? 60_000;
  const rewindUs = (options.rewindMs ?? 5_000) * 1000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 15_000;
  const reconnect = reconnectOptions(options, ctx.now);
  /** `time_us` of the last event seen (or when the first connection opened): where a reconnect resumes. */
  let lastUs: number | null = null;

  const connectOnce = (outer: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      // First connection: live tail (polling covers the past). Later ones: resume, a few seconds early.
      const url = jetstreamUrl(ctx.url, lastUs === null ? null : lastUs - rewindUs);
      const ws = new WebSocket(url);
      let opened = false;
      let settled = false;
      let idle: NodeJS.Timeout | null = null;
      const finish = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(connectTimer);
        if (idle) clearTimeout(idle);
        outer.removeEventListener('abort', onAbort);
        if (ws.readyState === WebSocket.CONNECTING || ws.readyState === WebSocket.OPEN) ws.close();
        if (error) reject(error);
        else resolve();
      };
      const onAbort = () => finish();
      const arm = () => {
        if (idle) clearTimeout(idle);
        idle = setTimeout(() => finish(new Transient(`No event from ${url.host} for ${Math.round(idleMs / 1000)} s`, { network: 'bluesky' })), idleMs);
      };
      const connectTimer = setTimeout(() => finish(new Transient(`${url.host} did not accept the connection within ${connectTimeoutMs} ms`, { network: 'bluesky' })), connectTimeoutMs);
      outer.addEventListener('abort', onAbort, { once: true });
      ws.addEventListener('open', () => {
        opened = true;
        clearTimeout(connectTimer);
        lastUs ??= ctx.now().getTime() * 1000;
        arm();
        ctx.log.info({ network: 'bluesky', host: url.host }, 'jetstream open');
        sink.onOpen();
      });
      ws.addEventListener('message', (message: MessageEvent) => {
        arm();
        if (typeof message.data !== 'string') return;
        let event: unknown;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        if (isObj(event) && typeof event['time_us'] === 'number') lastUs = event['time_us'];
        for (const activity of activitiesOf(event, ctx.accounts())) sink.onActivity(activity);
      });
      ws.addEventListener('error', () => finish(new Transient(opened ? `The connection to ${url.host} broke` : `Could not connect to ${url.host}`, { network: 'bluesky' })));
      ws.addEventListener('close', (e: CloseEvent) => finish(opened ? undefined : new Transient(`${url.host} closed the connection (${e.code})`, { network: 'bluesky' })));
    });

  await keepConnected(signal, reconnect, connectOnce, (error) => {
    ctx.log.warn({ network: 'bluesky', err: error.message }, 'jetstream dropped; reconnecting');
    sink.onDrop(error);
  });
}
