import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, inArray, sql } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { getConnector } from '../../connectors/registry.ts';
import { channels, notifications, postVariants, posts } from '../../db/schema/index.ts';
import { openChannel } from '../channels/index.ts';
import { startTestApp, TestClock, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace } from '../../../test/support/factories.ts';
import { makeMastodonChannel, makeScheduledPost } from '../../../test/support/factories.publishing.ts';
import { Scheduler } from './scheduler.ts';
import type { Limits } from '../../connectors/connector.ts';

/**
 * The exactly-once state machine against a real PostgreSQL and the real Mastodon connector talking to
 * a local server that answers like Mastodon (contract tests): claim races, crashes, unknown outcomes,
 * rate limits, refusals and the grace period.
 */
describe('scheduler (exactly-once)', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let clock: TestClock;
  let wid: string;
  let authorId: string;
  let adminId: string;

  before(async () => {
    clock = new TestClock(new Date());
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_PUBLISH_GRACE_MINUTES: '60' }, clock });
    fake = await new FakeMastodon().start();
    const ws = await makeWorkspace(t.deps, { timezone: 'Europe/Paris' });
    wid = ws.id;
    const author = await makeUser(t.deps);
    const admin = await makeUser(t.deps);
    await addMember(t.deps, wid, author.id, 'contributor');
    await addMember(t.deps, wid, admin.id, 'admin');
    authorId = author.id;
    adminId = admin.id;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  const variant = async (id: string) => (await t.deps.db.select().from(postVariants).where(eq(postVariants.id, id)))[0]!;
  const scheduler = (opts: ConstructorParameters<typeof Scheduler>[1] = {}) => new Scheduler(t.deps, { publishTimeoutMs: 2000, ...opts });

  test('publishes a due variant once and saves its remote id and link', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Premier message', dueAt: clock.now });
    const s = scheduler();
    await s.register();
    assert.equal(await s.drain(), 1);
    const v = await variant(variants[0]!.id);
    const statuses = fake.statusesOf(account.id);
    assert.equal(v.state, 'published');
    assert.equal(statuses.length, 1);
    assert.equal(v.remoteId, statuses[0]!.id);
    assert.equal(v.remoteUrl, statuses[0]!.url);
    assert.equal((v.parts as unknown[]).length, 1);
    assert.equal(await s.drain(), 0, 'a published variant is never claimed again');
  });

  test('a variant not yet due, or a draft, is not claimed', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    await makeScheduledPost(t.deps, wid, [channel.id], { dueAt: new Date(clock.now.getTime() + 60_000) });
    await makeScheduledPost(t.deps, wid, [channel.id], { dueAt: clock.now, state: 'approved' });
    const s = scheduler();
    await s.register();
    assert.equal(await s.drain(), 0);
  });

  test('two workers racing on claims publish each variant exactly once', async () => {
    // More channels than either worker's batch: with channel affinity, each worker serves its own channels.
    const chans = await Promise.all(Array.from({ length: 20 }, () => makeMastodonChannel(t.deps, wid, fake)));
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const { variants } = await makeScheduledPost(t.deps, wid, [chans[i % 20]!.channel.id], { text: `Course ${i}`, dueAt: clock.now });
      ids.push(variants[0]!.id);
    }
    const a = scheduler({ batchSize: 7 });
    const b = scheduler({ batchSize: 5 });
    await a.register();
    await b.register();
    const [na, nb] = await Promise.all([a.drain(), b.drain()]);
    assert.equal(na + nb, 60, 'every variant claimed once in all');
    assert.ok(na > 0 && nb > 0, `both workers took part (${na} / ${nb})`);
    const rows = await t.deps.db.select().from(postVariants).where(inArray(postVariants.id, ids));
    assert.ok(rows.every((r) => r.state === 'published'));
    const texts = chans.flatMap((c) => fake.statusesOf(c.account.id).map((s) => s.text));
    assert.equal(texts.length, 60);
    assert.equal(new Set(texts).size, 60, 'no text was posted twice');
  });

  test('a channel another worker is publishing to stays with that worker; other channels are free', async () => {
    const x = await makeMastodonChannel(t.deps, wid, fake);
    const y = await makeMastodonChannel(t.deps, wid, fake);
    for (let i = 0; i < 3; i++) await makeScheduledPost(t.deps, wid, [x.channel.id], { text: `X ${i}`, dueAt: clock.now });
    await makeScheduledPost(t.deps, wid, [y.channel.id], { text: 'Y', dueAt: clock.now });
    const a = scheduler();
    const b = scheduler();
    await a.register();
    await b.register();
    const first = await a.claim(1);
    assert.equal(first.length, 1, 'a claim takes no more than it asked for');
    assert.equal(first[0]?.channelId, x.channel.id);
    const second = await b.claim(10);
    assert.deepEqual(second.map((v) => v.channelId), [y.channel.id], 'b leaves channel X to a');
    const more = await a.claim(10);
    assert.equal(more.filter((v) => v.channelId === x.channel.id).length, 2, 'a keeps serving channel X');
    for (const v of [...first, ...more]) a.dispatch(v);
    for (const v of second) b.dispatch(v);
    await Promise.all([a.drain(), b.drain()]);
    assert.equal(fake.statusesOf(x.account.id).length, 3);
    assert.equal(fake.statusesOf(y.account.id).length, 1);
  });

  test('a crash between the remote success and the local save is reconciled, with no duplicate', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Publié puis crash', dueAt: clock.now });
    const dying = scheduler();
    await dying.register();
    const [claimed] = await dying.claim(10);
    assert.equal(claimed?.id, variants[0]!.id);
    // The dying worker's request reaches the network, then the process is killed before it saves anything.
    const { ctx } = openChannel(t.deps, channel);
    await getConnector('mastodon').publish(ctx, { variant: { text: claimed!.text }, idempotencyKey: `${claimed!.id}:${claimed!.scheduleVersion}`, scheduledAt: claimed!.dueAt!, limits: channel.limits as Limits });
    assert.equal((await variant(claimed!.id)).state, 'publishing');

    const survivor = scheduler();
    clock.advance(20_000);
    await survivor.register();
    assert.equal(await survivor.sweepStale(), 1, 'the dead worker\'s claim is stale');
    assert.equal((await variant(claimed!.id)).state, 'unknown');
    assert.equal(await survivor.drain(), 0, 'an unknown outcome is never republished blindly');
    assert.equal(await survivor.reconcileDue(), 1);
    const v = await variant(claimed!.id);
    assert.equal(v.state, 'published');
    assert.equal(fake.statusesOf(account.id).length, 1);
    assert.equal(v.remoteId, fake.statusesOf(account.id)[0]!.id);
  });

  test('a worker whose database session ended (a killed process) has its claims swept at once; a live one keeps them', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Tué net', dueAt: clock.now });
    const victim = scheduler();
    await victim.register();
    const [claimed] = await victim.claim(10);
    assert.equal(claimed?.id, variants[0]!.id);
    const survivor = scheduler();
    await survivor.register();
    assert.equal(await survivor.sweepStale(), 0, 'its heartbeat is fresh and its liveness lock held');
    // What SIGKILL does to the victim's connections: PostgreSQL ends its session and releases its locks.
    await t.deps.db.execute(sql`SELECT pg_terminate_backend(l.pid) FROM pg_locks l
      WHERE l.locktype = 'advisory' AND l.objid = hashtext(${victim.id})::oid AND l.objsubid = 2`);
    for (let i = 0; i < 50 && (await survivor.sweepStale()) === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await variant(claimed!.id)).state, 'unknown', 'swept without the clock moving');
    // The network never received it: reconciliation proves that, and it is published under the same key.
    assert.equal(await survivor.reconcileDue(), 1);
    assert.equal((await variant(claimed!.id)).state, 'scheduled');
    assert.equal(await survivor.drain(), 1);
    assert.equal((await variant(claimed!.id)).state, 'published');
  });

  test('a publish that times out becomes unknown, then reconciliation finds it published', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Réponse lente', dueAt: clock.now });
    fake.slow = { method: 'POST', path: '/api/v1/statuses', ms: 800 };
    const s = scheduler({ publishTimeoutMs: 200, reconcileDelayMs: 5000 });
    await s.register();
    try {
      await s.drain();
      const unknown = await variant(variants[0]!.id);
      assert.equal(unknown.state, 'unknown');
      assert.equal(unknown.errorCode, 'outcome_unknown');
      assert.match(unknown.error ?? '', /did not answer within 200 ms/);
      await new Promise((r) => setTimeout(r, 900)); // the instance finishes the slow write
    } finally {
      fake.slow = null;
    }
    assert.equal(await s.reconcileDue(), 0, 'reconciliation waits for the delay');
    clock.advance(5000);
    assert.equal(await s.reconcileDue(), 1);
    const v = await variant(variants[0]!.id);
    assert.equal(v.state, 'published');
    assert.equal(fake.statusesOf(account.id).length, 1);
    assert.equal(v.remoteId, fake.statusesOf(account.id)[0]!.id);
  });

  test('an unknown outcome the network proves did not happen is published again with the same key, once', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Erreur 503', dueAt: clock.now });
    fake.failNext = { method: 'POST', path: '/api/v1/statuses', status: 503 };
    const s = scheduler({ reconcileDelayMs: 0 });
    await s.register();
    await s.drain();
    assert.equal((await variant(variants[0]!.id)).state, 'unknown');
    assert.equal(await s.reconcileDue(), 1);
    const back = await variant(variants[0]!.id);
    assert.equal(back.state, 'scheduled');
    assert.equal(back.errorCode, 'reconciled_not_found');
    assert.equal(await s.drain(), 1);
    assert.equal((await variant(variants[0]!.id)).state, 'published');
    assert.equal(fake.statusesOf(account.id).length, 1);
    const keys = fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses' && r.idempotencyKey?.startsWith(variants[0]!.id));
    assert.equal(new Set(keys.map((k) => k.idempotencyKey)).size, 1, 'both attempts used the same idempotency key');
  });

  test('after the idempotency window, a not-found outcome is left to a person, who is notified', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Trop tard pour savoir', dueAt: clock.now, authorId });
    fake.failNext = { method: 'POST', path: '/api/v1/statuses', status: 502 };
    const s = scheduler({ reconcileDelayMs: 0, idempotencyWindowMs: 1000 });
    await s.register();
    await s.drain();
    clock.advance(2000);
    await s.reconcileDue();
    const v = await variant(variants[0]!.id);
    assert.equal(v.state, 'unknown');
    assert.equal(v.errorCode, 'needs_decision');
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'post.outcome_unknown'));
    assert.ok(notes.some((n) => n.userId === authorId) && notes.some((n) => n.userId === adminId), 'author and admins are told');
  });

  test('a 429 puts the variant back with not_before and limits the channel for every worker', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Limité', dueAt: clock.now });
    const resetAt = new Date(clock.now.getTime() + 30_000);
    fake.rateLimit = { count: 1, resetAt };
    const a = scheduler();
    await a.register();
    await a.drain();
    const v = await variant(variants[0]!.id);
    assert.equal(v.state, 'scheduled');
    assert.equal(v.notBefore?.getTime(), resetAt.getTime());
    const [ch] = await t.deps.db.select().from(channels).where(eq(channels.id, channel.id));
    assert.equal(ch!.rateLimitedUntil?.getTime(), resetAt.getTime());
    const b = scheduler();
    await b.register();
    assert.equal(await b.drain(), 0, 'another worker respects the shared limit');
    clock.advance(31_000);
    assert.equal(await b.drain(), 1);
    assert.equal((await variant(variants[0]!.id)).state, 'published');
    assert.equal(fake.statusesOf(account.id).length, 1);
  });

  test('a refusal fails the variant with the network\'s exact reason and tells the author and admins', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants, post } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Refusé', dueAt: clock.now, authorId });
    fake.failNext = { method: 'POST', path: '/api/v1/statuses', status: 422 };
    const s = scheduler();
    await s.register();
    await s.drain();
    const v = await variant(variants[0]!.id);
    assert.equal(v.state, 'failed');
    assert.match(v.error ?? '', /refused to publish the post: Simulated failure/);
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'post.failed'));
    assert.ok(notes.some((n) => n.userId === authorId && n.link?.includes(post.id)));
    assert.ok(notes.some((n) => n.userId === adminId));
  });

  test('a variant due longer ago than the grace period is flagged, not published; retrying publishes it', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'En retard', dueAt: new Date(clock.now.getTime() - 61 * 60_000) });
    const s = scheduler();
    await s.register();
    assert.equal(await s.drain(), 0, 'not claimed past the grace period');
    assert.equal(await s.flagMissedGrace(), 1);
    const v = await variant(variants[0]!.id);
    assert.equal(v.state, 'failed');
    assert.equal(v.errorCode, 'missed_grace');
    assert.equal(fake.statusesOf(account.id).length, 0);
    await t.deps.db.update(postVariants).set({ state: 'scheduled', dueAt: clock.now, errorCode: null }).where(eq(postVariants.id, v.id));
    assert.equal(await s.drain(), 1);
    assert.equal(fake.statusesOf(account.id).length, 1);
  });

  test('a variant due during a short outage is published when the worker comes back', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Pendant la panne', dueAt: new Date(clock.now.getTime() - 10 * 60_000) });
    const s = scheduler();
    await s.register();
    assert.equal(await s.flagMissedGrace(), 0);
    assert.equal(await s.drain(), 1);
    assert.equal(fake.statusesOf(account.id).length, 1);
  });

  test('a thread resumes after a crash: parts already saved are not posted again', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const { variants } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Fil 1/3', dueAt: clock.now });
    await t.deps.db.update(postVariants).set({ thread: [{ text: 'Fil 2/3', media: [] }, { text: 'Fil 3/3', media: [] }] }).where(eq(postVariants.id, variants[0]!.id));
    const s = scheduler();
    await s.register();
    // A first attempt published part 1 and saved it (onPart), then the connection failed (transient).
    const [claimed] = await s.claim(1);
    const { ctx } = openChannel(t.deps, channel);
    const first = await getConnector('mastodon').publish(ctx, { variant: { text: 'Fil 1/3' }, idempotencyKey: `${claimed!.id}:${claimed!.scheduleVersion}`, scheduledAt: claimed!.dueAt! });
    await t.deps.db.update(postVariants).set({ parts: [{ ...first.parts[0]!, publishedAt: first.parts[0]!.publishedAt.toISOString() }], state: 'scheduled', claimedBy: null }).where(eq(postVariants.id, claimed!.id));
    assert.equal(fake.statusesOf(account.id).length, 1);
    assert.equal(await s.drain(), 1);
    const v = await variant(claimed!.id);
    assert.equal(v.state, 'published');
    const statuses = fake.statusesOf(account.id);
    assert.deepEqual(statuses.map((x) => x.text).sort(), ['Fil 1/3', 'Fil 2/3', 'Fil 3/3']);
    assert.equal((v.parts as unknown[]).length, 3);
  });

  test('a recurring post creates its next occurrence once published', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    const { post } = await makeScheduledPost(t.deps, wid, [channel.id], { text: 'Chaque semaine', dueAt: clock.now });
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(clock.now);
    await t.deps.db.update(posts).set({ recurrence: { freq: 'weekly', interval: 1, time: '09:00', start: local }, seriesId: post.id, occurrence: 0 }).where(eq(posts.id, post.id));
    const s = scheduler();
    await s.register();
    await s.drain();
    const series = await t.deps.db.select().from(posts).where(eq(posts.seriesId, post.id));
    assert.equal(series.length, 2);
    const next = series.find((p) => p.occurrence === 1)!;
    const [nv] = await t.deps.db.select().from(postVariants).where(eq(postVariants.postId, next.id));
    assert.equal(nv!.state, 'scheduled');
    assert.equal(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(nv!.dueAt!), '09:00');
    assert.equal(await s.ensureNextOccurrence(post.id), null, 'created once, whoever asks again');
  });
});
