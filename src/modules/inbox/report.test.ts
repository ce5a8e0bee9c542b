import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { conversations, inboxReplies, messages } from '../../db/schema/index.ts';
import { startTestApp, TestClock, type Client, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace, signedIn, workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from './ingest.service.ts';
import { reportPeriod } from './report.service.ts';

describe('report period (local days in the workspace zone)', () => {
  test('the last 7 days end today, local: 01:30 in Paris is already the next day', () => {
    const p = reportPeriod({ period: '7d' }, new Date('2026-10-27T23:30:00Z'), 'Europe/Paris');
    assert.deepEqual([p.from, p.to, p.days, p.prevFrom, p.prevTo], ['2026-10-22', '2026-10-28', 7, '2026-10-15', '2026-10-21']);
    // 22 October starts at 00:00 CEST (22:00Z the day before); 29 October at 00:00 CET (23:00Z): 7 days of 24 h + 1 h.
    assert.equal(p.startAt.toISOString(), '2026-10-21T22:00:00.000Z');
    assert.equal(p.endAt.toISOString(), '2026-10-28T23:00:00.000Z');
    assert.equal(p.prevStartAt.toISOString(), '2026-10-14T22:00:00.000Z');
  });

  test('a custom period around the spring change: 29 March is 23 hours long', () => {
    const p = reportPeriod({ period: 'custom', from: '2026-03-29', to: '2026-03-29' }, new Date('2026-04-01T00:00:00Z'), 'Europe/Paris');
    assert.equal(p.startAt.toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(p.endAt.toISOString(), '2026-03-29T22:00:00.000Z');
  });

  test('at most 366 days; a leap year fits', () => {
    const now = new Date('2028-12-31T12:00:00Z');
    assert.equal(reportPeriod({ period: 'custom', from: '2028-01-01', to: '2028-12-31' }, now, 'UTC').days, 366);
    assert.throws(() => reportPeriod({ period: 'custom', from: '2027-12-31', to: '2028-12-31' }, now, 'UTC'), { code: 'validation_failed', field: 'query.to' });
  });
});

/**
 * Seeded around the autumn DST change in Paris (Sunday 25 October 2026, 03:00 CEST → 02:00 CET): the
 * period is 24–27 October, the previous one 20–23 October. Stored analytics (first response and
 * resolution seconds, SLA breach instants) are written as the reply and SLA services write them.
 */
describe('inbox report', () => {
  let t: TestApp;
  let analyst: Client;
  let contributor: Client;
  let wid: string;
  let channelA: string;
  let channelB: string;
  let editorId: string;
  let moderatorId: string;
  let ownerId: string;
  const base = () => `/api/workspaces/${wid}/inbox/report`;
  const custom = `period=custom&from=2026-10-24&to=2026-10-27`;

  before(async () => {
    t = await startTestApp({ clock: new TestClock(new Date('2026-10-28T10:00:00Z')) });
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    analyst = people.analyst.client;
    contributor = people.contributor.client;
    editorId = people.editor.user.id;
    moderatorId = people.moderator.user.id;
    ownerId = people.owner.user.id;
    const a = await makeOfflineChannel(t.deps, wid, 'mastodon');
    const b = await makeOfflineChannel(t.deps, wid, 'bluesky');
    channelA = a.id;
    channelB = b.id;

    /** One inbound message starting (or joining, with `root`) a conversation; returns its ids. */
    const inbound = async (ch: typeof a, at: string, over: Parameters<typeof interaction>[0] = {}) => {
      const root = over.root === undefined ? `post-${randomUUID()}` : over.root;
      const res = await ingestInteractions(t.deps, ch, [interaction({ createdAt: new Date(at), root, inReplyTo: root, author: { remoteId: `a-${randomUUID()}`, handle: 'x.example', displayName: null, avatarUrl: null }, ...over })], { afterIngest: false, classify: false });
      return { conv: res.conversationIds[0]!, msg: res.messageIds[0]!, root };
    };
    /** Stored analytics of a conversation. */
    const analytics = (conv: string, set: Partial<typeof conversations.$inferInsert>) => t.deps.db.update(conversations).set(set).where(eq(conversations.id, conv));
    const classify = (msg: string, sentiment: string | null, intents: string[] | null = null) => t.deps.db.update(messages).set({ sentiment, intents }).where(eq(messages.id, msg));
    /** A sent reply by `userId` at `at`: the outbound message and the reply row, as recordSent leaves them. */
    const replied = async (c: { conv: string; msg: string }, userId: string, at: string, ch = a) => {
      await t.deps.db.insert(messages).values({
        workspaceId: wid, channelId: ch.id, conversationId: c.conv, remoteId: `out-${randomUUID()}`, direction: 'out', kind: 'reply', authorRemoteId: ch.remoteId,
        authorHandle: ch.handle, text: 'Merci !', createdAt: new Date(at), ingestedAt: new Date(at), sentBy: userId,
      });
      await t.deps.db.insert(inboxReplies).values({
        workspaceId: wid, conversationId: c.conv, messageId: c.msg, authorId: userId, text: 'Merci !', state: 'sent', guard: { result: 'ok', reasons: [] },
        createdAt: new Date(at), sentAt: new Date(at), updatedAt: new Date(at),
      });
    };
    const policy = randomUUID();

    // Current period. c1: 24 Oct 00:00 CEST exactly (22:00Z on the 23rd) — the first instant of the period.
    const c1 = await inbound(a, '2026-10-23T22:00:00Z');
    await classify(c1.msg, 'positive');
    await replied(c1, editorId, '2026-10-24T08:00:00Z');
    await analytics(c1.conv, { firstResponseAt: new Date('2026-10-24T08:00:00Z'), firstResponseSeconds: 600, resolvedAt: new Date('2026-10-24T09:00:00Z'), resolutionSeconds: 3600, slaPolicyId: policy });
    const c1b = await inbound(a, '2026-10-26T10:00:00Z', { root: c1.root }); // a second message of c1, on the 26th
    assert.equal(c1b.conv, c1.conv);
    // c2: a mention at 00:30 CEST on the 25th (22:30Z on the 24th); resolution target missed after the first response.
    const c2 = await inbound(a, '2026-10-24T22:30:00Z', { kind: 'mention' });
    await classify(c2.msg, 'negative', ['complaint']);
    await replied(c2, editorId, '2026-10-25T09:00:00Z');
    await analytics(c2.conv, {
      firstResponseAt: new Date('2026-10-25T09:00:00Z'), firstResponseSeconds: 1200, resolvedAt: new Date('2026-10-27T09:00:00Z'), resolutionSeconds: 7200,
      slaPolicyId: policy, slaBreachedAt: new Date('2026-10-26T09:00:00Z'),
    });
    // c3: a DM at 23:30 CET on the 25th (22:30Z): still the 25th after the change (a fixed +2 h would say the 26th).
    const c3 = await inbound(a, '2026-10-25T22:30:00Z', { kind: 'dm', root: null, inReplyTo: null, raw: { conversationId: 'dm-c3' } });
    await classify(c3.msg, 'negative', ['complaint', 'question']);
    await replied(c3, moderatorId, '2026-10-26T12:00:00Z');
    await analytics(c3.conv, { firstResponseAt: new Date('2026-10-26T12:00:00Z'), firstResponseSeconds: 3000, slaPolicyId: policy, slaBreachedAt: new Date('2026-10-26T10:00:00Z') });
    // c4: a 2-star review on the 26th, unanswered, its target not due yet.
    const c4 = await inbound(a, '2026-10-26T09:00:00Z', { kind: 'review', rating: 2, root: null, inReplyTo: null });
    await analytics(c4.conv, { slaPolicyId: policy });
    // c5: on channel B, the 27th, unanswered and breached.
    const c5 = await inbound(b, '2026-10-27T10:00:00Z');
    await classify(c5.msg, null, ['question']);
    await analytics(c5.conv, { slaPolicyId: policy, slaBreachedAt: new Date('2026-10-27T12:00:00Z') });
    // After the period: 28 Oct 00:00 CET.
    await inbound(a, '2026-10-27T23:00:00Z');

    // Previous period: p1 at 23:30 CEST on the 23rd (the last minutes before the period), p2 on the 21st.
    const p1 = await inbound(a, '2026-10-23T21:30:00Z');
    await replied(p1, ownerId, '2026-10-23T21:40:00Z');
    await analytics(p1.conv, { firstResponseAt: new Date('2026-10-23T21:40:00Z'), firstResponseSeconds: 300 });
    const p2 = await inbound(a, '2026-10-21T08:00:00Z', { kind: 'dm', root: null, inReplyTo: null, raw: { conversationId: 'dm-p2' } });
    await replied(p2, ownerId, '2026-10-21T09:00:00Z');
    await analytics(p2.conv, { firstResponseAt: new Date('2026-10-21T09:00:00Z'), firstResponseSeconds: 900 });

    // Another workspace's data never shows.
    const other = await makeWorkspace(t.deps);
    await inbound(await makeOfflineChannel(t.deps, other.id), '2026-10-25T10:00:00Z');
  });
  after(() => t.close());

  test('key figures of the period and of the previous one', async () => {
    const res = await analyst.get(`${base()}?${custom}`);
    assert.equal(res.statusCode, 200);
    const r = res.data;
    assert.deepEqual(r.period, { from: '2026-10-24', to: '2026-10-27', days: 4, timezone: 'Europe/Paris', previous: { from: '2026-10-20', to: '2026-10-23' } });
    assert.equal(r.durations, 'business_seconds');
    assert.deepEqual(r.totals.current, {
      inboundMessages: 6, newConversations: 5, repliesSent: 3, answeredConversations: 3,
      firstResponseMedianSeconds: 1200, firstResponseP90Seconds: 2640, // 1200 + 0.8 × (3000 − 1200), interpolated
      resolvedConversations: 2, resolutionMedianSeconds: 5400,
      slaConversations: 4, slaMet: 2, slaMetShare: 0.5, slaBreaches: 3,
    });
    assert.deepEqual(r.totals.previous, {
      inboundMessages: 2, newConversations: 2, repliesSent: 2, answeredConversations: 2,
      firstResponseMedianSeconds: 600, firstResponseP90Seconds: 840,
      resolvedConversations: 0, resolutionMedianSeconds: null, slaConversations: 0, slaMet: 0, slaMetShare: null, slaBreaches: 0,
    });
  });

  test('daily series split at local midnight across the DST change', async () => {
    const r = (await analyst.get(`${base()}?${custom}`)).data;
    const zero = { positive: 0, neutral: 0, negative: 0, unknown: 0 };
    assert.deepEqual(r.days, [
      { day: '2026-10-24', inbound: { comment: 1, mention: 0, dm: 0, review: 0 }, newConversations: 1, repliesSent: 1, firstResponseMedianSeconds: 600, sentiment: { ...zero, positive: 1 } },
      { day: '2026-10-25', inbound: { comment: 0, mention: 1, dm: 1, review: 0 }, newConversations: 2, repliesSent: 1, firstResponseMedianSeconds: 2100, sentiment: { ...zero, negative: 2 } },
      { day: '2026-10-26', inbound: { comment: 1, mention: 0, dm: 0, review: 1 }, newConversations: 1, repliesSent: 1, firstResponseMedianSeconds: null, sentiment: { ...zero, unknown: 2 } },
      { day: '2026-10-27', inbound: { comment: 1, mention: 0, dm: 0, review: 0 }, newConversations: 1, repliesSent: 0, firstResponseMedianSeconds: null, sentiment: { ...zero, unknown: 1 } },
    ]);
    assert.deepEqual(r.intents, [{ intent: 'complaint', count: 2 }, { intent: 'question', count: 2 }]);
    assert.deepEqual(r.teammates, [
      { userId: editorId, name: 'editor person', repliesSent: 2, firstResponses: 2, firstResponseMedianSeconds: 900 },
      { userId: moderatorId, name: 'moderator person', repliesSent: 1, firstResponses: 1, firstResponseMedianSeconds: 3000 },
    ]);
  });

  test('the channel filter', async () => {
    const r = (await analyst.get(`${base()}?${custom}&channel=${channelA}`)).data;
    assert.deepEqual(r.channels, [channelA]);
    assert.equal(r.totals.current.inboundMessages, 5);
    assert.equal(r.totals.current.newConversations, 4);
    assert.equal(r.totals.current.slaBreaches, 2);
    const onlyB = (await analyst.get(`${base()}?${custom}&channel=${channelB}`)).data;
    assert.equal(onlyB.totals.current.inboundMessages, 1);
    assert.equal(onlyB.totals.previous.inboundMessages, 0);
  });

  test("another workspace's channel id gives nothing of this workspace", async () => {
    const other = await makeWorkspace(t.deps);
    const user = await makeUser(t.deps);
    await addMember(t.deps, other.id, user.id, 'analyst');
    const intruder = await signedIn(t, user.id);
    const r = (await intruder.get(`/api/workspaces/${other.id}/inbox/report?${custom}&channel=${channelA}`)).data;
    assert.equal(r.totals.current.inboundMessages, 0);
    assert.equal(r.totals.current.newConversations, 0);
    assert.equal((await intruder.get(`${base()}?${custom}`)).statusCode, 404);
  });

  test('an empty period reads as zeros and nulls, one row per day', async () => {
    const r = (await analyst.get(`${base()}?period=custom&from=2025-01-01&to=2025-01-03`)).data;
    assert.equal(r.days.length, 3);
    assert.equal(r.totals.current.inboundMessages, 0);
    assert.equal(r.totals.current.firstResponseMedianSeconds, null);
    assert.equal(r.totals.current.slaMetShare, null);
    assert.deepEqual(r.intents, []);
    assert.deepEqual(r.teammates, []);
  });

  test('the last 30 days by default', async () => {
    const r = (await analyst.get(base())).data;
    assert.deepEqual([r.period.from, r.period.to, r.period.days], ['2026-09-29', '2026-10-28', 30]);
    assert.equal(r.totals.current.inboundMessages, 9); // everything seeded in this workspace falls in it (p2 on the 21st too)
  });

  test('CSV of the daily series: UTF-8 with a byte-order mark', async () => {
    const res = await analyst.get(`${base()}?${custom}&format=csv`);
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(res.headers['content-disposition']), /attachment; filename="inbox-report-2026-10-24-2026-10-27\.csv"/);
    const body = res.body;
    assert.ok(body.startsWith('\uFEFFday,inbound_messages,comments,mentions,dms,reviews,new_conversations,replies_sent,first_response_median_business_minutes,'));
    const lines = body.slice(1).trimEnd().split('\r\n');
    assert.equal(lines.length, 5);
    assert.equal(lines[2], '2026-10-25,2,0,1,1,0,2,1,35,0,0,2,0');
  });

  test('bad periods are refused naming the field; contributors may not read it', async () => {
    const field = async (q: string) => {
      const res = await analyst.get(`${base()}?${q}`);
      assert.equal(res.statusCode, 400, q);
      return res.data.error.field;
    };
    assert.equal(await field('period=12d'), 'query.period');
    assert.equal(await field('period=custom&to=2026-10-01'), 'query.from');
    assert.equal(await field('period=custom&from=2026-02-30&to=2026-03-02'), 'query.from');
    assert.equal(await field('period=custom&from=2026-10-02&to=2026-10-01'), 'query.to');
    assert.equal(await field('period=custom&from=2025-01-01&to=2026-01-02'), 'query.to');
    assert.equal(await field('period=7d&from=2026-10-01'), 'query.period');
    assert.equal(await field('channel=nope'), 'query.channel');
    assert.equal((await contributor.get(base())).statusCode, 403);
  });

});
