import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { conversations, notifications } from '../../db/schema/index.ts';
import { startTestApp, TestClock, type Client, type TestApp } from '../../../test/support/app.ts';
import { signedIn, workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from './ingest.service.ts';
import { checkSlaBreaches } from './sla.service.ts';
import { addBusinessSeconds, businessSecondsBetween, DEFAULT_WEEK, type BusinessCalendar } from './sla.time.ts';

const paris = (holidays: string[] = []): BusinessCalendar => ({ timezone: 'Europe/Paris', week: DEFAULT_WEEK, holidays: new Set(holidays) });

describe('business time (Europe/Paris, Mon–Fri 9–18)', () => {
  test('a target spans the night and the weekend', () => {
    // Friday 2026-03-20 17:00 Paris (16:00Z) + 2 business hours = Monday 10:00 Paris (09:00Z).
    const due = addBusinessSeconds(paris(), new Date('2026-03-20T16:00:00Z'), 2 * 3600);
    assert.equal(due.toISOString(), '2026-03-23T09:00:00.000Z');
  });

  test('across the spring DST change (29 March 2026) opening hours stay 9:00 local', () => {
    // Friday 27 March 17:00 CET (16:00Z) + 2 h → Monday 30 March 10:00 CEST = 08:00Z (not 09:00Z).
    const due = addBusinessSeconds(paris(), new Date('2026-03-27T16:00:00Z'), 2 * 3600);
    assert.equal(due.toISOString(), '2026-03-30T08:00:00.000Z');
    assert.equal(businessSecondsBetween(paris(), new Date('2026-03-27T16:00:00Z'), due), 2 * 3600);
  });

  test('across the autumn DST change (25 October 2026) a business day is still 9 hours', () => {
    // Friday 23 Oct 17:00 CEST (15:00Z) + 3 h → Monday 26 Oct 11:00 CET = 10:00Z.
    const due = addBusinessSeconds(paris(), new Date('2026-10-23T15:00:00Z'), 3 * 3600);
    assert.equal(due.toISOString(), '2026-10-26T10:00:00.000Z');
    assert.equal(businessSecondsBetween(paris(), new Date('2026-10-23T07:00:00Z'), new Date('2026-10-26T17:00:00Z')), 18 * 3600);
  });

  test('holidays are closed days', () => {
    // Friday 17:00 + 2 h with Monday 23 March a holiday → Tuesday 10:00.
    const due = addBusinessSeconds(paris(['2026-03-23']), new Date('2026-03-20T16:00:00Z'), 2 * 3600);
    assert.equal(due.toISOString(), '2026-03-24T09:00:00.000Z');
  });

  test('time outside business hours does not count', () => {
    assert.equal(businessSecondsBetween(paris(), new Date('2026-03-21T10:00:00Z'), new Date('2026-03-22T20:00:00Z')), 0);
  });
});

describe('SLA timers on conversations', () => {
  let t: TestApp;
  let owner: Client;
  let editor: Client;
  let wid: string;
  let ownerId: string;
  before(async () => {
    t = await startTestApp({ clock: new TestClock(new Date('2026-03-27T15:00:00Z')) });
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    owner = people.owner.client;
    editor = people.editor.client;
    ownerId = people.owner.user.id;
  });
  after(() => t.close());

  test('an editor cannot change SLA policies; an owner can', async () => {
    const body = { name: 'Standard', firstResponseMinutes: 120, resolutionMinutes: 60 * 24 };
    assert.equal((await editor.post(`/api/workspaces/${wid}/inbox/sla-policies`, body)).statusCode, 403);
    const res = await owner.post(`/api/workspaces/${wid}/inbox/sla-policies`, body);
    assert.equal(res.statusCode, 201, res.body);
  });

  test('a new conversation gets a first-response due time in business hours across the DST weekend, then breaches and notifies', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    // Friday 27 March 17:00 CET (16:00Z): 2 business hours → Monday 10:00 CEST (08:00Z).
    t.clock.now = new Date('2026-03-27T16:00:00Z');
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'sla1', root: 'ps', inReplyTo: 'ps', createdAt: new Date('2026-03-27T16:00:00Z') })], { afterIngest: false });
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    assert.equal(conv!.slaDueAt?.toISOString(), '2026-03-30T08:00:00.000Z');
    assert.equal(conv!.slaState, 'ok');
    await owner.patch(`/api/workspaces/${wid}/inbox/conversations/${conv!.id}`, { assigneeId: ownerId });
    t.clock.now = new Date('2026-03-30T08:01:00Z');
    assert.equal(await checkSlaBreaches(t.deps), 1);
    const [after] = await t.deps.db.select().from(conversations).where(eq(conversations.id, conv!.id));
    assert.equal(after!.slaState, 'breached');
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'inbox.sla_breached'));
    assert.deepEqual(notes.map((n) => n.userId), [ownerId]);
    assert.equal(await checkSlaBreaches(t.deps), 0, 'a breach is announced once');
  });

  test('a holiday added afterwards moves open timers', async () => {
    t.clock.now = new Date('2026-04-02T15:00:00Z'); // Thursday 17:00 CEST
    const ch = await makeOfflineChannel(t.deps, wid);
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'sla2', root: 'pq', inReplyTo: 'pq', createdAt: new Date('2026-04-02T15:00:00Z') })], { afterIngest: false });
    owner = await signedIn(t, ownerId); // sessions follow the test clock
    const res = await owner.post(`/api/workspaces/${wid}/inbox/holidays`, { day: '2026-04-03', name: 'Pont' });
    assert.equal(res.statusCode, 200, res.body);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    // 1 h left Thursday, Friday is a holiday, weekend closed → Monday 6 April 10:00 CEST (08:00Z).
    assert.equal(conv!.slaDueAt?.toISOString(), '2026-04-06T08:00:00.000Z');
  });

  test('closing stores the resolution time in business seconds for analytics', async () => {
    t.clock.now = new Date('2026-04-07T08:00:00Z'); // Tuesday 10:00 CEST
    const ch = await makeOfflineChannel(t.deps, wid);
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'sla3', root: 'pr', inReplyTo: 'pr', createdAt: new Date('2026-04-07T08:00:00Z') })], { afterIngest: false });
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    t.clock.now = new Date('2026-04-07T09:30:00Z');
    owner = await signedIn(t, ownerId);
    const res = await owner.patch(`/api/workspaces/${wid}/inbox/conversations/${conv!.id}`, { status: 'closed' });
    assert.equal(res.statusCode, 200, res.body);
    const [closed] = await t.deps.db.select().from(conversations).where(eq(conversations.id, conv!.id));
    assert.equal(closed!.resolutionSeconds, 90 * 60);
    assert.equal(closed!.slaState, 'met', 'closed within the targets');
  });
});
