import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { conversations, notifications } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { authHeaders, EventStream } from '../../../test/support/sse.ts';
import { ingestInteractions } from './ingest.service.ts';
import { wakeSnoozed } from './conversation.service.ts';

/** Working conversations: list with filters, cursor pages and counts; detail; assign, tag, priority, snooze, close, reopen, bulk; views; presence and live events. */
describe('inbox conversations', () => {
  let t: TestApp;
  let wid: string;
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let editor: Client;
  let analyst: Client;
  let chA: string;
  let chB: string;
  const ids: string[] = [];

  before(async () => {
    t = await startTestApp({ listen: true });
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    people = made.people;
    editor = people.editor.client;
    analyst = people.analyst.client;
    const a = await makeOfflineChannel(t.deps, wid);
    const b = await makeOfflineChannel(t.deps, wid, 'mastodon');
    chA = a.id;
    chB = b.id;
    for (let i = 0; i < 7; i++) {
      const ch = i < 5 ? a : b;
      const res = await ingestInteractions(t.deps, ch, [interaction({
        remoteId: `c${i}`, root: `post${i}`, inReplyTo: `post${i}`, createdAt: new Date(Date.UTC(2026, 2, 1, 10, i)),
        text: i === 3 ? 'Service horrible, je suis très déçu et en colère, plus jamais' : `Message numéro ${i}`,
      })], { afterIngest: false });
      ids.push(res.conversationIds[0]!);
    }
  });
  after(() => t.close());

  const base = () => `/api/workspaces/${wid}/inbox`;

  test('the default view lists open conversations, newest first, in cursor pages', async () => {
    const first = await analyst.get(`${base()}/conversations?limit=3`);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(first.data.conversations.map((c: { id: string }) => c.id), [ids[6], ids[5], ids[4]]);
    const second = await analyst.get(`${base()}/conversations?limit=3&cursor=${first.data.nextCursor}`);
    assert.deepEqual(second.data.conversations.map((c: { id: string }) => c.id), [ids[3], ids[2], ids[1]]);
    const third = await analyst.get(`${base()}/conversations?limit=3&cursor=${second.data.nextCursor}`);
    assert.deepEqual(third.data.conversations.map((c: { id: string }) => c.id), [ids[0]]);
    assert.equal(third.data.nextCursor, null);
    assert.equal((await analyst.get(`${base()}/conversations?cursor=garbage`)).data.error.field, 'query.cursor');
  });

  test('an analyst can read but not work conversations', async () => {
    assert.equal((await analyst.patch(`${base()}/conversations/${ids[0]}`, { status: 'closed' })).statusCode, 403);
  });

  test('assign, tag, priority; filters find them; the assignee is notified', async () => {
    const me = people.editor.user.id;
    const res = await editor.patch(`${base()}/conversations/${ids[1]}`, { assigneeId: people.moderator.user.id, addTags: ['VIP'], priority: 'urgent' });
    assert.equal(res.statusCode, 200, res.body);
    await editor.patch(`${base()}/conversations/${ids[2]}`, { assigneeId: me });
    const mine = await editor.get(`${base()}/conversations?assignee=me`);
    assert.deepEqual(mine.data.conversations.map((c: { id: string }) => c.id), [ids[2]]);
    const vip = await editor.get(`${base()}/conversations?tag=vip&priority=urgent`);
    assert.deepEqual(vip.data.conversations.map((c: { id: string }) => c.id), [ids[1]]);
    assert.equal(vip.data.conversations[0].assignee.id, people.moderator.user.id);
    const byChannel = await editor.get(`${base()}/conversations?channel=${chB}`);
    assert.equal(byChannel.data.conversations.length, 2);
    const negative = await editor.get(`${base()}/conversations?sentiment=negative`);
    assert.deepEqual(negative.data.conversations.map((c: { id: string }) => c.id), [ids[3]]);
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'inbox.assigned'));
    assert.deepEqual(notes.map((n) => n.userId), [people.moderator.user.id], 'not the one who assigned themselves');
    assert.equal((await editor.patch(`${base()}/conversations/${ids[1]}`, { assigneeId: people.client.user.id })).statusCode, 400, 'a client cannot be assigned');
  });

  test('close, reopen and snooze; counts per status follow; a snoozed conversation wakes up', async () => {
    await editor.patch(`${base()}/conversations/${ids[0]}`, { status: 'closed' });
    const until = new Date(t.clock.now.getTime() + 3600_000).toISOString();
    await editor.patch(`${base()}/conversations/${ids[4]}`, { status: 'snoozed', snoozedUntil: until });
    assert.equal((await editor.patch(`${base()}/conversations/${ids[5]}`, { status: 'snoozed' })).statusCode, 400, 'snoozing needs a time');
    const counts = await editor.get(`${base()}/counts`);
    assert.deepEqual(counts.data.counts, { open: 5, pending: 0, snoozed: 1, closed: 1 });
    const closed = await editor.get(`${base()}/conversations?status=closed`);
    assert.deepEqual(closed.data.conversations.map((c: { id: string }) => c.id), [ids[0]]);
    await editor.patch(`${base()}/conversations/${ids[0]}`, { status: 'open' });
    const detail = await editor.get(`${base()}/conversations/${ids[0]}`);
    assert.deepEqual(detail.data.events.map((e: { type: string }) => e.type), ['closed', 'reopened']);
    t.clock.advance(3601_000);
    assert.equal(await wakeSnoozed(t.deps), 1);
    const [woke] = await t.deps.db.select().from(conversations).where(eq(conversations.id, ids[4]!));
    assert.equal(woke!.status, 'open');
  });

  test('a new message reopens a closed conversation', async () => {
    await editor.patch(`${base()}/conversations/${ids[6]}`, { status: 'closed' });
    await ingestInteractions(t.deps, { id: chB, workspaceId: wid, network: 'mastodon' }, [interaction({ remoteId: 'again', root: 'post6', inReplyTo: 'post6' })], { afterIngest: false });
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.id, ids[6]!));
    assert.equal(conv!.status, 'open');
  });

  test('bulk: close a selection in one request', async () => {
    const res = await editor.post(`${base()}/conversations/bulk`, { ids: [ids[1], ids[2]], change: { status: 'closed', addTags: ['done'] } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.updated, 2);
    const rows = await t.deps.db.select().from(conversations).where(eq(conversations.workspaceId, wid));
    const chosen = rows.filter((r) => r.id === ids[1] || r.id === ids[2]);
    assert.ok(chosen.every((r) => r.status === 'closed' && r.tags.includes('done')));
    assert.equal((await editor.post(`${base()}/conversations/bulk`, { ids: [ids[1], '00000000-0000-4000-8000-000000000000'], change: { status: 'open' } })).statusCode, 404);
  });

  test('saved views: personal by default, applied to the list; a shared view is seen by the team', async () => {
    const view = await editor.post(`${base()}/views`, { name: 'Mastodon', filters: { channel: chB, status: 'open,closed' } });
    assert.equal(view.statusCode, 201, view.body);
    const list = await editor.get(`${base()}/conversations?view=${view.data.id}`);
    assert.equal(list.data.conversations.length, 2);
    assert.equal((await analyst.get(`${base()}/views`)).data.views.length, 0);
    assert.equal((await analyst.get(`${base()}/conversations?view=${view.data.id}`)).statusCode, 404);
    await editor.patch(`${base()}/views/${view.data.id}`, { name: 'Mastodon', filters: { channel: chB }, shared: true });
    assert.equal((await analyst.get(`${base()}/views`)).data.views.length, 1);
    const bad = await editor.post(`${base()}/views`, { name: 'x', filters: { status: 'everything' } });
    assert.equal(bad.statusCode, 400);
  });

  test('presence and typing show to teammates, live over SSE, with new messages and changes', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = await EventStream.open(`${url}/api/workspaces/${wid}/events`, authHeaders(analyst));
    try {
      assert.equal(stream.status, 200);
      const beat = await people.moderator.client.post(`${base()}/conversations/${ids[3]}/presence`, { state: 'typing' });
      assert.equal(beat.statusCode, 200, beat.body);
      const seen = await editor.post(`${base()}/conversations/${ids[3]}/presence`, { state: 'viewing' });
      assert.deepEqual(seen.data.presence.map((p: { userId: string; state: string }) => [p.userId, p.state]), [[people.moderator.user.id, 'typing']]);
      await ingestInteractions(t.deps, { id: chA, workspaceId: wid, network: 'bluesky' }, [interaction({ remoteId: 'live', root: 'post3', inReplyTo: 'post3' })], { afterIngest: false });
      await editor.patch(`${base()}/conversations/${ids[3]}`, { priority: 'high' });
      await stream.waitFor((e) => e.type === 'inbox.conversation.updated');
      const types = stream.events.map((e) => e.type);
      assert.ok(types.includes('inbox.presence'));
      assert.ok(types.includes('inbox.message.created'));
      const created = stream.events.find((e) => e.type === 'inbox.message.created')!;
      assert.deepEqual(created.payload.conversationIds, [ids[3]]);
    } finally {
      stream.close();
    }
  });
});
