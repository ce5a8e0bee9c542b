import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { compactStatusCountsSql } from './conversation.queries.ts';
import { wakeSnoozed } from './conversation.service.ts';
import { ingestInteractions } from './ingest.service.ts';

/** Counts per status come from counters kept by triggers in each transaction: they must always equal a count of the rows. */
describe('inbox counts per status', () => {
  let t: TestApp;
  let wid: string;
  let editor: Client;
  let chan: Awaited<ReturnType<typeof makeOfflineChannel>>;
  const ids: string[] = [];

  before(async () => {
    t = await startTestApp();
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    editor = made.people.editor.client;
    chan = await makeOfflineChannel(t.deps, wid);
  });
  after(() => t.close());

  const base = () => `/api/workspaces/${wid}/inbox`;
  /** The counts the API answers, and the same counted from the rows. */
  async function both() {
    const api = (await editor.get(`${base()}/counts`)).data.counts;
    const rows = (await t.deps.db.execute<{ status: string; n: number }>(sql`SELECT status, count(*)::int AS n FROM conversations WHERE workspace_id = ${wid} GROUP BY status`)).rows;
    const real = { open: 0, pending: 0, snoozed: 0, closed: 0 };
    for (const r of rows) real[r.status as keyof typeof real] = r.n;
    return { api, real };
  }
  async function assertExact(label: string) {
    const { api, real } = await both();
    assert.deepEqual(api, real, label);
    return api;
  }

  test('stay exact under ingest (new threads, replies, a replayed page), close/reopen, snooze and wake, bulk actions, and compaction', async () => {
    // 40 threads in one page (the classification pool's size), then replies and a replay.
    const page = Array.from({ length: 40 }, (_, i) => interaction({ remoteId: `p${i}`, root: `post${i}`, inReplyTo: `post${i}`, text: `Question numéro ${i} sur ma commande` }));
    const first = await ingestInteractions(t.deps, chan, page, { afterIngest: false });
    ids.push(...first.conversationIds);
    assert.deepEqual(await assertExact('after a first page'), { open: 40, pending: 0, snoozed: 0, closed: 0 });
    await ingestInteractions(t.deps, chan, page, { afterIngest: false });
    await assertExact('after replaying the page');

    await editor.post(`${base()}/conversations/bulk`, { ids: ids.slice(0, 10), change: { status: 'closed' } });
    await editor.patch(`${base()}/conversations/${ids[10]}`, { status: 'pending' });
    const until = new Date(t.clock.now.getTime() + 3600_000).toISOString();
    await editor.post(`${base()}/conversations/bulk`, { ids: ids.slice(11, 14), change: { status: 'snoozed', snoozedUntil: until } });
    assert.deepEqual(await assertExact('after close, pending, snooze'), { open: 26, pending: 1, snoozed: 3, closed: 10 });

    await editor.patch(`${base()}/conversations/${ids[0]}`, { status: 'open' });
    // A new message reopens a closed and a snoozed conversation; new threads arrive in the same page.
    await ingestInteractions(t.deps, chan, [
      interaction({ remoteId: 'r1', root: 'post1', inReplyTo: 'post1' }), interaction({ remoteId: 'r2', root: 'post11', inReplyTo: 'post11' }),
      interaction({ remoteId: 'n1', root: 'new1', inReplyTo: 'new1' }),
    ], { afterIngest: false });
    assert.deepEqual(await assertExact('after reopen and a page that reopens'), { open: 30, pending: 1, snoozed: 2, closed: 8 });

    await t.deps.db.execute(compactStatusCountsSql);
    await assertExact('after compaction');
    t.clock.advance(3601_000);
    assert.equal(await wakeSnoozed(t.deps), 2);
    assert.deepEqual(await assertExact('after the snoozed woke'), { open: 32, pending: 1, snoozed: 0, closed: 8 });
    await t.deps.db.execute(sql`DELETE FROM conversations WHERE id = ${ids[39]!}`);
    await assertExact('after a delete');
    const filtered = (await editor.get(`${base()}/counts?channel=${chan.id}`)).data.counts;
    assert.deepEqual(filtered, (await both()).real, 'filtered counts are counted from the rows');
  });
});
