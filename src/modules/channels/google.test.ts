import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { FakeGoogleBusiness } from '../../connectors/google-business/fake-google-business.ts';
import type { GoogleBusinessCredentials } from '../../connectors/google-business/google-business.api.ts';
import { auditLog, channels, oauthStates } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';

/**
 * Connecting Google Business Profile locations through the API, against a local server answering like
 * Google's OAuth endpoints and the Business Profile APIs (contract tests: nothing talks to Google).
 */
describe('channels: Google Business Profile connect flow (contract)', () => {
  let t: TestApp;
  let fake: FakeGoogleBusiness;
  let owner: Client;
  let admin: Client;
  let editor: Client;
  let wid: string;
  let cafe: string;
  let bakery: string;

  before(async () => {
    fake = await new FakeGoogleBusiness().start();
    t = await startTestApp({
      env: {
        PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_GOOGLE_CLIENT_ID: fake.options.clientId,
        PASSERELLE_GOOGLE_CLIENT_SECRET: fake.options.clientSecret, PASSERELLE_GOOGLE_API_URL: fake.url,
      },
    });
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    owner = people.owner.client;
    admin = people.admin.client;
    editor = people.editor.client;
    const account = fake.addAccount('Brasserie Group');
    cafe = fake.addLocation(account, 'Café du Port');
    bakery = fake.addLocation(account, 'Boulangerie Centrale');
  });
  after(async () => {
    await t.close();
    await fake.stop();
  });

  /** Our authorize URL → Google's consent (the fake approves) → our callback; returns where the browser lands. */
  async function consent(client: Client, tamper?: (back: URL) => void): Promise<{ status: number; location: URL }> {
    const begin = await client.post(`/api/workspaces/${wid}/channels/google-business/authorize`);
    assert.equal(begin.statusCode, 200, begin.body);
    const approve = await fetch(begin.data.authorizeUrl, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    assert.equal(back.pathname, '/api/oauth/google-business/callback');
    tamper?.(back);
    const callback = await client.get(`${back.pathname}${back.search}`);
    return { status: callback.statusCode, location: new URL(callback.headers.location as string, 'http://x') };
  }

  test('says whether Google is configured and which redirect URI to register', async () => {
    const res = await editor.get(`/api/workspaces/${wid}/channels/google-business`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.data.configured, true);
    assert.match(res.data.redirectUri, /\/api\/oauth\/google-business\/callback$/);
  });

  let connectionId: string;
  test('consent lands on Settings → Channels with a pending connection listing the locations; state and PKCE were checked', async () => {
    const { status, location } = await consent(owner);
    assert.equal(status, 302);
    assert.equal(location.pathname, `/w/${wid}/settings/channels`);
    connectionId = location.searchParams.get('googleConnection')!;
    const authorizeCall = fake.requests.find((r) => r.path.startsWith('/o/oauth2/v2/auth'))!;
    assert.match(authorizeCall.path, /code_challenge_method=S256/);
    assert.match(fake.requests.find((r) => r.path === '/token')!.body, /code_verifier=/);
    const pending = await owner.get(`/api/workspaces/${wid}/channels/google-business/connections/${connectionId}`);
    assert.equal(pending.statusCode, 200);
    assert.deepEqual(pending.data.locations.map((l: { title: string }) => l.title), ['Café du Port', 'Boulangerie Centrale']);
    assert.ok(!JSON.stringify(pending.data).includes('ya29.'), 'no token in the answer');
    assert.equal((await admin.get(`/api/workspaces/${wid}/channels/google-business/connections/${connectionId}`)).statusCode, 404, 'another manager cannot use it');
  });

  test('choosing two locations makes two channels with sealed tokens, audited; the connection is then used up', async () => {
    const res = await owner.post(`/api/workspaces/${wid}/channels/google-business/connections/${connectionId}`, { locations: [cafe, bakery] });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.data.channels.map((c: { handle: string }) => c.handle), ['Café du Port', 'Boulangerie Centrale']);
    const ch = res.data.channels[0];
    assert.equal(ch.network, 'google-business');
    assert.equal(ch.remoteId, cafe);
    assert.deepEqual(ch.capabilities.publish, { text: false, images: false, thread: false, reply: true, contentWarning: false });
    assert.deepEqual(ch.capabilities.interactions, ['review']);
    const [row] = await t.deps.db.select().from(channels).where(eq(channels.id, ch.id));
    assert.ok(!row!.credentialsSealed.includes('ya29.') && !row!.credentialsSealed.includes('1//'), 'credentials are sealed');
    const creds = t.deps.box.open<GoogleBusinessCredentials>(row!.credentialsSealed, `channel:${ch.id}`);
    assert.equal(creds.location, cafe);
    assert.ok(fake.refreshTokenValid(creds.refreshToken));
    const audits = await t.deps.db.select().from(auditLog).where(and(eq(auditLog.workspaceId, wid), eq(auditLog.action, 'channel.connect')));
    assert.equal(audits.filter((a) => a.targetId === ch.id).length, 1);
    assert.ok(!JSON.stringify(audits).includes('ya29.'));
    const again = await owner.post(`/api/workspaces/${wid}/channels/google-business/connections/${connectionId}`, { locations: [cafe] });
    assert.equal(again.statusCode, 404);
  });

  test('a location Google did not list is refused, naming the field', async () => {
    const { location } = await consent(owner);
    const res = await owner.post(`/api/workspaces/${wid}/channels/google-business/connections/${location.searchParams.get('googleConnection')}`, { locations: ['locations/999'] });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'locations.0');
  });

  test('the callback refuses a reused or forged state, and one begun by another user', async () => {
    let reused = '';
    const first = await consent(owner, (back) => {
      reused = back.search;
    });
    assert.equal(first.status, 302);
    const replay = await owner.get(`/api/oauth/google-business/callback${reused}`);
    assert.match(replay.headers.location as string, /channelError=validation_failed/);
    const forged = await owner.get('/api/oauth/google-business/callback?state=forged&code=x');
    assert.match(forged.headers.location as string, /channelError=validation_failed/);
    const begin = await owner.post(`/api/workspaces/${wid}/channels/google-business/authorize`);
    const back = new URL((await fetch(begin.data.authorizeUrl, { redirect: 'manual' })).headers.get('location')!);
    const stolen = await admin.get(`${back.pathname}${back.search}`);
    assert.match(stolen.headers.location as string, /channelError=validation_failed/);
  });

  test('an installation whose Google API access is not approved yet gets its own error code', async () => {
    fake.quotaZero = 429;
    try {
      const { location } = await consent(owner);
      assert.equal(location.searchParams.get('channelError'), 'network_api_not_approved');
      assert.match(location.searchParams.get('message')!, /approved/);
    } finally {
      fake.quotaZero = null;
    }
  });

  test('the user refusing consent comes back with access_denied', async () => {
    fake.consent = 'deny';
    try {
      const { location } = await consent(owner);
      assert.equal(location.searchParams.get('channelError'), 'access_denied');
    } finally {
      fake.consent = 'approve';
    }
  });

  test('disconnecting one location keeps the grant the other uses; the last one revokes it', async () => {
    const list = (await owner.get(`/api/workspaces/${wid}/channels`)).data.channels.filter((c: { network: string }) => c.network === 'google-business');
    assert.equal(list.length, 2);
    const [row] = await t.deps.db.select().from(channels).where(eq(channels.id, list[0].id));
    const { refreshToken } = t.deps.box.open<GoogleBusinessCredentials>(row!.credentialsSealed, `channel:${row!.id}`);
    assert.equal((await owner.delete(`/api/workspaces/${wid}/channels/${list[0].id}`)).statusCode, 204);
    assert.ok(fake.refreshTokenValid(refreshToken), 'the other location still works');
    assert.equal((await owner.delete(`/api/workspaces/${wid}/channels/${list[1].id}`)).statusCode, 204);
    assert.equal(fake.refreshTokenValid(refreshToken), false, 'revoked with the last channel');
  });

  test('editors cannot connect; without a configured client the answer says how to configure it', async () => {
    assert.equal((await editor.post(`/api/workspaces/${wid}/channels/google-business/authorize`)).statusCode, 403);
    const bare = await startTestApp();
    try {
      const { ws, people } = await workspaceWithEveryRole(bare);
      const status = await people.owner.client.get(`/api/workspaces/${ws.id}/channels/google-business`);
      assert.equal(status.data.configured, false);
      const res = await people.owner.client.post(`/api/workspaces/${ws.id}/channels/google-business/authorize`);
      assert.equal(res.statusCode, 409);
      assert.equal(res.data.error.code, 'network_not_configured');
      assert.match(res.data.error.message, /PASSERELLE_GOOGLE_CLIENT_ID/);
    } finally {
      await bare.close();
    }
    const states = await t.deps.db.select().from(oauthStates).where(eq(oauthStates.workspaceId, wid));
    assert.ok(states.every((s) => !s.pendingSealed.includes('ya29.')), 'pending tokens are sealed');
  });
});
