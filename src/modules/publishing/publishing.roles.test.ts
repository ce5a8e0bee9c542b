import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { postVariants, posts, shortLinks } from '../../db/schema/index.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeMastodonChannel } from '../../../test/support/factories.publishing.ts';
import { publishingRoleTable } from '../../../test/support/roles/publishing.ts';
import { checkSessions, type RoleEnv, type RoleTable } from '../../../test/support/roles/table.ts';

/**
 * Who may call each publishing route, from the module's role table (test/support/roles/publishing.ts,
 * also run by test/integration/role-matrix.test.ts with API tokens): allowed roles get the route's
 * success status, the others 403 `forbidden`.
 */
describe('publishing routes: allowed and refused per role', () => {
  let t: TestApp;
  let env: RoleEnv;
  let table: RoleTable;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    const fake = await new FakeMastodon().start();
    const w = await workspaceWithEveryRole(t);
    env = { t, ws: w.ws, people: w.people, fake };
    table = publishingRoleTable(env);
  });
  after(async () => {
    await env.fake.stop();
    await t.close();
  });

  test('every publishing route of the module is listed in its role table', () => {
    const mine = t.routes.filter((r) => r.auth === 'workspace' && /^\/api\/workspaces\/:wid\/(posts|compose|variants|campaigns|approvals|approval-flow|charter|calendar|plan|best-times|links|media|imports)(\/|$)/.test(r.url))
      .map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(mine.sort(), Object.keys(table).sort());
  });

  test('each route: allowed roles get its success status, the others 403 forbidden', async (tc) => {
    for (const [route, spec] of Object.entries(table)) {
      await tc.test(route, async () => assert.deepEqual(await checkSessions(env, route, spec), []));
    }
  });

  test('a contributor may not change someone else’s post', async () => {
    const [p] = await t.deps.db.insert(posts).values({ workspaceId: env.ws.id, authorId: env.people.editor.user.id, title: 'Fixture' }).returning();
    const channel = await makeMastodonChannel(t.deps, env.ws.id, env.fake);
    await t.deps.db.insert(postVariants).values({ workspaceId: env.ws.id, postId: p!.id, channelId: channel.channel.id, text: 'Bonjour', state: 'draft' });
    const res = await env.people.contributor.client.patch(`/api/workspaces/${env.ws.id}/posts/${p!.id}`, { title: 'Pris' });
    assert.equal(res.statusCode, 403);
    assert.equal(res.data.error.code, 'forbidden');
  });

  test('the public redirect needs no session', async () => {
    const [l] = await t.deps.db.insert(shortLinks).values({ workspaceId: env.ws.id, code: `c${Math.random().toString(36).slice(2, 12)}`, destination: 'https://example.com/', originalUrl: 'https://example.com/' }).returning();
    const res = await t.app.inject({ method: 'GET', url: `/l/${l!.code}` });
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, 'https://example.com/');
    assert.equal((await t.deps.db.select().from(shortLinks).where(eq(shortLinks.id, l!.id))).length, 1);
  });
});
