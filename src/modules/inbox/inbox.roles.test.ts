import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { messages } from '../../db/schema/index.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { inboxRoleTable } from '../../../test/support/roles/inbox.ts';
import { checkSessions, type RoleEnv, type RoleTable } from '../../../test/support/roles/table.ts';
import { ingestInteractions } from './ingest.service.ts';

/**
 * Every route of the inbox, moderation and relay modules, for every role, from their role table
 * (test/support/roles/inbox.ts, also run by test/integration/role-matrix.test.ts with API tokens):
 * allowed roles get the route's success status, the others 403 `forbidden`.
 */
describe('inbox, moderation and relay routes per role', () => {
  let t: TestApp;
  let env: RoleEnv;
  let table: RoleTable;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    const made = await workspaceWithEveryRole(t);
    env = { t, ws: made.ws, people: made.people, fake: await new FakeMastodon().start() };
    table = inboxRoleTable(env);
  });
  after(async () => {
    await env.fake.stop();
    await t.close();
  });

  test('every route of the three modules is in the role table', () => {
    const mine = t.routes.filter((r) => /^\/api\/workspaces\/:wid\/(inbox|contacts|moderation|relay)(\/|$)/.test(r.url));
    for (const r of mine) assert.equal(r.auth, 'workspace', `${r.method} ${r.url} is workspace-scoped`);
    assert.deepEqual(mine.map((r) => `${r.method} ${r.url}`).sort(), Object.keys(table).sort());
  });

  test('each route: allowed roles get its success status, the others 403 forbidden', async (tc) => {
    for (const [route, spec] of Object.entries(table)) {
      await tc.test(route, async () => assert.deepEqual(await checkSessions(env, route, spec), []));
    }
  });

  test('ids of another workspace answer 404 inside one\'s own workspace (no data, no change)', async () => {
    const other = await workspaceWithEveryRole(t);
    const ch = await makeOfflineChannel(t.deps, other.ws.id);
    const res = await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'b1', root: 'pb', inReplyTo: 'pb' })], { afterIngest: false });
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, res.messageIds[0]!));
    const own = `/api/workspaces/${env.ws.id}`;
    const owner = env.people.owner.client;
    const conv = res.conversationIds[0]!;
    assert.equal((await owner.get(`${own}/inbox/conversations/${conv}`)).statusCode, 404);
    assert.equal((await owner.patch(`${own}/inbox/conversations/${conv}`, { status: 'closed' })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/conversations/bulk`, { ids: [conv], change: { status: 'closed' } })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/conversations/${conv}/replies`, { text: 'x' })).statusCode, 404);
    assert.equal((await owner.post(`${own}/inbox/messages/${msg!.id}/moderate`, { action: 'hide' })).statusCode, 404);
    assert.equal((await owner.get(`${own}/contacts/${msg!.contactId}`)).statusCode, 404);
    const list = await owner.get(`${own}/inbox/conversations?status=open,pending,snoozed,closed&limit=100`);
    assert.ok(!list.data.conversations.some((c: { id: string }) => c.id === conv));
    const [still] = await t.deps.db.select().from(messages).where(eq(messages.id, msg!.id));
    assert.equal(still!.hidden, false);
  });

  test('an analyst keeps personal views but may not share one or change a shared one', async () => {
    const w = `/api/workspaces/${env.ws.id}`;
    const analyst = env.people.analyst.client;
    const shared = await analyst.post(`${w}/inbox/views`, { name: 'Pour tous', filters: { status: 'open' }, shared: true });
    assert.equal(shared.statusCode, 403);
    const teamView = await env.people.editor.client.post(`${w}/inbox/views`, { name: 'Équipe', filters: { status: 'open' }, shared: true });
    assert.equal(teamView.statusCode, 201);
    assert.equal((await analyst.patch(`${w}/inbox/views/${teamView.data.id}`, { name: 'À moi', filters: {} })).statusCode, 403);
    assert.equal((await analyst.delete(`${w}/inbox/views/${teamView.data.id}`)).statusCode, 403);
  });
});
