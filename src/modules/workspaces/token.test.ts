import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq, sql } from 'drizzle-orm';
import { apiTokens, auditLog } from '../../db/schema/index.ts';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { withToken, workspaceWithEveryRole } from '../../../test/support/factories.ts';

describe('API tokens', () => {
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

  async function create(by: Client, role: string, expiresAt?: string) {
    const res = await by.post(`${w}/tokens`, { name: `ci ${role}`, role, ...(expiresAt ? { expiresAt } : {}) });
    assert.equal(res.statusCode, 201, res.body);
    const c = new Client(t.app);
    c.bearer = res.data.secret;
    return { id: res.data.token.id as string, secret: res.data.secret as string, client: c };
  }

  test('the secret is shown once at creation and stored only as a hash', async () => {
    const { id, secret } = await create(people.editor.client, 'editor');
    assert.match(secret, /^psl_[A-Za-z0-9_-]{40,}$/);
    const list = await people.editor.client.get(`${w}/tokens`);
    assert.ok(list.data.tokens.some((tk: any) => tk.id === id));
    assert.ok(!list.body.includes(secret), 'the list never shows the secret');
    const [row] = await t.deps.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    assert.notEqual(row!.tokenHash, secret);
    assert.ok(!row!.tokenHash.includes(secret.slice(4)));
    const [leak] = await t.deps.db.select({ n: sql<number>`count(*)::int` }).from(auditLog)
      .where(sql`${auditLog}::text LIKE ${'%' + secret.slice(4) + '%'}`);
    assert.equal(leak!.n, 0, 'the audit log never holds the secret');
  });

  test('a token authenticates workspace calls and records when it was last used', async () => {
    const { id, client } = await create(people.admin.client, 'analyst');
    t.clock.advance(5 * 60_000);
    const res = await client.get(w);
    assert.equal(res.statusCode, 200);
    const [row] = await t.deps.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    assert.equal(row!.lastUsedAt?.toISOString(), t.clock.now.toISOString());
    const listed = (await people.admin.client.get(`${w}/tokens`)).data.tokens.find((tk: any) => tk.id === id);
    assert.equal(listed.lastUsedAt, t.clock.now.toISOString());
  });

  test('a token with a role above one’s own is a 403 naming the field role', async () => {
    for (const [who, role] of [['editor', 'admin'], ['analyst', 'editor'], ['contributor', 'client'], ['admin', 'owner']] as const) {
      const res = await people[who].client.post(`${w}/tokens`, { name: 'too much', role });
      assert.equal(res.statusCode, 403, `${who} → ${role}`);
      assert.equal(res.data.error.code, 'forbidden');
      assert.equal(res.data.error.field, 'role');
    }
    await create(people.editor.client, 'analyst');
  });

  test('a revoked token is a 401', async () => {
    const { id, client } = await create(people.editor.client, 'editor');
    assert.equal((await client.get(w)).statusCode, 200);
    assert.equal((await people.editor.client.delete(`${w}/tokens/${id}`)).statusCode, 204);
    const res = await client.get(w);
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'unauthenticated');
  });

  test('an expired token is a 401', async () => {
    const { client } = await create(people.editor.client, 'editor', new Date(t.clock.now.getTime() + 3_600_000).toISOString());
    assert.equal((await client.get(w)).statusCode, 200);
    t.clock.advance(3_600_000);
    assert.equal((await client.get(w)).statusCode, 401);
  });

  test('an expiry in the past is a 400 naming expiresAt', async () => {
    const res = await people.editor.client.post(`${w}/tokens`, { name: 'past', role: 'editor', expiresAt: new Date(t.clock.now.getTime() - 1000).toISOString() });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'expiresAt');
  });

  test('a token cannot be used on account routes such as /api/me', async () => {
    const { client } = await create(people.owner.client, 'owner');
    for (const res of [await client.get('/api/me'), await client.post('/api/me/password', { currentPassword: 'x', newPassword: 'correct horse battery' })]) {
      assert.equal(res.statusCode, 401);
      assert.equal(res.data.error.code, 'unauthenticated');
    }
  });

  test('a token is bounded by its creator’s current role', async () => {
    const { client } = await create(people.admin.client, 'admin');
    assert.equal((await client.patch(w, { name: 'Renamed by token' })).statusCode, 200);
    await people.owner.client.patch(`${w}/members/${people.admin.user.id}`, { role: 'analyst' });
    const res = await client.patch(w, { name: 'Renamed again' });
    assert.equal(res.statusCode, 403);
    assert.equal((await client.get(w)).statusCode, 200, 'still reads');
    await people.owner.client.patch(`${w}/members/${people.admin.user.id}`, { role: 'admin' });
  });

  test('an owner-role token of a member who is only an admin cannot grant, change or invite owners', async () => {
    const client = await withToken(t, ws.id, people.admin.user.id, 'owner');
    const grant = await client.patch(`${w}/members/${people.editor.user.id}`, { role: 'owner' });
    const demote = await client.patch(`${w}/members/${people.owner.user.id}`, { role: 'client' });
    const remove = await client.delete(`${w}/members/${people.owner.user.id}`);
    const invite = await client.post(`${w}/invitations`, { email: 'new-owner@example.com', role: 'owner' });
    for (const res of [grant, demote, remove, invite]) assert.deepEqual([res.statusCode, res.data.error.code], [403, 'forbidden'], res.body);
    const roles = (await people.owner.client.get(`${w}/members`)).data.members.map((m: any) => [m.user.id, m.role]);
    assert.ok(roles.some(([id, role]: string[]) => id === people.owner.user.id && role === 'owner'));
    assert.ok(roles.some(([id, role]: string[]) => id === people.editor.user.id && role === 'editor'));
    const ownerToken = await withToken(t, ws.id, people.owner.user.id, 'owner');
    assert.equal((await ownerToken.post(`${w}/invitations`, { email: 'new-owner@example.com', role: 'owner' })).statusCode, 201, 'an owner’s token can');
  });

  test('members see their own tokens; admins see and revoke everyone’s', async () => {
    const mine = await create(people.moderator.client, 'moderator');
    const theirs = await create(people.analyst.client, 'analyst');
    const seen = (await people.moderator.client.get(`${w}/tokens`)).data.tokens.map((tk: any) => tk.id);
    assert.ok(seen.includes(mine.id));
    assert.ok(!seen.includes(theirs.id));
    assert.equal((await people.moderator.client.delete(`${w}/tokens/${theirs.id}`)).statusCode, 404);
    assert.ok((await people.admin.client.get(`${w}/tokens`)).data.tokens.some((tk: any) => tk.id === theirs.id));
    assert.equal((await people.admin.client.delete(`${w}/tokens/${theirs.id}`)).statusCode, 204);
    assert.equal((await theirs.client.get(w)).statusCode, 401);
  });

  test('creating and revoking tokens is audited with name and role', async () => {
    const { id } = await create(people.editor.client, 'client');
    await people.editor.client.delete(`${w}/tokens/${id}`);
    const rows = await t.deps.db.select().from(auditLog).where(eq(auditLog.targetId, id)).orderBy(auditLog.id);
    assert.deepEqual(rows.map((r) => [r.action, r.actorId]), [['token.create', people.editor.user.id], ['token.revoke', people.editor.user.id]]);
    assert.deepEqual([(rows[0]!.after as { name: string }).name, (rows[0]!.after as { role: string }).role], ['ci client', 'client']);
    assert.deepEqual(rows[1]!.before, { name: 'ci client', role: 'client' });
  });
});
