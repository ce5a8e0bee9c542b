import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { FakeJetstream } from '../../connectors/bluesky/jetstream.fake.ts';
import type { NetworkId } from '../../connectors/connector.ts';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { FakeMastodonStreaming } from '../../connectors/mastodon/fake-mastodon.stream.ts';
import { createMastodonConnector } from '../../connectors/mastodon/mastodon.connector.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels, inboxChannelState, messages } from '../../db/schema/index.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace, signedIn } from '../../../test/support/factories.ts';
import { makeMastodonChannel, postOnFake } from '../../../test/support/factories.channels.ts';
import { classifyTexts } from './message.classify.ts';
import { STREAM_SEEN_TTL_MS, StreamSupervisor } from './stream.supervisor.ts';

/**
 * The stream supervisor against the fake Mastodon instance (with its streaming server) and a local
 * Jetstream, on a real database. Job workers are NOT running: anything that reaches the inbox got
 * there through the stream, never through a poll.
 */
describe('inbox streams: the supervisor', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let streaming: FakeMastodonStreaming;
  let jetstream: FakeJetstream;
  let wid: string;
  const supervisors: StreamSupervisor[] = [];
  const mastodon = createMastodonConnector({ stream: { minDelayMs: 20, maxDelayMs: 200, stableMs: 10_000, idleMs: 5_000 } });
  const connector = (n: NetworkId) => (n === 'mastodon' ? mastodon : getConnector(n));
  const supervisor = () => {
    const s = new StreamSupervisor(t.deps, { reconcileMs: 50, standbyMs: 50, seenEveryMs: 50, restartDelayMs: 100, activityPollDelayMs: 10, connector });
    supervisors.push(s);
    return s;
  };

  before(async () => {
    jetstream = await new FakeJetstream().start();
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_BLUESKY_JETSTREAM_URL: jetstream.url } });
    fake = await new FakeMastodon().start();
    streaming = await new FakeMastodonStreaming(fake, { heartbeatMs: 50 }).start();
    wid = (await makeWorkspace(t.deps)).id;
    // Load the classification models now, so the timing below measures the stream, not the first model load.
    await classifyTexts(['Bonjour, une question']);
  });
  after(async () => {
    for (const s of supervisors) await s.stop();
    await streaming.stop();
    await fake.stop();
    await jetstream.stop();
    await t.close();
  });

  async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 3_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(v)})`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const state = async (channelId: string) => (await t.deps.db.select().from(inboxChannelState).where(eq(inboxChannelState.channelId, channelId)))[0];
  const pollsQueued = async (channelId: string) => {
    const { rows } = await t.deps.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'inbox.poll' AND data->>'channelId' = ${channelId}`);
    return rows[0]?.n ?? 0;
  };

  test('a Mastodon mention pushed by the instance is in the inbox within a couple of seconds, without any poll; the state says live', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const s = supervisor();
    await s.start();
    await streaming.waitForConnections(1, account.id);
    const open = await until('the stream state', () => state(channel.id), (st) => st?.streamConnectedSince != null);
    assert.equal(open?.streamLastError, null);
    assert.ok(open?.streamSeenAt, 'refreshed while open');
    await until('the gap-covering poll queued on connect', () => pollsQueued(channel.id), (n) => n >= 1);

    const fan = fake.createAccount(`fan${randomUUID().slice(0, 6)}`);
    const started = Date.now();
    const status = await postOnFake(fake, fan.token, `@${account.acct} la boutique ouvre à quelle heure ?`);
    const [msg] = await until('the message', () => t.deps.db.select().from(messages).where(and(eq(messages.channelId, channel.id), eq(messages.remoteId, status.id))), (r) => r.length === 1);
    // "A couple of seconds", with room for a loaded 2-core machine; a poll would take up to 30 s (and none runs here).
    assert.ok(Date.now() - started < 3_000, `ingested in ${Date.now() - started} ms`);
    assert.equal(msg?.text, `@${account.acct} la boutique ouvre à quelle heure ?`);
    const after = await until('last event recorded', () => state(channel.id), (st) => st?.streamLastEventAt != null);
    assert.equal(after?.lastPolledAt, null, 'no poll ran: the stream delivered it');

    // The same notification seen again (a poll, or a replay after a reconnect) is not stored twice.
    const firstEvent = after!.streamLastEventAt!.getTime();
    t.clock.advance(1_000);
    streaming.push(account.id, 'notification', (await (await fetch(`${fake.url}/api/v1/notifications`, { headers: { authorization: `Bearer ${(await makeTokenOf(account.id))}` } })).json() as object[])[0]!);
    // The replay was ingested (the event time moves only after its ingest): now count.
    await until('the replay handled', () => state(channel.id), (st) => (st?.streamLastEventAt?.getTime() ?? 0) > firstEvent);
    assert.equal((await t.deps.db.select().from(messages).where(eq(messages.channelId, channel.id))).length, 1);
  });

  test('only one supervisor streams at a time; a standby takes over when the holder stops', async () => {
    const { account } = await makeMastodonChannel(t.deps, wid, fake);
    const [first] = supervisors;
    assert.ok(first?.holding);
    await streaming.waitForConnections(1, account.id);
    const standby = supervisor();
    await standby.start();
    await new Promise((r) => setTimeout(r, 300)); // several standby rounds
    assert.equal(standby.holding, false);
    assert.equal(streaming.connections(account.id), 1, 'never two streams of one channel');

    await first!.stop();
    await until('the standby holds the lock', async () => standby.holding, (h) => h);
    await streaming.waitForConnections(1, account.id);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(streaming.connections(account.id), 1);
  });

  test('a channel that needs reconnecting loses its stream, gets it back when healthy; a revoked token marks it', async () => {
    const holder = supervisors.find((s) => s.holding)!;
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    await streaming.waitForConnections(1, account.id);
    await t.deps.db.update(channels).set({ health: 'reconnect_needed' }).where(eq(channels.id, channel.id));
    await until('the stream closed', async () => streaming.connections(account.id), (n) => n === 0);
    await until('the state says down', () => state(channel.id), (st) => st?.streamConnectedSince === null);
    assert.ok(!holder.live.includes(channel.id));

    await t.deps.db.update(channels).set({ health: 'connected' }).where(eq(channels.id, channel.id));
    await streaming.waitForConnections(1, account.id);

    fake.revokeTokensOf(account.id);
    streaming.dropAll();
    const [row] = await until('reconnect needed', () => t.deps.db.select().from(channels).where(eq(channels.id, channel.id)), (r) => r[0]?.health === 'reconnect_needed');
    assert.match(row!.lastError ?? '', /no longer accepts/);
    const st = await until('the error recorded', () => state(channel.id), (s) => s?.streamLastError != null);
    assert.equal(st?.streamConnectedSince, null);
  });

  test('one shared Jetstream connection for the Bluesky channels; a reply to one of them queues its poll', async () => {
    const did = `did:plc:${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const ids = [randomUUID(), randomUUID()];
    // The same account connected in two workspaces: both channels are polled.
    const other = (await makeWorkspace(t.deps)).id;
    for (const [i, id] of ids.entries()) {
      await t.deps.db.insert(channels).values({
        id, workspaceId: i === 0 ? wid : other, network: 'bluesky', remoteId: did, handle: 'brand.test', credentialsSealed: t.deps.box.seal({}, `channel:${id}`), limits: {},
      });
    }
    await jetstream.waitForConnections(1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(jetstream.connections, 1);
    for (const id of ids) await until('live', () => state(id), (st) => st?.streamConnectedSince != null);
    const before = await Promise.all(ids.map(pollsQueued));

    jetstream.send({
      did: 'did:plc:fan', time_us: Date.now() * 1000, kind: 'commit',
      commit: { rev: 'r', operation: 'create', collection: 'app.bsky.feed.post', rkey: '3kreply', cid: 'c', record: { text: 'merci !', reply: { root: { uri: `at://${did}/app.bsky.feed.post/3kroot`, cid: 'c' }, parent: { uri: `at://${did}/app.bsky.feed.post/3kroot`, cid: 'c' } } } },
    });
    for (const [i, id] of ids.entries()) {
      await until('a poll queued by the activity', () => pollsQueued(id), (n) => n > before[i]!);
      await until('last event recorded', () => state(id), (st) => st?.streamLastEventAt != null);
    }

    await t.deps.db.update(channels).set({ health: 'reconnect_needed' }).where(sql`${channels.id} = ANY(${sql.param(ids)}::uuid[])`);
    await until('Jetstream closed when no Bluesky channel is left', async () => jetstream.connections, (n) => n === 0);
  });

  test('the inbox API says which channels are live and which are polled', async () => {
    const ws = (await makeWorkspace(t.deps)).id;
    const analyst = await makeUser(t.deps);
    await addMember(t.deps, ws, analyst.id, 'analyst');
    const client = await signedIn(t, analyst.id);
    const live = await makeMastodonChannel(t.deps, ws, fake);
    const down = await makeMastodonChannel(t.deps, ws, fake);
    await t.deps.db.update(channels).set({ health: 'reconnect_needed' }).where(eq(channels.id, down.channel.id));
    await until('live', () => state(live.channel.id), (st) => st?.streamConnectedSince != null);

    const res = await client.get(`/api/workspaces/${ws}/inbox/channels`);
    assert.equal(res.statusCode, 200, res.body);
    const byId = new Map((res.data.channels as { channelId: string; pollSeconds: number; stream: { mode: string; live: boolean; connectedSince: string | null } }[]).map((c) => [c.channelId, c]));
    assert.equal(byId.size, 2);
    assert.deepEqual([byId.get(live.channel.id)?.stream.mode, byId.get(live.channel.id)?.stream.live], ['account', true]);
    assert.ok(byId.get(live.channel.id)?.stream.connectedSince);
    assert.deepEqual([byId.get(down.channel.id)?.stream.live, byId.get(down.channel.id)?.pollSeconds], [false, 30]);

  });

  test('stopping records every stream as down and releases the lock', async () => {
    const holder = supervisors.find((s) => s.holding)!;
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    await streaming.waitForConnections(1, account.id);
    await until('live', () => state(channel.id), (st) => st?.streamConnectedSince != null);
    await holder.stop();
    assert.equal((await state(channel.id))?.streamConnectedSince, null);
    assert.equal(streaming.connections(account.id), 0);
    const { rows } = await t.deps.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = ${0x5354} AND granted
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`);
    assert.equal(rows[0]?.n, 0);

    // A holder that died (SIGKILL) leaves "connected since" behind: without a refresh within the TTL it is not live.
    const analyst = await makeUser(t.deps);
    await addMember(t.deps, wid, analyst.id, 'analyst');
    const client = await signedIn(t, analyst.id);
    const liveOf = async () => ((await client.get(`/api/workspaces/${wid}/inbox/channels`)).data.channels as { channelId: string; stream: { live: boolean } }[])
      .find((c) => c.channelId === channel.id)?.stream.live;
    const now = t.clock.now.getTime();
    await t.deps.db.update(inboxChannelState).set({ streamConnectedSince: new Date(now - 600_000), streamSeenAt: new Date(now - 10_000) }).where(eq(inboxChannelState.channelId, channel.id));
    assert.equal(await liveOf(), true);
    await t.deps.db.update(inboxChannelState).set({ streamSeenAt: new Date(now - STREAM_SEEN_TTL_MS - 1_000) }).where(eq(inboxChannelState.channelId, channel.id));
    assert.equal(await liveOf(), false);
  });

  /** A fresh token of a fake account (to read its notifications as the instance shows them). */
  async function makeTokenOf(accountId: string): Promise<string> {
    const [row] = await t.deps.db.select().from(channels).where(and(eq(channels.network, 'mastodon'), eq(channels.remoteId, accountId)));
    return (t.deps.box.open<{ accessToken: string }>(row!.credentialsSealed, `channel:${row!.id}`)).accessToken;
  }
});
