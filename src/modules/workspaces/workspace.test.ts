import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { and, desc, eq } from 'drizzle-orm';
import { auditLog, members } from '../../db/schema/index.ts';
import { startTestApp, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace, signedIn, workspaceWithEveryRole } from '../../../test/support/factories.ts';

async function lastAudit(t: TestApp, workspaceId: string, action: string) {
  const [row] = await t.deps.db.select().from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, action))).orderBy(desc(auditLog.id)).limit(1);
  return row;
}

describe('workspaces', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  test('creating a workspace makes its creator the owner and records it in the audit log', async () => {
    const user = await makeUser(t.deps, { name: 'Ada' });
    const c = await signedIn(t, user.id);
    const res = await c.post('/api/workspaces', { name: 'Café Lumière', timezone: 'Europe/Paris', language: 'fr' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.data.role, 'owner');
    const wid = res.data.workspace.id;
    const me = await c.get('/api/me');
    assert.deepEqual(me.data.memberships.map((m: any) => [m.workspace.id, m.role]), [[wid, 'owner']]);
    const entry = await lastAudit(t, wid, 'workspace.create');
    assert.equal(entry?.actorId, user.id);
    assert.equal(entry?.actorName, 'Ada');
    assert.equal(entry?.before, null);
    assert.deepEqual(entry?.after, res.data.workspace);
  });

  test('renaming a workspace records who did it, and the values before and after', async () => {
    const user = await makeUser(t.deps, { name: 'Grace' });
    const c = await signedIn(t, user.id);
    const created = await c.post('/api/workspaces', { name: 'Old name', timezone: 'UTC', language: 'en' });
    const wid = created.data.workspace.id;
    t.clock.advance(60_000);
    const res = await c.patch(`/api/workspaces/${wid}`, { name: 'New name', timezone: 'America/Montreal' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.data.workspace.name, 'New name');
    assert.equal((await c.get(`/api/workspaces/${wid}`)).data.workspace.timezone, 'America/Montreal');
    const entry = await lastAudit(t, wid, 'workspace.update');
    assert.equal(entry?.actorId, user.id);
    assert.equal(entry?.at.toISOString(), t.clock.now.toISOString());
    assert.deepEqual([(entry?.before as { name: string; timezone: string }).name, (entry?.before as { name: string; timezone: string }).timezone], ['Old name', 'UTC']);
    assert.deepEqual([(entry?.after as { name: string; timezone: string }).name, (entry?.after as { name: string; timezone: string }).timezone], ['New name', 'America/Montreal']);
  });

  test('current IANA names and aliases are accepted as time zones, not only ICU’s spelling', async () => {
    const c = await signedIn(t, (await makeUser(t.deps)).id);
    for (const timezone of ['Asia/Kolkata', 'Europe/Kyiv', 'America/Montreal', 'Etc/UTC', 'UTC']) {
      const res = await c.post('/api/workspaces', { name: 'Zoned', timezone, language: 'en' });
      assert.equal(res.statusCode, 201, timezone);
      assert.equal(res.data.workspace.timezone, timezone);
    }
  });

  test('an unknown time zone or a bare offset is a 400 naming the field', async () => {
    const c = await signedIn(t, (await makeUser(t.deps)).id);
    for (const timezone of ['Mars/Olympus', '+01:00', '']) {
      const res = await c.post('/api/workspaces', { name: 'X', timezone, language: 'fr' });
      assert.equal(res.statusCode, 400, timezone);
      assert.equal(res.data.error.code, 'validation_failed');
      assert.equal(res.data.error.field, 'timezone');
    }
  });

  test('an empty name is a 400 naming the field, and nothing is changed', async () => {
    const owner = await makeUser(t.deps);
    const ws = await makeWorkspace(t.deps, { name: 'Keep me' });
    await addMember(t.deps, ws.id, owner.id, 'owner');
    const c = await signedIn(t, owner.id);
    const res = await c.patch(`/api/workspaces/${ws.id}`, { name: '   ' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'name');
    assert.equal((await c.get(`/api/workspaces/${ws.id}`)).data.workspace.name, 'Keep me');
  });
});

describe('members', () => {
  let t: TestApp;
  let ws: { id: string };
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let w: string;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());
  beforeEach(async () => {
    ({ ws, people } = await workspaceWithEveryRole(t));
    w = `/api/workspaces/${ws.id}`;
  });

  const roleOf = async (userId: string) =>
    (await t.deps.db.select().from(members).where(and(eq(members.workspaceId, ws.id), eq(members.userId, userId))))[0]?.role ?? null;

  test('members are listed with their role', async () => {
    const res = await people.client.client.get(`${w}/members`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.data.members.length, 7);
    assert.equal(res.data.members.find((m: any) => m.user.id === people.editor.user.id).role, 'editor');
  });

  test('an admin changes an editor’s role; the audit log keeps the role before and after', async () => {
    const res = await people.admin.client.patch(`${w}/members/${people.editor.user.id}`, { role: 'analyst' });
    assert.equal(res.statusCode, 200);
    assert.equal(await roleOf(people.editor.user.id), 'analyst');
    const entry = await lastAudit(t, ws.id, 'member.role_change');
    assert.equal(entry?.actorId, people.admin.user.id);
    assert.equal(entry?.targetId, people.editor.user.id);
    assert.deepEqual(entry?.before, { role: 'editor' });
    assert.deepEqual(entry?.after, { role: 'analyst' });
  });

  test('only an owner grants the owner role', async () => {
    const byAdmin = await people.admin.client.patch(`${w}/members/${people.editor.user.id}`, { role: 'owner' });
    assert.equal(byAdmin.statusCode, 403);
    assert.equal(byAdmin.data.error.code, 'forbidden');
    assert.equal(await roleOf(people.editor.user.id), 'editor');
    const byOwner = await people.owner.client.patch(`${w}/members/${people.editor.user.id}`, { role: 'owner' });
    assert.equal(byOwner.statusCode, 200);
    assert.equal(await roleOf(people.editor.user.id), 'owner');
  });

  test('an admin can neither demote nor remove an owner', async () => {
    const second = await makeUser(t.deps);
    await addMember(t.deps, ws.id, second.id, 'owner');
    const demote = await people.admin.client.patch(`${w}/members/${second.id}`, { role: 'client' });
    const remove = await people.admin.client.delete(`${w}/members/${second.id}`);
    assert.deepEqual([demote.statusCode, demote.data.error.code], [403, 'forbidden']);
    assert.deepEqual([remove.statusCode, remove.data.error.code], [403, 'forbidden']);
    assert.equal(await roleOf(second.id), 'owner');
  });

  test('the last owner cannot be demoted, even by themselves: 409 last_owner', async () => {
    const res = await people.owner.client.patch(`${w}/members/${people.owner.user.id}`, { role: 'admin' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'last_owner');
    assert.equal(await roleOf(people.owner.user.id), 'owner');
  });

  test('the last owner can neither leave nor be removed: 409 last_owner', async () => {
    const leave = await people.owner.client.delete(`${w}/members/${people.owner.user.id}`);
    assert.equal(leave.statusCode, 409);
    assert.equal(leave.data.error.code, 'last_owner');
    assert.equal(await roleOf(people.owner.user.id), 'owner');
  });

  test('with a second owner, an owner can step down to admin', async () => {
    await people.owner.client.patch(`${w}/members/${people.admin.user.id}`, { role: 'owner' });
    const res = await people.owner.client.patch(`${w}/members/${people.owner.user.id}`, { role: 'admin' });
    assert.equal(res.statusCode, 200);
    assert.equal(await roleOf(people.owner.user.id), 'admin');
  });

  test('any member can leave; afterwards the workspace is a 404 to them', async () => {
    const res = await people.client.client.delete(`${w}/members/${people.client.user.id}`);
    assert.equal(res.statusCode, 204);
    assert.equal(await roleOf(people.client.user.id), null);
    assert.equal((await people.client.client.get(w)).statusCode, 404);
    const entry = await lastAudit(t, ws.id, 'member.remove');
    assert.equal(entry?.actorId, people.client.user.id);
    assert.deepEqual(entry?.before, { role: 'client' });
  });

  test('an editor cannot remove someone else', async () => {
    const res = await people.editor.client.delete(`${w}/members/${people.analyst.user.id}`);
    assert.equal(res.statusCode, 403);
    assert.equal(await roleOf(people.analyst.user.id), 'analyst');
  });

  test('an admin removes a member; the removed person loses access at once', async () => {
    const res = await people.admin.client.delete(`${w}/members/${people.moderator.user.id}`);
    assert.equal(res.statusCode, 204);
    assert.equal((await people.moderator.client.get(w)).statusCode, 404);
  });

  test('changing the role of someone who is not a member is a 404; a malformed id is a 400 naming it', async () => {
    const stranger = await makeUser(t.deps);
    const res = await people.owner.client.patch(`${w}/members/${stranger.id}`, { role: 'editor' });
    assert.equal(res.statusCode, 404);
    const bad = await people.owner.client.patch(`${w}/members/not-an-id`, { role: 'editor' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.data.error.field, 'params.userId');
  });

  test('an unknown role is a 400 naming the field', async () => {
    const res = await people.owner.client.patch(`${w}/members/${people.editor.user.id}`, { role: 'superuser' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'role');
  });
});
