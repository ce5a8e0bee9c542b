import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { notify } from './index.ts';

describe('notifications', () => {
  let t: TestApp;
  let ws: { id: string };
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let w: string;
  before(async () => {
    t = await startTestApp();
    ({ ws, people } = await workspaceWithEveryRole(t));
    w = `/api/workspaces/${ws.id}`;
  });
  after(() => t.close());

  test('a notification appears, unread, for its recipient, newest first', async () => {
    await notify(t.deps, t.deps.db, ws.id, [people.editor.user.id], { kind: 'post.approved', title: 'First', body: 'b', link: '/posts/1' });
    t.clock.advance(1000);
    await notify(t.deps, t.deps.db, ws.id, [people.editor.user.id], { kind: 'post.approved', title: 'Second' });
    const res = await people.editor.client.get(`${w}/notifications`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.data.unread, 2);
    assert.deepEqual(res.data.notifications.map((n: any) => [n.title, n.readAt]), [['Second', null], ['First', null]]);
    assert.equal(res.data.notifications[1].link, '/posts/1');
  });

  test('marking one read lowers the unread count; marking all read clears it', async () => {
    const list = (await people.editor.client.get(`${w}/notifications`)).data;
    assert.equal((await people.editor.client.post(`${w}/notifications/${list.notifications[0].id}/read`)).statusCode, 204);
    const after1 = (await people.editor.client.get(`${w}/notifications`)).data;
    assert.equal(after1.unread, 1);
    assert.equal(after1.notifications[0].readAt, t.clock.now.toISOString());
    assert.equal((await people.editor.client.post(`${w}/notifications/${list.notifications[0].id}/read`)).statusCode, 204, 'again is harmless');
    assert.equal((await people.editor.client.post(`${w}/notifications/read-all`)).statusCode, 204);
    assert.equal((await people.editor.client.get(`${w}/notifications`)).data.unread, 0);
  });

  test('another member sees none of them and cannot mark them read', async () => {
    await notify(t.deps, t.deps.db, ws.id, [people.editor.user.id], { kind: 'x', title: 'Private' });
    const mine = (await people.editor.client.get(`${w}/notifications`)).data.notifications[0];
    const other = await people.owner.client.get(`${w}/notifications`);
    assert.deepEqual([other.data.notifications, other.data.unread], [[], 0]);
    const res = await people.owner.client.post(`${w}/notifications/${mine.id}/read`);
    assert.equal(res.statusCode, 404);
    await people.owner.client.post(`${w}/notifications/read-all`);
    assert.equal((await people.editor.client.get(`${w}/notifications`)).data.unread, 1, 'still unread for its owner');
  });

  test('notifying by permission reaches exactly the members whose role holds it', async () => {
    await notify(t.deps, t.deps.db, ws.id, { permission: 'audit.read' }, { kind: 'security', title: 'Admins only' });
    for (const [role, p] of Object.entries(people)) {
      const titles = (await p.client.get(`${w}/notifications`)).data.notifications.map((n: any) => n.title);
      assert.equal(titles.includes('Admins only'), role === 'owner' || role === 'admin', role);
    }
  });

  test('a notification inside a rolled-back transaction never appears', async () => {
    await t.deps.db.transaction(async (tx) => {
      await notify(t.deps, tx, ws.id, [people.client.user.id], { kind: 'x', title: 'Ghost' });
      tx.rollback();
    }).catch(() => {});
    assert.deepEqual((await people.client.client.get(`${w}/notifications`)).data.notifications, []);
  });
});
