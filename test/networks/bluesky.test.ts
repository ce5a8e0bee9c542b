/**
 * Real-peer tests: the Bluesky connector against the AT Protocol reference servers (PLC + PDS +
 * AppView) run locally by @atproto/dev-env. Needs PostgreSQL at 127.0.0.1:5432 (user postgres) and
 * Redis at 127.0.0.1:6379. Run with `npm run test:networks`.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createBlueskyConnector } from '../../src/connectors/bluesky/bluesky.connector.ts';
import { connectBluesky } from '../../src/connectors/bluesky/bluesky.connect.ts';
import type { BlueskyCredentials } from '../../src/connectors/bluesky/bluesky.xrpc.ts';
import { AuthExpired, OutcomeUnknown, RateLimited, Rejected } from '../../src/connectors/errors.ts';
import { createMemoryContext } from '../../src/connectors/memory-context.ts';
import { facetText } from '../../src/connectors/text/facets.ts';
import { createGuardedFetch } from '../../src/platform/ssrf.ts';

// dev-env is installed only in test/networks; a non-literal specifier keeps the product's typecheck
// independent of that install.
interface TestNetworkLike {
  pds: { url: string };
  processAll(): Promise<void>;
  close(): Promise<void>;
  getSeedClient(): {
    createAccount(name: string, params: { email: string; handle: string; password: string }): Promise<{ did: string; accessJwt: string }>;
  };
}
const devEnv = '@atproto/dev-env';
const { TestNetwork } = (await import(devEnv)) as { TestNetwork: { create(params: object): Promise<TestNetworkLike> } };

process.env['REDIS_HOST'] ??= '127.0.0.1:6379';
const DB_URL = process.env['DB_POSTGRES_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

// A 1×1 PNG.
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

const guarded = createGuardedFetch({ allowHosts: ['localhost'] });
const connector = createBlueskyConnector();

let network: TestNetworkLike;
let brand: { did: string; accessJwt: string };
let bob: { did: string; accessJwt: string };
let appPassword: string;
let creds: BlueskyCredentials;
let n = 0;
const key = () => `variant-${++n}-${Date.now()}`;
const ctx = (overrides: Partial<BlueskyCredentials> = {}, timeoutMs = 10_000) => createMemoryContext<BlueskyCredentials>({ ...creds, ...overrides }, { fetch: guarded, timeoutMs });

async function xrpc<T = Record<string, unknown>>(token: string | null, nsid: string, body?: unknown, params?: Record<string, string>): Promise<T> {
  const url = new URL(`/xrpc/${nsid}`, network.pds.url);
  for (const [k, v] of Object.entries(params ?? {})) url.searchParams.set(k, v);
  const res = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${nsid} ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** bob writes a record in his repo. */
const bobWrites = (collection: string, record: Record<string, unknown>) =>
  xrpc<{ uri: string; cid: string }>(bob.accessJwt, 'com.atproto.repo.createRecord', { repo: bob.did, collection, record: { $type: collection, createdAt: new Date().toISOString(), ...record } });

const getRecord = async (uri: string) => {
  const [, , did, collection, rkey] = uri.split('/');
  try {
    return await xrpc<{ uri: string; cid: string; value: Record<string, any> }>(null, 'com.atproto.repo.getRecord', undefined, { repo: did ?? '', collection: collection ?? '', rkey: rkey ?? '' });
  } catch {
    return null;
  }
};

/** A proxy in front of the PDS that can answer 429, pretend a token expired, or delay answers; it counts calls. */
class PdsProxy {
  url = '';
  counts = new Map<string, number>();
  rateLimit: { nsid: string; resetAt: Date } | null = null;
  expireOnce: string | null = null;
  delay: { nsid: string; ms: number } | null = null;
  private server = http.createServer((req, res) => void this.handle(req, res));

  async start() {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}`;
    return this;
  }
  stop() {
    this.server.closeAllConnections();
    return new Promise<void>((r) => this.server.close(() => r()));
  }
  count(nsid: string) {
    return this.counts.get(nsid) ?? 0;
  }
  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.url);
    const nsid = url.pathname.replace('/xrpc/', '');
    this.counts.set(nsid, this.count(nsid) + 1);
    if (this.rateLimit && this.rateLimit.nsid === nsid) {
      const reset = String(Math.floor(this.rateLimit.resetAt.getTime() / 1000));
      res.writeHead(429, { 'content-type': 'application/json', 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': reset, 'ratelimit-policy': '5000;w=3600' });
      res.end(JSON.stringify({ error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' }));
      return;
    }
    if (this.expireOnce === nsid) {
      this.expireOnce = null;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'ExpiredToken', message: 'Token has expired' }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'connection') headers.set(k, v);
    const upstream = await fetch(new URL(url.pathname + url.search, network.pds.url), {
      method: req.method ?? 'GET',
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (this.delay && this.delay.nsid === nsid) await new Promise((r) => setTimeout(r, this.delay?.ms));
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    });
    res.writeHead(upstream.status, out).end(body);
  }
}

let proxy: PdsProxy;

before(async () => {
  const schema = `passerelle_${Math.random().toString(36).slice(2).replace(/[0-9]/g, 'x')}`;
  network = await TestNetwork.create({ dbPostgresUrl: DB_URL, dbPostgresSchema: schema });
  const sc = network.getSeedClient();
  brand = await sc.createAccount('brand', { email: 'brand@test.com', handle: 'brand.test', password: 'brand-pass' });
  bob = await sc.createAccount('bob', { email: 'bob@test.com', handle: 'bob.test', password: 'bob-pass' });
  await xrpc(bob.accessJwt, 'com.atproto.repo.createRecord', { repo: bob.did, collection: 'app.bsky.actor.profile', rkey: 'self', record: { $type: 'app.bsky.actor.profile', displayName: 'Bob' } });
  appPassword = (await xrpc<{ password: string }>(brand.accessJwt, 'com.atproto.server.createAppPassword', { name: 'passerelle' })).password;
  proxy = await new PdsProxy().start();
  await network.processAll();
});

after(async () => {
  await proxy?.stop();
  await network?.close();
});

describe('Bluesky against the reference PDS and AppView (dev-env)', () => {
  test('connect: a wrong app password is a clear Rejected(invalid_credentials)', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    await assert.rejects(connectBluesky(base, { identifier: 'brand.test', appPassword: 'aaaa-bbbb-cccc-dddd', service: network.pds.url }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'invalid_credentials' && /refused this handle and app password/.test(e.message) && !e.message.includes('aaaa-bbbb'));
  });

  test('connect: the account password instead of an app password is refused before any request', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    await assert.rejects(connectBluesky(base, { identifier: 'brand.test', appPassword: 'brand-pass', service: network.pds.url }), (e: unknown) => e instanceof Rejected && /app password/.test(e.message));
  });

  test('connect: the guarded fetch refuses a local PDS unless allowed', async () => {
    const strict = createMemoryContext(null, { fetch: createGuardedFetch() });
    await assert.rejects(connectBluesky(strict, { identifier: 'brand.test', appPassword, service: network.pds.url }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'blocked_address');
  });

  test('connect: handle + app password gives the account, a session and the limits', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    const connected = await connectBluesky(base, { identifier: '@brand.test', appPassword, service: network.pds.url });
    assert.equal(connected.account.remoteId, brand.did);
    assert.equal(connected.account.handle, 'brand.test');
    assert.equal(connected.credentials.did, brand.did);
    assert.equal(new URL(connected.credentials.pdsUrl).port, new URL(network.pds.url).port);
    assert.equal(connected.limits.text.maxLength, 300);
    creds = connected.credentials;
  });

  let mainPost: { remoteId: string };

  test('publish: text with facets (link, mention, hashtag after emoji and accents) and two images with alt text', async () => {
    const text = '👩‍👩‍👧 Café ouvert ! Merci @bob.test #passerelle https://exemple.fr/été';
    const c = ctx();
    const result = await connector.publish(c, {
      variant: { text, language: 'fr', media: [{ bytes: PNG, mimeType: 'image/png', altText: 'Une tasse' }, { bytes: PNG, mimeType: 'image/png', altText: 'Une terrasse' }] },
      idempotencyKey: key(),
      scheduledAt: new Date(),
    });
    mainPost = result;
    const record = await getRecord(result.remoteId);
    assert.equal(record?.value['text'], text);
    assert.deepEqual(record?.value['langs'], ['fr']);
    const facets = record?.value['facets'] as Array<{ index: { byteStart: number; byteEnd: number }; features: Array<Record<string, string>> }>;
    assert.deepEqual(facets.map((f) => facetText(text, { $type: 'app.bsky.richtext.facet', index: f.index, features: [] })), ['@bob.test', '#passerelle', 'https://exemple.fr/été']);
    assert.equal(facets[0]?.features[0]?.['did'], bob.did);
    const embed = record?.value['embed'] as { images: Array<{ alt: string }> };
    assert.deepEqual(embed.images.map((i) => i.alt), ['Une tasse', 'Une terrasse']);
    assert.ok(c.lines.every((l) => !l.includes(creds.accessJwt) && !l.includes(appPassword)));
  });

  test('publish: a thread of three posts, each replying to the previous with the first as root', async () => {
    const result = await connector.publish(ctx(), { variant: { text: 'Fil 1/3', thread: [{ text: 'Fil 2/3' }, { text: 'Fil 3/3' }] }, idempotencyKey: key(), scheduledAt: new Date() });
    assert.equal(result.parts.length, 3);
    const third = await getRecord(result.parts[2]?.remoteId ?? '');
    assert.equal(third?.value['reply']?.parent?.uri, result.parts[1]?.remoteId);
    assert.equal(third?.value['reply']?.root?.uri, result.parts[0]?.remoteId);
  });

  test('publish: a reply to another account\'s post keeps that thread\'s root', async () => {
    const root = await bobWrites('app.bsky.feed.post', { text: 'Une question pour @brand.test' });
    await network.processAll();
    const result = await connector.publish(ctx(), { variant: { text: 'Voici la réponse', replyTo: root.uri }, idempotencyKey: key(), scheduledAt: new Date() });
    const record = await getRecord(result.remoteId);
    assert.deepEqual(record?.value['reply'], { root: { uri: root.uri, cid: root.cid }, parent: { uri: root.uri, cid: root.cid } });
  });

  test('publish: the same idempotency key twice gives one post; findPublished finds it, and null for another key', async () => {
    const k = key();
    const scheduledAt = new Date();
    const first = await connector.publish(ctx(), { variant: { text: 'Une seule fois' }, idempotencyKey: k, scheduledAt });
    const second = await connector.publish(ctx(), { variant: { text: 'Une seule fois' }, idempotencyKey: k, scheduledAt });
    assert.equal(second.remoteId, first.remoteId);
    const found = await connector.findPublished(ctx(), { variant: { text: 'Une seule fois' }, idempotencyKey: k, since: scheduledAt });
    assert.equal(found?.remoteId, first.remoteId);
    assert.equal(await connector.findPublished(ctx(), { variant: { text: 'x' }, idempotencyKey: key(), since: scheduledAt }), null);
  });

  test('publish: a post over 300 graphemes is refused before any write, saying by how much', async () => {
    const c = ctx({ pdsUrl: proxy.url });
    const before = proxy.count('com.atproto.repo.putRecord');
    await assert.rejects(connector.publish(c, { variant: { text: 'é'.repeat(310) }, idempotencyKey: key(), scheduledAt: new Date() }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'too_long' && e.issues[0]?.over === 10);
    assert.equal(proxy.count('com.atproto.repo.putRecord'), before);
  });

  test('inbox: reads bob\'s reply, like, repost, mention and follow as interactions, then nothing new', async () => {
    const c = ctx();
    const start = await connector.fetchInteractions(c, null);
    const post = await xrpc<{ uri: string; cid: string; value: Record<string, unknown> }>(null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey: mainPost.remoteId.split('/').pop() ?? '' });
    const ref = { uri: post.uri, cid: post.cid };
    const reply = await bobWrites('app.bsky.feed.post', { text: 'Super nouvelle !', reply: { root: ref, parent: ref } });
    await bobWrites('app.bsky.feed.like', { subject: ref });
    await bobWrites('app.bsky.feed.repost', { subject: ref });
    const mentionText = 'Allez voir @brand.test';
    const mention = await bobWrites('app.bsky.feed.post', { text: mentionText, facets: [{ index: { byteStart: 11, byteEnd: 22 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: brand.did }] }] });
    await bobWrites('app.bsky.graph.follow', { subject: brand.did });
    await network.processAll();

    const page = await connector.fetchInteractions(c, start.cursor);
    const byKind = new Map(page.items.map((i) => [i.kind, i]));
    const r = byKind.get('reply');
    assert.equal(r?.remoteId, reply.uri);
    assert.equal(r?.text, 'Super nouvelle !');
    assert.equal(r?.inReplyTo, mainPost.remoteId);
    assert.equal(r?.root, mainPost.remoteId);
    assert.equal(r?.author.handle, 'bob.test');
    assert.equal(r?.author.displayName, 'Bob');
    assert.equal(byKind.get('like')?.inReplyTo, mainPost.remoteId);
    assert.equal(byKind.get('mention')?.remoteId, mention.uri);
    assert.deepEqual(page.items.map((i) => i.kind), ['reply', 'like', 'repost', 'mention', 'follow'], 'oldest first');

    const again = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(again.items, []);

    // Small pages resume exactly where the previous one stopped.
    const seen: string[] = [];
    let cursor = start.cursor;
    for (let i = 0; i < 10; i++) {
      const p = await connector.fetchInteractions(c, cursor, { limit: 2 });
      seen.push(...p.items.map((x) => x.remoteId));
      cursor = p.cursor;
      if (!p.hasMore) break;
    }
    assert.deepEqual(seen, page.items.map((x) => x.remoteId));

    // fetchReplies reads the comments below the post.
    const replies = await connector.fetchReplies(c, mainPost.remoteId);
    assert.deepEqual(replies.map((x) => x.remoteId), [reply.uri]);
  });

  test('moderation: hides bob\'s reply with the threadgate (hiddenReplies), then shows it again', async () => {
    const c = ctx();
    const [reply] = await connector.fetchReplies(c, mainPost.remoteId);
    assert.ok(reply);
    await connector.moderate(c, 'hide', { remoteId: reply.remoteId });
    const rkey = mainPost.remoteId.split('/').pop() ?? '';
    const gate = await getRecord(`at://${brand.did}/app.bsky.feed.threadgate/${rkey}`);
    assert.deepEqual(gate?.value['hiddenReplies'], [reply.remoteId]);
    assert.equal(gate?.value['post'], mainPost.remoteId);
    assert.equal('allow' in (gate?.value ?? {}), false, 'everyone may still reply');
    await network.processAll();
    await connector.moderate(c, 'unhide', { remoteId: reply.remoteId, root: mainPost.remoteId });
    assert.deepEqual((await getRecord(`at://${brand.did}/app.bsky.feed.threadgate/${rkey}`))?.value['hiddenReplies'], []);
  });

  test('moderation: hiding a reply in someone else\'s thread is refused; deleting others\' replies is unsupported', async () => {
    const root = await bobWrites('app.bsky.feed.post', { text: 'mon fil' });
    await assert.rejects(connector.moderate(ctx(), 'hide', { remoteId: root.uri, root: root.uri }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'forbidden');
    await assert.rejects(connector.moderate(ctx(), 'delete', { remoteId: root.uri }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'unsupported');
  });

  test('metrics: likes, reposts, replies and quotes of the published post', async () => {
    await network.processAll();
    const [m] = await connector.fetchMetrics(ctx(), [mainPost.remoteId]);
    assert.equal(m?.remoteId, mainPost.remoteId);
    assert.deepEqual(m?.values, { likes: 1, reposts: 1, replies: 1, quotes: 0 });
    assert.equal(m?.fields.likes, 'likeCount');
  });

  test('posts by id: the original post of a conversation, with its author; unknown and non-post ids are left out', async () => {
    const posts = await connector.fetchPosts!(ctx(), [mainPost.remoteId, `at://${brand.did}/app.bsky.feed.post/3zzzzzzzzzzzz`, 'chat:c1:m1', '110000000000000002']);
    assert.equal(posts.length, 1);
    assert.equal(posts[0]!.remoteId, mainPost.remoteId);
    assert.equal(posts[0]!.author.handle, 'brand.test');
    assert.ok(posts[0]!.text.length > 0);
    assert.match(posts[0]!.url ?? '', /\/profile\/.+\/post\//);
  });

  test('delete: the post and its threadgate are gone; deleting again succeeds; metrics leave it out', async () => {
    await connector.deletePost(ctx(), mainPost.remoteId);
    assert.equal(await getRecord(mainPost.remoteId), null);
    await connector.deletePost(ctx(), mainPost.remoteId);
    await network.processAll();
    assert.deepEqual(await connector.fetchMetrics(ctx(), [mainPost.remoteId]), []);
  });
});

describe('Bluesky sessions and failures (dev-env behind a local proxy)', () => {
  test('an access token about to expire is refreshed with refreshSession, saved, and createSession is not called', async () => {
    const c = createMemoryContext<BlueskyCredentials>({ ...creds, pdsUrl: proxy.url }, { fetch: guarded, now: () => new Date(Date.now() + 3 * 3600_000) });
    const created = proxy.count('com.atproto.server.createSession');
    const refreshed = proxy.count('com.atproto.server.refreshSession');
    await connector.verify(c);
    assert.equal(proxy.count('com.atproto.server.refreshSession'), refreshed + 1);
    assert.equal(proxy.count('com.atproto.server.createSession'), created);
    assert.equal(c.saved.length, 1);
    assert.notEqual(c.saved[0]?.accessJwt, creds.accessJwt);
    creds = { ...c.credentials, pdsUrl: creds.pdsUrl };
  });

  test('an ExpiredToken answer triggers one refresh and the call is retried; createSession is not called', async () => {
    const c = ctx({ pdsUrl: proxy.url });
    proxy.expireOnce = 'app.bsky.actor.getProfile';
    const created = proxy.count('com.atproto.server.createSession');
    const profile = await connector.verify(c);
    assert.equal(profile.remoteId, brand.did);
    assert.equal(c.saved.length, 1);
    assert.equal(proxy.count('com.atproto.server.createSession'), created);
    creds = { ...c.credentials, pdsUrl: creds.pdsUrl };
  });

  test('a dead refresh token falls back to one createSession with the stored app password', async () => {
    const c = ctx({ pdsUrl: proxy.url, refreshJwt: 'not-a-token' });
    proxy.expireOnce = 'app.bsky.actor.getProfile';
    const created = proxy.count('com.atproto.server.createSession');
    await connector.verify(c);
    assert.equal(proxy.count('com.atproto.server.createSession'), created + 1);
    assert.equal(c.saved.length, 1);
    assert.notEqual(c.saved[0]?.refreshJwt, 'not-a-token');
  });

  test('429 with ratelimit-reset: RateLimited(reset), channel state saved, no call until then, work not lost', async () => {
    const resetAt = new Date(Math.ceil((Date.now() + 600_000) / 1000) * 1000);
    proxy.rateLimit = { nsid: 'com.atproto.repo.putRecord', resetAt };
    const c = ctx({ pdsUrl: proxy.url });
    const k = key();
    const scheduledAt = new Date();
    await assert.rejects(connector.publish(c, { variant: { text: 'Plus tard' }, idempotencyKey: k, scheduledAt }), (e: unknown) => e instanceof RateLimited && e.retryAt.getTime() === resetAt.getTime());
    assert.equal(c.rateLimits.at(-1)?.limited, true);
    assert.equal(c.rateLimitedUntil?.getTime(), resetAt.getTime());
    const calls = [...proxy.counts.values()].reduce((a, b) => a + b, 0);
    await assert.rejects(connector.fetchInteractions(c, null), RateLimited);
    assert.equal([...proxy.counts.values()].reduce((a, b) => a + b, 0), calls, 'no request while rate-limited');
    // After the reset the same publish goes through once.
    proxy.rateLimit = null;
    c.rateLimitedUntil = null;
    const result = await connector.publish(c, { variant: { text: 'Plus tard' }, idempotencyKey: k, scheduledAt });
    assert.equal((await getRecord(result.remoteId))?.value['text'], 'Plus tard');
  });

  test('a timeout during publish is OutcomeUnknown, never retried; findPublished then finds the post', async () => {
    proxy.delay = { nsid: 'com.atproto.repo.putRecord', ms: 1500 };
    const c = ctx({ pdsUrl: proxy.url }, 700);
    const k = key();
    const scheduledAt = new Date();
    const puts = proxy.count('com.atproto.repo.putRecord');
    await assert.rejects(connector.publish(c, { variant: { text: 'Lent' }, idempotencyKey: k, scheduledAt }), OutcomeUnknown);
    assert.equal(proxy.count('com.atproto.repo.putRecord'), puts + 1);
    proxy.delay = null;
    const found = await connector.findPublished(ctx(), { variant: { text: 'Lent' }, idempotencyKey: k, since: scheduledAt });
    assert.equal((await getRecord(found?.remoteId ?? ''))?.value['text'], 'Lent');
  });

  test('a revoked app password makes the channel AuthExpired (reconnect needed)', async () => {
    const c = ctx({ pdsUrl: proxy.url });
    await xrpc(brand.accessJwt, 'com.atproto.server.revokeAppPassword', { name: 'passerelle' });
    proxy.expireOnce = 'app.bsky.actor.getProfile';
    await assert.rejects(connector.verify(c), (e: unknown) => e instanceof AuthExpired && /reconnect/.test(e.message));
  });
});
