/**
 * Contract tests of the Jetstream client (jetstream.ts) against a local WebSocket server that sends
 * events shaped like Jetstream's (jetstream.fake.ts). Not live tests: no bsky.network involved.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { NetworkStreamContext, NetworkStreamSink, StreamActivity } from '../connector.ts';
import { Rejected } from '../errors.ts';
import { activitiesOf, jetstreamUrl, streamJetstream } from './jetstream.ts';
import { FakeJetstream } from './jetstream.fake.ts';

const OURS = 'did:plc:ourbrand';
const OTHER_OURS = 'did:plc:oursecond';
const FAN = 'did:plc:fan';
const accounts = new Set([OURS, OTHER_OURS]);
const FAST = { minDelayMs: 20, maxDelayMs: 100, stableMs: 10_000, idleMs: 5_000 };

let seq = 1_700_000_000_000_000;
/** A post commit by `did`, as Jetstream sends it. */
function post(did: string, record: Record<string, unknown>, rkey = `3k${seq}`) {
  seq += 1000;
  return {
    did, time_us: seq, kind: 'commit',
    commit: { rev: `rev${seq}`, operation: 'create', collection: 'app.bsky.feed.post', rkey, cid: 'bafyreia', record: { $type: 'app.bsky.feed.post', text: 'x', createdAt: new Date().toISOString(), ...record } },
  };
}
const ref = (did: string, rkey = '3kabc') => ({ uri: `at://${did}/app.bsky.feed.post/${rkey}`, cid: 'bafyreib' });

describe('jetstream: which events concern our accounts', () => {
  test('a reply to one of our posts (parent or root), a quote (with or without media), a mention facet', () => {
    assert.deepEqual(activitiesOf(post(FAN, { reply: { root: ref(OURS), parent: ref(OURS) } }, 'r1'), accounts),
      [{ accountRemoteId: OURS, reason: 'reply', remoteId: `at://${FAN}/app.bsky.feed.post/r1` }]);
    assert.deepEqual(activitiesOf(post(FAN, { reply: { root: ref(OURS), parent: ref('did:plc:someone') } }), accounts).map((a) => a.reason), ['reply']);
    assert.deepEqual(activitiesOf(post(FAN, { embed: { $type: 'app.bsky.embed.record', record: ref(OURS) } }), accounts).map((a) => a.reason), ['quote']);
    assert.deepEqual(activitiesOf(post(FAN, { embed: { $type: 'app.bsky.embed.recordWithMedia', record: { record: ref(OTHER_OURS) }, media: {} } }, 'q2'), accounts),
      [{ accountRemoteId: OTHER_OURS, reason: 'quote', remoteId: `at://${FAN}/app.bsky.feed.post/q2` }]);
    const mention = { facets: [{ index: { byteStart: 0, byteEnd: 6 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: OURS }] }] };
    assert.deepEqual(activitiesOf(post(FAN, mention), accounts).map((a) => [a.accountRemoteId, a.reason]), [[OURS, 'mention']]);
  });

  test('one activity per account (reply first); several accounts in one post each get theirs', () => {
    const both = post(FAN, {
      reply: { root: ref(OURS), parent: ref(OURS) },
      facets: [{ features: [{ $type: 'app.bsky.richtext.facet#mention', did: OURS }, { $type: 'app.bsky.richtext.facet#mention', did: OTHER_OURS }] }],
    });
    assert.deepEqual(activitiesOf(both, accounts).map((a) => [a.accountRemoteId, a.reason]), [[OURS, 'reply'], [OTHER_OURS, 'mention']]);
  });

  test('nothing for: other accounts, our own posts, deletes, other collections, identity events, junk', () => {
    assert.deepEqual(activitiesOf(post(FAN, { reply: { root: ref('did:plc:x'), parent: ref('did:plc:x') } }), accounts), []);
    assert.deepEqual(activitiesOf(post(OURS, { reply: { root: ref(OURS), parent: ref(OURS) } }), accounts), [], 'our own thread');
    const del = post(FAN, { reply: { root: ref(OURS), parent: ref(OURS) } });
    assert.deepEqual(activitiesOf({ ...del, commit: { ...del.commit, operation: 'delete' } }, accounts), []);
    assert.deepEqual(activitiesOf({ ...del, commit: { ...del.commit, collection: 'app.bsky.feed.like' } }, accounts), []);
    assert.deepEqual(activitiesOf({ did: FAN, time_us: 1, kind: 'identity', identity: { did: FAN, handle: 'fan.test' } }, accounts), []);
    for (const junk of [null, 'x', 42, [], { kind: 'commit' }, { kind: 'commit', commit: { operation: 'create', collection: 'app.bsky.feed.post' } }]) {
      assert.deepEqual(activitiesOf(junk, accounts), []);
    }
  });

  test('the subscription URL: posts only, cursor in microseconds; only ws: and wss: are accepted', () => {
    const u = jetstreamUrl('wss://jetstream2.us-east.bsky.network', 1_725_000_000_123_456);
    assert.equal(u.toString(), 'wss://jetstream2.us-east.bsky.network/subscribe?wantedCollections=app.bsky.feed.post&cursor=1725000000123456');
    assert.equal(jetstreamUrl('wss://j.example/subscribe?compress=false', null).toString(), 'wss://j.example/subscribe?compress=false&wantedCollections=app.bsky.feed.post');
    for (const bad of ['https://j.example/subscribe', 'file:///etc/passwd', 'not a url']) assert.throws(() => jetstreamUrl(bad, null), Rejected);
  });
});

describe('contract: Jetstream client against a local WebSocket server', () => {
  let server: FakeJetstream;
  const runs: { ac: AbortController; done: Promise<void> }[] = [];
  before(async () => {
    server = await new FakeJetstream().start();
  });
  after(() => server.stop());
  afterEach(async () => {
    for (const r of runs.splice(0)) {
      r.ac.abort();
      await r.done.catch(() => {});
    }
    server.refuseNext = null;
    server.subscriptions.length = 0;
    await until('connections closed', () => server.connections === 0);
  });

  function run(opts: Partial<typeof FAST> & { rewindMs?: number } = {}, watched: Set<string> = accounts) {
    const activities: StreamActivity[] = [];
    const drops: Error[] = [];
    let opens = 0;
    const lines: string[] = [];
    const ctx: NetworkStreamContext = {
      now: () => new Date(), url: server.url, accounts: () => watched,
      log: { info: (o) => void lines.push(JSON.stringify(o)), warn: (o) => void lines.push(JSON.stringify(o)), error: (o) => void lines.push(JSON.stringify(o)) },
    };
    const sink: NetworkStreamSink = { onOpen: () => void opens++, onActivity: (a) => void activities.push(a), onDrop: (e) => void drops.push(e) };
    const ac = new AbortController();
    const done = streamJetstream(ctx, sink, ac.signal, { ...FAST, ...opts });
    done.catch(() => {});
    runs.push({ ac, done });
    return { activities, drops, ac, done, get opens() { return opens; } };
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    const end = Date.now() + 3_000;
    while (!check()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test('subscribes to posts without a cursor, and reports only what concerns our accounts', async () => {
    const r = run();
    await server.waitForConnections(1);
    assert.equal(server.subscriptions[0]?.searchParams.getAll('wantedCollections').join(), 'app.bsky.feed.post');
    assert.equal(server.subscriptions[0]?.searchParams.get('cursor'), null, 'the first connection is a live tail');
    server.send(post(FAN, { text: 'unrelated' }));
    server.send({ did: FAN, time_us: seq, kind: 'account', account: { active: true, did: FAN, seq: 1, time: new Date().toISOString() } });
    server.send(post(FAN, { reply: { root: ref(OURS), parent: ref(OURS) } }, 'reply1'));
    await until('the reply', () => r.activities.length === 1);
    assert.deepEqual(r.activities, [{ accountRemoteId: OURS, reason: 'reply', remoteId: `at://${FAN}/app.bsky.feed.post/reply1` }]);
    assert.equal(r.opens, 1);
  });

  test('the watched accounts are read on every event: a channel connected later is seen without reconnecting', async () => {
    const watched = new Set<string>();
    const r = run({}, watched);
    await server.waitForConnections(1);
    server.send(post(FAN, { embed: { $type: 'app.bsky.embed.record', record: ref(OURS) } }));
    await new Promise((res) => setTimeout(res, 100)); // received while OURS was not watched
    watched.add(OURS);
    server.send(post(FAN, { embed: { $type: 'app.bsky.embed.record', record: ref(OURS) } }, 'q-after'));
    await until('the quote', () => r.activities.length >= 1);
    assert.equal(r.activities.length, 1);
    assert.equal(r.activities[0]?.remoteId, `at://${FAN}/app.bsky.feed.post/q-after`);
    assert.equal(server.subscriptions.length, 1);
  });

  test('after a drop it reconnects (backoff, a refused attempt included) with the cursor rewound a few seconds', async () => {
    const r = run({ rewindMs: 3_000 });
    await server.waitForConnections(1);
    const last = post(FAN, {});
    server.send(last);
    await new Promise((res) => setTimeout(res, 50));
    server.refuseNext = { count: 1, status: 503 };
    server.dropAll();
    await until('reconnected', () => r.opens === 2);
    assert.ok(r.drops.length >= 2, r.drops.map((e) => e.message).join(' | '));
    const resumed = server.subscriptions.at(-1)!;
    assert.equal(resumed.searchParams.get('cursor'), String(last.time_us - 3_000_000));
    server.send(post(FAN, { facets: [{ features: [{ $type: 'app.bsky.richtext.facet#mention', did: OTHER_OURS }] }] }));
    await until('a mention after the reconnect', () => r.activities.some((a) => a.accountRemoteId === OTHER_OURS));
  });

  test('a silent connection is dropped and reopened; aborting closes it and resolves', async () => {
    const r = run({ idleMs: 100 });
    await until('a reconnect after silence', () => r.opens >= 2);
    assert.match(r.drops[0]!.message, /No event/);
    r.ac.abort();
    await r.done;
    await until('closed on the server', () => server.connections === 0);
  });

  test('a URL that is not ws: or wss: is refused before connecting', async () => {
    const ctx: NetworkStreamContext = { now: () => new Date(), url: 'https://jetstream.example/subscribe', accounts: () => accounts, log: { info() {}, warn() {}, error() {} } };
    await assert.rejects(streamJetstream(ctx, { onOpen() {}, onActivity() {}, onDrop() {} }, new AbortController().signal), Rejected);
  });
});
