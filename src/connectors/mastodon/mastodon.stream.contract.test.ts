/**
 * Contract tests of Mastodon streaming (mastodon.stream.ts) against the fake instance and its
 * streaming server (fake-mastodon.stream.ts), which answer with the documented shapes. Not live tests.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { createGuardedFetch } from '../../platform/ssrf.ts';
import type { Interaction, StreamSink } from '../connector.ts';
import { AuthExpired } from '../errors.ts';
import { createMemoryContext } from '../memory-context.ts';
import { SseParser } from '../stream.ts';
import { FakeMastodon } from './fake-mastodon.ts';
import { FakeMastodonStreaming } from './fake-mastodon.stream.ts';
import type { MastodonCredentials } from './mastodon.api.ts';
import { createMastodonConnector } from './mastodon.connector.ts';

const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
const FAST = { minDelayMs: 20, maxDelayMs: 100, stableMs: 10_000, idleMs: 2_000 };
const connector = createMastodonConnector({ stream: FAST });

let fake: FakeMastodon;
let streaming: FakeMastodonStreaming;
let me: { account: { id: string; username: string }; token: string };
let bob: { account: { id: string; username: string }; token: string };
let creds: MastodonCredentials;

/** A sink that records everything, and a running stream. */
function recorder() {
  const items: Interaction[] = [];
  const drops: Error[] = [];
  let opens = 0;
  const sink: StreamSink = {
    onOpen: () => void opens++,
    onInteractions: async (list) => void items.push(...list),
    onDrop: (e) => void drops.push(e),
  };
  return { items, drops, sink, get opens() { return opens; } };
}

async function until(what: string, check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function asBob(method: string, path: string, body?: unknown): Promise<{ id: string }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as { id: string };
}

const running: { ac: AbortController; done: Promise<void> }[] = [];
function start(sink: StreamSink, credentials = creds, options?: Parameters<typeof createMastodonConnector>[0]) {
  const ctx = createMemoryContext<MastodonCredentials>({ ...credentials }, { fetch: guarded, timeoutMs: 2_000 });
  const ac = new AbortController();
  const done = (options ? createMastodonConnector(options) : connector).stream!(ctx, sink, ac.signal);
  done.catch(() => {});
  running.push({ ac, done });
  return { ac, done, ctx };
}

before(async () => {
  fake = await new FakeMastodon().start();
  streaming = await new FakeMastodonStreaming(fake, { heartbeatMs: 20 }).start();
  me = fake.createAccount('passerelle', 'Passerelle');
  bob = fake.createAccount('bob', 'Bob');
  creds = { instanceUrl: fake.url, accessToken: me.token, accountId: me.account.id, clientId: 'c', clientSecret: 's' };
});
after(async () => {
  await streaming.stop();
  await fake.stop();
});
beforeEach(() => {
  streaming.failNext = null;
  streaming.heartbeatMs = 20;
});
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.ac.abort();
    await r.done.catch(() => {});
  }
  await until('streams closed', () => streaming.connections() === 0);
});

describe('contract: Mastodon streaming (user/notification over SSE)', () => {
  test('a notification event becomes the same interaction the poll returns, at once', async () => {
    const r = recorder();
    start(r.sink);
    await streaming.waitForConnections(1, me.account.id);
    const mention = await asBob('POST', '/api/v1/statuses', { status: '@passerelle vous ouvrez quand ?' });
    await asBob('POST', `/api/v1/statuses/${mention.id}/favourite`); // bob likes his own post: no notification for us
    const mine = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST', headers: { authorization: `Bearer ${me.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'Nouvelle collection' }),
    }).then((res) => res.json() as Promise<{ id: string }>);
    await asBob('POST', `/api/v1/statuses/${mine.id}/favourite`);
    await until('two interactions', () => r.items.length === 2);

    const polled = await connector.fetchInteractions(createMemoryContext({ ...creds }, { fetch: guarded }), null);
    assert.deepEqual(r.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })), polled.items.map((i) => ({ ...i, createdAt: i.createdAt.toISOString() })));
    assert.equal(r.items[0]?.kind, 'mention');
    assert.equal(r.items[0]?.remoteId, mention.id);
    assert.equal(r.items[0]?.text, '@passerelle vous ouvrez quand ?');
    assert.equal(r.items[0]?.author.handle, `bob@${new URL(fake.url).host}`);
    assert.equal(r.items[1]?.kind, 'like');
    assert.equal(r.opens, 1);
  });

  test('connects to the streaming server the instance advertises (urls.streaming), with the token', async () => {
    const before = streaming.opened;
    const r = recorder();
    start(r.sink);
    await streaming.waitForConnections(1, me.account.id);
    assert.equal(streaming.opened, before + 1);
    // The main server has no streaming endpoint: the stream really went to the advertised host.
    assert.ok(!fake.requests.some((q) => q.path.startsWith('/api/v1/streaming')));
    assert.ok(fake.requests.some((q) => q.path === '/api/v2/instance'));
  });

  test('heartbeats, unknown events and malformed payloads are ignored; the stream stays open', async () => {
    const r = recorder();
    start(r.sink);
    await streaming.waitForConnections(1, me.account.id);
    streaming.push(me.account.id, 'update', { id: '1', content: '<p>home timeline</p>' });
    streaming.push(me.account.id, 'notification', 'not json');
    streaming.push(me.account.id, 'notification', { id: '2', type: 'admin.sign_up', created_at: new Date().toISOString(), account: { id: '9', acct: 'x', username: 'x', display_name: '', avatar: '', url: '' } });
    await new Promise((res) => setTimeout(res, 200)); // ~10 heartbeats
    assert.deepEqual(r.items, []);
    assert.deepEqual(r.drops, []);
    assert.equal(r.opens, 1);
    assert.equal(streaming.connections(me.account.id), 1);
  });

  test('reconnects after the server drops the stream or answers 503, and events flow again', async () => {
    const r = recorder();
    start(r.sink);
    await streaming.waitForConnections(1, me.account.id);
    streaming.failNext = { count: 2, status: 503 };
    streaming.dropAll();
    await until('reconnected', () => r.opens === 2);
    assert.ok(r.drops.length >= 3, `one drop and two refused attempts, got ${r.drops.map((e) => e.message).join(' | ')}`);
    assert.match(r.drops[0]!.message, /closed|broke/);
    assert.ok(r.drops.some((e) => /503/.test(e.message)));
    await streaming.waitForConnections(1, me.account.id);
    const mention = await asBob('POST', '/api/v1/statuses', { status: '@passerelle toujours là ?' });
    await until('the mention after the reconnect', () => r.items.some((i) => i.remoteId === mention.id));
  });

  test('a silent connection (no heartbeat for idleMs) is dropped and reopened, without reading the instance again', async () => {
    streaming.heartbeatMs = 60_000;
    const reads = () => fake.requests.filter((q) => q.path === '/api/v2/instance').length;
    const before = reads();
    const r = recorder();
    start(r.sink, creds, { stream: { ...FAST, idleMs: 150 } });
    await until('a reconnect after silence', () => r.opens >= 2);
    assert.match(r.drops[0]!.message, /No heartbeat/);
    assert.equal(reads() - before, 1, 'the streaming address is read once, not on every reconnect (each read spends the account\'s budget)');
  });

  test('a revoked token ends the stream with AuthExpired (at connect, and when reconnecting)', async () => {
    const other = fake.createAccount('revoked', 'Revoked');
    const otherCreds = { ...creds, accessToken: other.token, accountId: other.account.id };
    const r = recorder();
    const { done } = start(r.sink, otherCreds);
    await streaming.waitForConnections(1, other.account.id);
    fake.revokeTokensOf(other.account.id);
    streaming.dropAll();
    await assert.rejects(done, AuthExpired);
    assert.equal(r.opens, 1);

    const again = recorder();
    await assert.rejects(start(again.sink, otherCreds).done, AuthExpired);
    assert.equal(again.opens, 0);
  });

  test('aborting closes the connection and resolves', async () => {
    const r = recorder();
    const { ac, done } = start(r.sink);
    await streaming.waitForConnections(1, me.account.id);
    ac.abort();
    await done;
    await until('closed on the server', () => streaming.connections(me.account.id) === 0);
    assert.deepEqual(r.drops, []);
  });
});

describe('SseParser', () => {
  test('events split across chunks, CRLF and CR line ends, comments, multi-line data', () => {
    const p = new SseParser();
    assert.deepEqual(p.push(':)\n:thump\nevent: notifi'), []);
    assert.deepEqual(p.push('cation\r\ndata: {"a":\r\ndata: 1}\r\n'), []);
    assert.deepEqual(p.push('\r'), []); // could be half of \r\n
    assert.deepEqual(p.push('\n'), [{ event: 'notification', data: '{"a":\n1}' }]);
    assert.deepEqual(p.push('data:x\r\rdata: y\n\n'), [{ event: 'message', data: 'x' }, { event: 'message', data: 'y' }]);
    assert.deepEqual(p.push('event: delete\n\n'), [], 'an event without data is not dispatched');
  });
});
