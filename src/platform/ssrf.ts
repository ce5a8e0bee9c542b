/**
 * A `fetch` that refuses to reach private, loopback, link-local and other internal addresses, so that a
 * user-supplied URL (a Mastodon instance, a Bluesky PDS, a link to preview) cannot be used to probe the
 * server's own network (SSRF).
 *
 * - The hostname is resolved once (every address, `dns.lookup({ all: true })`); if any address is
 *   internal the request is refused with `SsrfBlocked`.
 * - The connection is pinned to the checked address (the socket's `lookup` returns it), so a second DNS
 *   answer cannot swap in an internal address (DNS rebinding).
 * - Redirects are followed by hand (at most 5) and every hop is checked again.
 *
 * Built on node:http/https (the connection needs a custom `lookup`) and returns a standard `Response`.
 *
 * @example
 * const guardedFetch = createGuardedFetch({ allowPrivate: config.allowPrivateNetwork });
 * await guardedFetch('https://mastodon.social/api/v2/instance');
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';

export interface GuardedFetchOptions {
  /** Allow every address (PASSERELLE_ALLOW_PRIVATE_NETWORK, for self-hosters federating on a LAN and for tests). */
  allowPrivate?: boolean;
  /** Hostnames (exact, case-insensitive) allowed whatever they resolve to, e.g. `['localhost']` in tests. */
  allowHosts?: string[];
  /** Injected resolver (tests); defaults to `dns.lookup(host, { all: true, verbatim: true })`. */
  lookup?: (hostname: string) => Promise<Array<{ address: string; family: number }>>;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
}

/** The request was refused because the host resolves to an internal address (or the URL is not http/https). */
export class SsrfBlocked extends Error {
  readonly host: string;
  readonly address: string | null;
  readonly reason: string;

  constructor(host: string, address: string | null, reason: string) {
    super(
      address === null
        ? `Refusing to connect to ${host}: ${reason}`
        : `Refusing to connect to ${host}: it resolves to ${address}, a ${reason} address`,
    );
    this.name = 'SsrfBlocked';
    this.host = host;
    this.address = address;
    this.reason = reason;
  }
}

const V4_RANGES: Array<[string, number, string]> = [
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-grade NAT'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'IETF protocol assignment'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'relay (6to4 anycast)'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

const V6_RANGES: Array<[string, number, string]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['100::', 64, 'discard-only'],
  ['2001:db8::', 32, 'documentation'],
  ['fc00::', 7, 'unique-local'],
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'site-local (deprecated)'],
  ['ff00::', 8, 'multicast'],
];

const v4Lists = V4_RANGES.map(([prefix, bits, reason]) => {
  const list = new net.BlockList();
  list.addSubnet(prefix, bits, 'ipv4');
  return { list, reason };
});
const v6Lists = V6_RANGES.map(([prefix, bits, reason]) => {
  const list = new net.BlockList();
  list.addSubnet(prefix, bits, 'ipv6');
  return { list, reason };
});

/** IPv4 address embedded in an IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible or NAT64 IPv6 address. */
function embeddedV4(address: string): string | null {
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1); // e.g. ::ffff:7f00:1
  const m = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const hi = parseInt(m[1], 16);
  const lo = parseInt(m[2], 16);
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/**
 * Why `address` must not be reached, or null when it is a public address.
 *
 * @example blockedReason('10.1.2.3') === 'private'; blockedReason('93.184.216.34') === null
 */
export function blockedReason(address: string): string | null {
  const family = net.isIP(address);
  if (family === 4) {
    return v4Lists.find(({ list }) => list.check(address, 'ipv4'))?.reason ?? null;
  }
  if (family === 6) {
    const v4 = embeddedV4(address);
    if (v4 !== null && v4 !== '0.0.0.0' && v4 !== '0.0.0.1') {
      const reason = blockedReason(v4);
      return reason === null ? null : `${reason} (IPv4-mapped)`;
    }
    return v6Lists.find(({ list }) => list.check(address, 'ipv6'))?.reason ?? null;
  }
  return 'unparseable';
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Creates the guarded fetch. The platform passes `allowPrivate` from PASSERELLE_ALLOW_PRIVATE_NETWORK. */
export function createGuardedFetch(options: GuardedFetchOptions = {}): typeof fetch {
  const allowHosts = new Set((options.allowHosts ?? []).map((h) => h.toLowerCase()));
  const maxRedirects = options.maxRedirects ?? 5;
  const lookup =
    options.lookup ?? ((hostname: string) => dns.lookup(hostname, { all: true, verbatim: true }));

  async function resolveChecked(url: URL): Promise<{ address: string; family: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new SsrfBlocked(url.host, null, `the scheme ${url.protocol} is not allowed`);
    }
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const skip = options.allowPrivate === true || allowHosts.has(host.toLowerCase());
    let addresses: Array<{ address: string; family: number }>;
    if (net.isIP(host) !== 0) {
      addresses = [{ address: host, family: net.isIP(host) }];
    } else {
      try {
        addresses = await lookup(host);
      } catch (error) {
        throw new TypeError(`fetch failed: cannot resolve ${host}`, { cause: error });
      }
      if (addresses.length === 0) throw new TypeError(`fetch failed: cannot resolve ${host}`);
    }
    if (!skip) {
      for (const { address } of addresses) {
        const reason = blockedReason(address);
        if (reason !== null) throw new SsrfBlocked(host, address, reason);
      }
    }
    const first = addresses[0];
    if (first === undefined) throw new TypeError(`fetch failed: cannot resolve ${host}`);
    return first;
  }

  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    // Request normalizes every body kind (FormData, Blob, string…) and its content-type.
    let request = new Request(input, init);
    const redirectMode = init?.redirect ?? (input instanceof Request ? input.redirect : 'follow');
    let body: Uint8Array | null = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    for (let hop = 0; ; hop++) {
      const url = new URL(request.url);
      const pinned = await resolveChecked(url);
      const response = await pinnedRequest(url, request, body, pinned);
      if (!REDIRECTS.has(response.status) || redirectMode === 'manual') return response;
      if (redirectMode === 'error') throw new TypeError(`fetch failed: redirected from ${url.host}`);
      const location = response.headers.get('location');
      if (location === null) return response;
      if (hop >= maxRedirects) throw new TypeError(`fetch failed: more than ${maxRedirects} redirects from ${url.host}`);
      await response.body?.cancel();
      const next = new URL(location, url);
      const headers = new Headers(request.headers);
      let method = request.method;
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = null;
        for (const h of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(h);
      }
      if (next.origin !== url.origin) {
        headers.delete('authorization');
        headers.delete('cookie');
      }
      request = new Request(next, { method, headers, signal: request.signal, redirect: 'manual' });
    }
  };
  return guardedFetch as typeof fetch;
}

function pinnedRequest(
  url: URL,
  request: Request,
  body: Uint8Array | null,
  pinned: { address: string; family: number },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const signal = request.signal;
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    if (headers['accept-encoding'] === undefined) headers['accept-encoding'] = 'gzip, deflate, br';
    if (body !== null) headers['content-length'] = String(body.byteLength);
    const transport = url.protocol === 'https:' ? https : http;
    const req = transport.request(url, {
      method: request.method,
      headers,
      signal,
      // Pin the connection to the address that was checked (no second DNS answer).
      lookup: (_host, opts, callback) => {
        const cb = callback as unknown as (
          err: Error | null,
          address: string | Array<{ address: string; family: number }>,
          family?: number,
        ) => void;
        if ((opts as { all?: boolean }).all) cb(null, [pinned]);
        else cb(null, pinned.address, pinned.family);
      },
    });
    req.on('error', (error) => {
      reject(signal.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
    });
    req.on('response', (res) => {
      const responseHeaders = new Headers();
      for (const [key, value] of Object.entries(res.headers)) {
        if (value === undefined) continue;
        for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(key, v);
      }
      const status = res.statusCode ?? 500;
      let stream: Readable = res;
      const encoding = (res.headers['content-encoding'] ?? '').toLowerCase();
      if (encoding === 'gzip' || encoding === 'x-gzip') stream = res.pipe(zlib.createGunzip());
      else if (encoding === 'deflate') stream = res.pipe(zlib.createInflate());
      else if (encoding === 'br') stream = res.pipe(zlib.createBrotliDecompress());
      if (stream !== res) {
        res.on('error', (e) => stream.destroy(e));
        responseHeaders.delete('content-encoding');
        responseHeaders.delete('content-length');
      }
      const hasBody = !NULL_BODY.has(status) && request.method !== 'HEAD';
      if (!hasBody) res.resume();
      resolve(
        new Response(hasBody ? (Readable.toWeb(stream) as ReadableStream<Uint8Array>) : null, {
          status,
          statusText: res.statusMessage ?? '',
          headers: responseHeaders,
        }),
      );
    });
    if (body !== null) req.end(body);
    else req.end();
  });
}
