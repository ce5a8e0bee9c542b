import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.ts';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace, signedIn } from '../../../test/support/factories.ts';

describe('audit log', () => {
  let t: TestApp;
  let ws: { id: string };
  let owner: Client;
  let ownerId: string;
  let w: string;
  /** Everything secret that went through the API while building the log. */
  const secrets: string[] = [];
  const start = new Date('2026-03-10T09:00:00Z');

  before(async () => {
    t = await startTestApp();
    const u = await makeUser(t.deps, { name: 'Olga Owner' });
    ownerId = u.id;
    ws = await makeWorkspace(t.deps, { name: 'Audited' });
    await addMember(t.deps, ws.id, u.id, 'owner');
    owner = await signedIn(t, u.id);
    w = `/api/workspaces/${ws.id}`;
    // One change per minute, so date filters have something to cut.
    const step = async (fn: () => Promise<{ statusCode: number; body: string }>, expected: number) => {
      t.clock.advance(60_000);
      const res = await fn();
      assert.equal(res.statusCode, expected, res.body);
      return res;
    };
    await step(() => owner.patch(w, { name: 'Audited & renamed' }), 200);
    const inv = await step(() => owner.post(`${w}/invitations`, { email: 'ed@example.com', role: 'editor' }), 201);
    const invToken = /invite\/(.+)$/.exec(JSON.parse(inv.body).invitation.link)![1]!;
    secrets.push(invToken);
    const editor = new Client(t.app);
    await step(() => editor.post(`/api/invitations/${invToken}/accept`, { name: 'Ed', password: 'editor secret password' }), 200);
    secrets.push('editor secret password');
    const editorId = (await editor.get('/api/me')).data.user.id;
    await step(() => owner.patch(`${w}/members/${editorId}`, { role: 'analyst' }), 200);
    const tok = await step(() => owner.post(`${w}/tokens`, { name: 'deploy bot', role: 'editor' }), 201);
    secrets.push(JSON.parse(tok.body).secret);
    await step(() => owner.delete(`${w}/tokens/${JSON.parse(tok.body).token.id}`), 204);
    const inv2 = await step(() => owner.post(`${w}/invitations`, { email: 'gone@example.com', role: 'client' }), 201);
    secrets.push(/invite\/(.+)$/.exec(JSON.parse(inv2.body).invitation.link)![1]!);
    await step(() => owner.delete(`${w}/invitations/${JSON.parse(inv2.body).invitation.id}`), 204);
    await step(() => owner.delete(`${w}/members/${editorId}`), 204);
    await step(() => owner.post('/api/me/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new password' }), 204);
    secrets.push('a brand new password', 'correct horse battery');
  });
  after(() => t.close());

  test('every change is an entry with its actor, target, before and after, newest first', async () => {
    const res = await owner.get(`${w}/audit`);
    assert.equal(res.statusCode, 200);
    type Entry = { action: string; actor: { type: string; id: string | null; name: string }; targetId: string | null; before: Record<string, unknown> | null; after: Record<string, unknown> | null };
    const entries = res.data.entries as Entry[];
    assert.deepEqual(entries.map((e) => e.action), [
      'member.remove', 'invitation.revoke', 'invitation.create', 'token.revoke', 'token.create', 'member.role_change',
      'invitation.accept', 'invitation.create', 'workspace.update',
    ]);
    for (const e of entries) {
      assert.equal(e.actor.type, 'user');
      assert.ok(e.actor.id, `${e.action} has an actor`);
      assert.ok(e.targetId, `${e.action} has a target`);
    }
    const byAction = (a: string): Entry => {
      const found = entries.find((e) => e.action === a);
      assert.ok(found, `${a} is logged`);
      return found;
    };
    assert.deepEqual([byAction('workspace.update').before?.name, byAction('workspace.update').after?.name], ['Audited', 'Audited & renamed']);
    assert.deepEqual([byAction('member.role_change').before, byAction('member.role_change').after], [{ role: 'editor' }, { role: 'analyst' }]);
    assert.deepEqual(byAction('member.remove').before, { role: 'analyst' });
    assert.equal(byAction('invitation.accept').actor.name, 'Ed');
    assert.equal(byAction('workspace.update').actor.id, ownerId);
    assert.deepEqual(res.data.actions, [...new Set(entries.map((e) => e.action))].sort());
  });

  test('a password change is recorded on the account (outside any workspace)', async () => {
    const rows = await t.deps.db.select().from(auditLog).where(sql`${auditLog.action} = 'user.password_change'`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.workspaceId, null);
    assert.equal(rows[0]!.actorId, ownerId);
  });

  test('no password, token or invitation secret is stored anywhere in the log', async () => {
    const rows = await t.deps.db.execute(sql`SELECT ${auditLog}::text AS row FROM ${auditLog}`);
    const text = rows.rows.map((r) => String(r.row)).join('\n');
    assert.ok(text.length > 0);
    for (const s of secrets) assert.ok(!text.includes(s), `the audit log contains a secret: ${s.slice(0, 8)}…`);
  });

  test('q searches actions, actors and values', async () => {
    const byValue = (await owner.get(`${w}/audit?q=${encodeURIComponent('gone@example')}`)).data.entries.map((e: any) => e.action);
    assert.deepEqual(byValue, ['invitation.revoke', 'invitation.create']);
    const byActor = (await owner.get(`${w}/audit?q=ed`)).data.entries.map((e: any) => e.action);
    assert.ok(byActor.includes('invitation.accept'));
    const literal = (await owner.get(`${w}/audit?q=${encodeURIComponent('%')}`)).data.entries;
    assert.deepEqual(literal, [], '% is matched literally, not as a wildcard');
  });

  test('action filters to one kind of change', async () => {
    const res = await owner.get(`${w}/audit?action=invitation.create`);
    assert.deepEqual(res.data.entries.map((e: any) => e.after.email), ['gone@example.com', 'ed@example.com']);
  });

  test('from and to bound the time range, both inclusive', async () => {
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();
    const res = await owner.get(`${w}/audit?from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(4))}`);
    assert.deepEqual(res.data.entries.map((e: any) => e.action), ['member.role_change', 'invitation.accept', 'invitation.create']);
    const bad = await owner.get(`${w}/audit?from=yesterday`);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.data.error.field, 'query.from');
  });

  test('cursor pagination walks every entry once, in order', async () => {
    const all = (await owner.get(`${w}/audit`)).data.entries.map((e: any) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await owner.get(`${w}/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      assert.ok(res.data.entries.length <= 2);
      seen.push(...res.data.entries.map((e: any) => e.id));
      cursor = res.data.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    assert.deepEqual(seen, all);
    assert.equal(pages, Math.ceil(all.length / 2));
  });

  test('a forged cursor is a 400 naming it', async () => {
    const res = await owner.get(`${w}/audit?cursor=${Buffer.from('not a date|x').toString('base64url')}`);
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'query.cursor');
  });

  test('the CSV export has a header row and one row per entry', async () => {
    const res = await owner.get(`${w}/audit.csv`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    const lines = res.body.trimEnd().split('\n');
    assert.equal(lines[0], 'id,at,actor_type,actor_id,actor_name,action,target_type,target_id,before,after,ip');
    assert.equal(lines.length, 1 + 9);
    assert.ok(lines[1]!.includes(',member.remove,'));
  });

  test('the CSV export defuses spreadsheet formulas', async () => {
    const evil = await makeUser(t.deps, { name: '=HYPERLINK("http://evil.example","click")' });
    await addMember(t.deps, ws.id, evil.id, 'admin');
    const c = await signedIn(t, evil.id);
    await c.patch(w, { name: '+SUM(A1:A9)' });
    const csv = (await owner.get(`${w}/audit.csv?action=workspace.update`)).body;
    const row = csv.split('\n')[1]!;
    assert.ok(row.includes(`"'=HYPERLINK(""http://evil.example"",""click"")"`), row);
    assert.ok(!/(^|,)[=+\-@]/.test(row), `a cell starts with a formula character: ${row}`);
  });

  test('only owners and admins read the log', async () => {
    const editor = await makeUser(t.deps);
    await addMember(t.deps, ws.id, editor.id, 'editor');
    const c = await signedIn(t, editor.id);
    assert.equal((await c.get(`${w}/audit`)).statusCode, 403);
    const csv = await c.get(`${w}/audit.csv`);
    assert.equal(csv.statusCode, 403);
    assert.equal(csv.data.error.code, 'forbidden');
  });
});
