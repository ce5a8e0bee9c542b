import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { addMember, makeUser, makeWorkspace, signedIn } from '../../../test/support/factories.ts';

const tokenOf = (link: string) => {
  const m = /^http:\/\/passerelle\.test\/invite\/([A-Za-z0-9_-]{20,})$/.exec(link);
  assert.ok(m, `unexpected invitation link ${link}`);
  return m[1]!;
};

describe('invitations', () => {
  let t: TestApp;
  let ws: { id: string; name: string };
  let owner: Client;
  let ownerId: string;
  let w: string;
  before(async () => {
    t = await startTestApp();
    ws = await makeWorkspace(t.deps, { name: 'Maison Verte' });
    const u = await makeUser(t.deps);
    await addMember(t.deps, ws.id, u.id, 'owner');
    ownerId = u.id;
    owner = await signedIn(t, u.id);
    w = `/api/workspaces/${ws.id}`;
  });
  after(() => t.close());

  async function invite(email: string, role = 'editor', by = owner) {
    const res = await by.post(`${w}/invitations`, { email, role });
    assert.equal(res.statusCode, 201, res.body);
    return { id: res.data.invitation.id as string, token: tokenOf(res.data.invitation.link) };
  }

  test('an invitation gives a link, listed for admins, that describes itself to anyone holding it', async () => {
    const res = await owner.post(`${w}/invitations`, { email: 'Newcomer@Example.com', role: 'editor' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.data.invitation.email, 'newcomer@example.com');
    const list = await owner.get(`${w}/invitations`);
    assert.deepEqual(list.data.invitations.map((i: any) => [i.email, i.role, i.link]), [['newcomer@example.com', 'editor', res.data.invitation.link]]);
    const described = await new Client(t.app).get(`/api/invitations/${tokenOf(res.data.invitation.link)}`);
    assert.equal(described.statusCode, 200);
    assert.deepEqual(described.data, { workspace: { id: ws.id, name: 'Maison Verte' }, email: 'newcomer@example.com', role: 'editor', userExists: false });
  });

  test('accepting as a new account creates it, signs it in and makes it a member; the link then stops working', async () => {
    const { token } = await invite('fresh@example.com', 'moderator');
    const c = new Client(t.app);
    const res = await c.post(`/api/invitations/${token}/accept`, { name: 'Fresh', password: 'a new good password' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.role, 'moderator');
    const me = await c.get('/api/me');
    assert.equal(me.data.user.email, 'fresh@example.com');
    assert.deepEqual(me.data.memberships.map((m: any) => [m.workspace.id, m.role]), [[ws.id, 'moderator']]);
    const signin = await new Client(t.app).post('/api/auth/signin', { email: 'fresh@example.com', password: 'a new good password' });
    assert.equal(signin.statusCode, 200);
    const again = await new Client(t.app).post(`/api/invitations/${token}/accept`, { name: 'Again', password: 'a new good password' });
    assert.equal(again.statusCode, 400);
    assert.equal(again.data.error.code, 'invitation_invalid');
    assert.equal((await owner.get(`${w}/invitations`)).data.invitations.some((i: any) => i.email === 'fresh@example.com'), false);
  });

  test('an existing person accepts while signed in with the invited email', async () => {
    const existing = await makeUser(t.deps, { email: 'known@example.com' });
    const { token } = await invite('KNOWN@example.com', 'analyst');
    assert.equal((await new Client(t.app).get(`/api/invitations/${token}`)).data.userExists, true);
    const c = await signedIn(t, existing.id);
    const res = await c.post(`/api/invitations/${token}/accept`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.role, 'analyst');
    assert.equal((await c.get(w)).statusCode, 200);
  });

  test('creating a new account for an email that already has one is refused: sign in instead', async () => {
    await makeUser(t.deps, { email: 'has-account@example.com' });
    const { token } = await invite('has-account@example.com');
    const res = await new Client(t.app).post(`/api/invitations/${token}/accept`, { name: 'Impostor', password: 'a new good password' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'email_taken');
  });

  test('a signed-in person with another email is refused with 403, and the invitation stays usable', async () => {
    const other = await makeUser(t.deps, { email: 'someone-else@example.com' });
    const { token } = await invite('intended@example.com');
    const res = await (await signedIn(t, other.id)).post(`/api/invitations/${token}/accept`);
    assert.equal(res.statusCode, 403);
    assert.equal(res.data.error.code, 'forbidden');
    assert.equal((await new Client(t.app).get(`/api/invitations/${token}`)).statusCode, 200);
  });

  test('without an account or a session, accepting asks to sign in', async () => {
    const { token } = await invite('nobody-yet@example.com');
    const res = await new Client(t.app).post(`/api/invitations/${token}/accept`);
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'unauthenticated');
  });

  test('inviting an existing member is a 409 already_member naming the email', async () => {
    const member = await makeUser(t.deps, { email: 'member@example.com' });
    await addMember(t.deps, ws.id, member.id, 'client');
    const res = await owner.post(`${w}/invitations`, { email: 'Member@example.com', role: 'editor' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'already_member');
    assert.equal(res.data.error.field, 'email');
  });

  test('a second pending invitation for the same email is a 409 invitation_exists', async () => {
    await invite('twice@example.com');
    const res = await owner.post(`${w}/invitations`, { email: 'TWICE@example.com', role: 'client' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'invitation_exists');
    assert.equal(res.data.error.field, 'email');
  });

  test('an expired link is invalid, and the person can be invited again', async () => {
    const { token } = await invite('late@example.com');
    t.clock.advance(7 * 86_400_000 + 1000);
    const described = await new Client(t.app).get(`/api/invitations/${token}`);
    assert.equal(described.statusCode, 400);
    assert.equal(described.data.error.code, 'invitation_invalid');
    const res = await new Client(t.app).post(`/api/invitations/${token}/accept`, { name: 'Late', password: 'a new good password' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.code, 'invitation_invalid');
    owner = await signedIn(t, ownerId); // the fixture session has expired meanwhile
    await invite('late@example.com');
  });

  test('a revoked link is invalid', async () => {
    const { id, token } = await invite('revoked@example.com');
    assert.equal((await owner.delete(`${w}/invitations/${id}`)).statusCode, 204);
    const res = await new Client(t.app).post(`/api/invitations/${token}/accept`, { name: 'Revoked', password: 'a new good password' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.code, 'invitation_invalid');
    assert.equal((await owner.delete(`${w}/invitations/${id}`)).statusCode, 404, 'revoking twice');
  });

  test('a made-up link is invalid', async () => {
    const res = await new Client(t.app).get('/api/invitations/abcdefghijklmnopqrstuvwxyz');
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.code, 'invitation_invalid');
  });

  test('only an owner invites an owner', async () => {
    const admin = await makeUser(t.deps);
    await addMember(t.deps, ws.id, admin.id, 'admin');
    const adminClient = await signedIn(t, admin.id);
    const res = await adminClient.post(`${w}/invitations`, { email: 'boss@example.com', role: 'owner' });
    assert.equal(res.statusCode, 403);
    assert.equal(res.data.error.code, 'forbidden');
    assert.equal(res.data.error.field, 'role');
    await invite('boss@example.com', 'owner');
  });

  test('a weak password for the new account is a 400 naming the field', async () => {
    const { token } = await invite('weak@example.com');
    const res = await new Client(t.app).post(`/api/invitations/${token}/accept`, { name: 'Weak', password: 'short' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'password');
    assert.equal((await new Client(t.app).get(`/api/invitations/${token}`)).statusCode, 200, 'still usable');
  });
});
