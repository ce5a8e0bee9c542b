import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { notify } from '../modules/workspaces/index.ts';
import { startTestApp, type TestApp } from '../../test/support/app.ts';
import { withToken, workspaceWithEveryRole } from '../../test/support/factories.ts';
import { authHeaders, EventStream, type SseEvent } from '../../test/support/sse.ts';

/**
 * PostgreSQL LISTEN/NOTIFY → Server-Sent Events, over a real socket. Absence is proven without sleeping:
 * NOTIFYs are delivered in commit order, so once a later "marker" event arrives, an earlier event that
 * was going to arrive would already have.
 */
describe('realtime events', () => {
  let t: TestApp;
  let base: string;
  let a: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  let b: Awaited<ReturnType<typeof workspaceWithEveryRole>>;
  const streams: EventStream[] = [];
  let markers = 0;

  before(async () => {
    t = await startTestApp({ listen: true });
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    a = await workspaceWithEveryRole(t);
    b = await workspaceWithEveryRole(t);
  });
  after(async () => {
    for (const s of streams) s.close();
    await t.close();
  });

  async function open(ws: { id: string }, client: Parameters<typeof authHeaders>[0]) {
    const s = await EventStream.open(`${base}/api/workspaces/${ws.id}/events`, authHeaders(client));
    assert.equal(s.status, 200);
    streams.push(s);
    return s;
  }

  async function publish(workspaceId: string, type: string, extra: Partial<Parameters<TestApp['deps']['realtime']['publish']>[1]> = {}) {
    await t.deps.db.transaction((tx) => t.deps.realtime.publish(tx, { workspaceId, type, payload: { n: markers }, ...extra }));
  }

  /** Publishes a marker in `workspaceId` and waits until each stream got it. */
  async function settle(workspaceId: string, ...on: EventStream[]) {
    const id = ++markers;
    await t.deps.db.transaction((tx) => t.deps.realtime.publish(tx, { workspaceId, type: 'test.marker', payload: { id } }));
    for (const s of on) await s.waitFor((e) => e.type === 'test.marker' && e.payload.id === id);
  }

  const types = (s: EventStream) => s.events.map((e: SseEvent) => e.type).filter((x) => x !== 'test.marker');

  test('an event published in a committed transaction arrives', async () => {
    const s = await open(a.ws, a.people.editor.client);
    await publish(a.ws.id, 'post.updated');
    const e = await s.waitFor((x) => x.type === 'post.updated');
    assert.deepEqual(Object.keys(e), ['type', 'payload']);
  });

  test('an event published in a rolled-back transaction never arrives', async () => {
    const s = await open(a.ws, a.people.editor.client);
    await t.deps.db.transaction(async (tx) => {
      await t.deps.realtime.publish(tx, { workspaceId: a.ws.id, type: 'post.ghost', payload: {} });
      tx.rollback();
    }).catch(() => {});
    await settle(a.ws.id, s);
    assert.deepEqual(types(s), []);
  });

  test('a member of another workspace does not receive it', async () => {
    const inA = await open(a.ws, a.people.owner.client);
    const inB = await open(b.ws, b.people.owner.client);
    await publish(a.ws.id, 'post.updated');
    await inA.waitFor((x) => x.type === 'post.updated');
    await settle(b.ws.id, inB);
    assert.deepEqual(types(inB), []);
  });

  test('a notification for one person is delivered to them only', async () => {
    const x = await open(a.ws, a.people.editor.client);
    const y = await open(a.ws, a.people.contributor.client);
    await t.deps.db.transaction((tx) => notify(t.deps, tx, a.ws.id, [a.people.editor.user.id], { kind: 'test', title: 'For the editor' }));
    const got = await x.waitFor((e) => e.type === 'notification.created');
    assert.equal(got.payload.kind, 'test');
    await settle(a.ws.id, y);
    assert.deepEqual(types(y), []);
  });

  test('audit.created reaches owners and admins, not an editor', async () => {
    const owner = await open(a.ws, a.people.owner.client);
    const admin = await open(a.ws, a.people.admin.client);
    const editor = await open(a.ws, a.people.editor.client);
    const res = await a.people.owner.client.patch(`/api/workspaces/${a.ws.id}`, { name: 'Renamed live' });
    assert.equal(res.statusCode, 200);
    await owner.waitFor((e) => e.type === 'audit.created' && e.payload.action === 'workspace.update');
    await admin.waitFor((e) => e.type === 'audit.created');
    await settle(a.ws.id, editor);
    assert.deepEqual(types(editor), []);
  });

  test('an API token streams with its bounded role: an owner token of an editor gets no audit events', async () => {
    const token = await withToken(t, a.ws.id, a.people.editor.user.id, 'owner');
    const s = await open(a.ws, token);
    await a.people.owner.client.patch(`/api/workspaces/${a.ws.id}`, { name: 'Renamed again' });
    await settle(a.ws.id, s);
    assert.deepEqual(types(s), []);
  });

  test('closing the stream unsubscribes', async () => {
    const before = t.deps.realtime.subscriberCount;
    const s = await open(a.ws, a.people.analyst.client);
    assert.equal(t.deps.realtime.subscriberCount, before + 1);
    s.close();
    for (let i = 0; i < 100 && t.deps.realtime.subscriberCount > before; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(t.deps.realtime.subscriberCount, before);
  });
});
