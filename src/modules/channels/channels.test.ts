import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { auditLog, channels, mastodonApps, notifications, oauthStates } from '../../db/schema/index.ts';
import { startTestApp, type TestApp, type Client } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';

/**
 * Channels through the API against a local server that answers like Mastodon's documented API
 * (contract tests: there is no local Mastodon server to run).
 */
describe('channels (Mastodon contract)', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let owner: Client;
  let editor: Client;
  let analyst: Client;
  let wid: string;
  let brand: { account: { id: string }; token: string };

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    fake = await new FakeMastodon({ maxCharacters: 500 }).start();
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    owner = people.owner.client;
    editor = people.editor.client;
    analyst = people.analyst.client;
    brand = fake.createAccount('brand', 'The Brand');
    fake.authorizingAccountId = brand.account.id;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  /** Runs the OAuth flow the way a browser would: our authorize URL → the instance's redirect → our callback. */
  async function connect(client: Client): Promise<string> {
    const begin = await client.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: fake.url });
    assert.equal(begin.statusCode, 200, begin.body);
    const approve = await fetch(begin.data.authorizeUrl, { redirect: 'manual' });
    assert.equal(approve.status, 302);
    const back = new URL(approve.headers.get('location')!);
    assert.equal(back.pathname, '/api/oauth/mastodon/callback');
    const callback = await client.get(`${back.pathname}${back.search}`);
    assert.equal(callback.statusCode, 302);
    const target = new URL(callback.headers.location as string, 'http://x');
    assert.equal(target.pathname, `/w/${wid}/settings/channels`, callback.headers.location as string);
    return target.searchParams.get('connected')!;
  }

  let channelId: string;
  test('an admin connects a Mastodon account through OAuth; the token is stored sealed, never shown', async () => {
    channelId = await connect(owner);
    const list = await owner.get(`/api/workspaces/${wid}/channels`);
    assert.equal(list.data.channels.length, 1);
    const ch = list.data.channels[0];
    assert.equal(ch.network, 'mastodon');
    assert.equal(ch.handle, `brand@${new URL(fake.url).host}`);
    assert.equal(ch.health, 'connected');
    assert.equal(ch.limits.text.maxLength, 500);
    assert.deepEqual(ch.capabilities.moderation, ['block', 'unblock'], 'the UI offers only what the network allows');
    assert.ok(!list.body.includes(brand.token) && !list.body.includes('accessToken'));
    const [row] = await t.deps.db.select().from(channels).where(eq(channels.id, channelId));
    assert.ok(row && !row.credentialsSealed.includes('access') && row.credentialsSealed.startsWith('v1.'));
    const entries = await t.deps.db.select().from(auditLog).where(eq(auditLog.workspaceId, wid));
    assert.ok(entries.some((e) => e.action === 'channel.connect' && e.targetId === channelId));
    for (const e of entries) assert.ok(!JSON.stringify(e).includes('code-') && !JSON.stringify(e).toLowerCase().includes('secret"'));
  });

  test('the app registered on the instance is reused for the next connection there', async () => {
    const before = (await t.deps.db.select().from(mastodonApps)).length;
    await connect(owner); // same account again: a reconnect of the same channel
    assert.equal((await t.deps.db.select().from(mastodonApps)).length, before);
    assert.equal((await owner.get(`/api/workspaces/${wid}/channels`)).data.channels.length, 1);
  });

  test('an editor may not connect channels (403) and an analyst may list them', async () => {
    const res = await editor.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: fake.url });
    assert.equal(res.statusCode, 403);
    assert.equal((await analyst.get(`/api/workspaces/${wid}/channels`)).statusCode, 200);
  });

  test('an OAuth state can be used only once', async () => {
    const begin = await owner.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: fake.url });
    const approve = await fetch(begin.data.authorizeUrl, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    assert.equal((await owner.get(`${back.pathname}${back.search}`)).statusCode, 302);
    const again = await owner.get(`${back.pathname}${back.search}`);
    assert.match(again.headers.location as string, /channelError=validation_failed/);
  });

  test('the callback refuses a state begun by another user', async () => {
    const begin = await owner.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: fake.url });
    const approve = await fetch(begin.data.authorizeUrl, { redirect: 'manual' });
    const back = new URL(approve.headers.get('location')!);
    const res = await editor.get(`${back.pathname}${back.search}`);
    assert.match(res.headers.location as string, /channelError=/);
  });

  test('publishes a post and a thread; over-limit text is refused naming the field, nothing sent', async () => {
    const before = fake.statusesOf(brand.account.id).length;
    const post = await editor.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'Bonjour https://example.com #passerelle' });
    assert.equal(post.statusCode, 201, post.body);
    assert.ok(post.data.url.startsWith(fake.url));
    const thread = await editor.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'Un', thread: [{ text: 'Deux' }, { text: 'Trois' }] });
    assert.equal(thread.data.parts.length, 3);
    const over = await editor.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'ok', thread: [{ text: 'x'.repeat(501) }] });
    assert.equal(over.statusCode, 400);
    assert.equal(over.data.error.field, 'thread[0].text');
    assert.match(over.data.error.message, /501.*500|1 over|over by 1/i);
    assert.equal(fake.statusesOf(brand.account.id).length, before + 4);
  });

  test('an analyst cannot publish from the test page', async () => {
    const res = await analyst.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'nope' });
    assert.equal(res.statusCode, 403);
  });

  test('interactions are read with a cursor that resumes where the last read stopped', async () => {
    const fan = fake.createAccount('fan');
    const post = await owner.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'Question du jour ?' });
    const reply = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST', headers: { authorization: `Bearer ${fan.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: '@brand Oui !', in_reply_to_id: post.data.remoteId }),
    });
    assert.equal(reply.status, 200);
    const first = await owner.get(`/api/workspaces/${wid}/channels/${channelId}/interactions?fromStart=true`);
    assert.equal(first.statusCode, 200, first.body);
    assert.ok(first.data.items.some((i: { text: string; author: { handle: string } }) => i.text.includes('Oui') && i.author.handle.startsWith('fan')));
    const again = await owner.get(`/api/workspaces/${wid}/channels/${channelId}/interactions`);
    assert.equal(again.data.items.length, 0);
  });

  test('Mastodon cannot hide replies: a clear refusal, nothing changed', async () => {
    const res = await owner.post(`/api/workspaces/${wid}/channels/${channelId}/moderate`, { action: 'hide', remoteId: '1' });
    assert.equal(res.statusCode, 422);
    assert.match(res.data.error.message, /mastodon/i);
  });

  test('429 marks the channel rate-limited until the reset; the next call waits without calling', async () => {
    const resetAt = new Date(t.clock.now.getTime() + 10 * 60_000);
    fake.rateLimit = { count: 1, resetAt };
    const res = await owner.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'limited' });
    assert.equal(res.statusCode, 429);
    assert.equal(res.data.error.code, 'network_rate_limited');
    const ch = (await owner.get(`/api/workspaces/${wid}/channels`)).data.channels[0];
    assert.equal(ch.health, 'rate_limited');
    assert.equal(new Date(ch.rateLimitedUntil).getTime(), Math.floor(resetAt.getTime() / 1000) * 1000);
    const requests = fake.requests.length;
    const second = await owner.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'still limited' });
    assert.equal(second.statusCode, 429);
    assert.equal(fake.requests.length, requests);
    t.clock.advance(11 * 60_000);
    assert.equal((await owner.get(`/api/workspaces/${wid}/channels`)).data.channels[0].health, 'connected');
  });

  test('a revoked token marks the channel "reconnect needed" and notifies admins once; reconnecting restores it', async () => {
    fake.revokeTokensOf(brand.account.id);
    const res = await owner.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'after revoke' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'reconnect_needed');
    await owner.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'again' });
    const ch = (await owner.get(`/api/workspaces/${wid}/channels`)).data.channels[0];
    assert.equal(ch.health, 'reconnect_needed');
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'channel.reconnect_needed'));
    assert.equal(notes.length, 2, 'one per owner/admin, once');
    await connect(owner);
    assert.equal((await owner.get(`/api/workspaces/${wid}/channels`)).data.channels[0].health, 'connected');
  });

  test('disconnecting deletes the channel and its credentials and is audited', async () => {
    const res = await owner.delete(`/api/workspaces/${wid}/channels/${channelId}`);
    assert.equal(res.statusCode, 204);
    assert.equal((await t.deps.db.select().from(channels).where(eq(channels.id, channelId))).length, 0);
    const entries = await t.deps.db.select().from(auditLog).where(eq(auditLog.action, 'channel.disconnect'));
    assert.equal(entries.length, 1);
  });
});

describe('channels: bad input and the SSRF guard', () => {
  let t: TestApp;
  let owner: Client;
  let wid: string;
  before(async () => {
    t = await startTestApp();
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    owner = people.owner.client;
  });
  after(() => t.close());
  beforeEach(async () => { await t.deps.db.delete(oauthStates); });

  test('an instance that resolves to a private address is refused and nothing is stored', async () => {
    const fake = await new FakeMastodon().start();
    try {
      const res = await owner.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: fake.url });
      assert.equal(res.statusCode, 400);
      assert.match(res.data.error.message, /127\.0\.0\.1/);
      assert.equal(res.data.error.field, 'instanceUrl');
      assert.equal(fake.requests.length, 0);
      assert.equal((await t.deps.db.select().from(mastodonApps)).length, 0);
      assert.equal((await t.deps.db.select().from(oauthStates)).length, 0);
    } finally {
      await fake.stop();
    }
  });

  test('an instance address that is not a URL is a 400', async () => {
    const res = await owner.post(`/api/workspaces/${wid}/channels/mastodon/authorize`, { instanceUrl: 'not a url at all' });
    assert.equal(res.statusCode, 400);
  });

  test('a Bluesky account password (not an app password) is refused before any request', async () => {
    const res = await owner.post(`/api/workspaces/${wid}/channels/bluesky`, { handle: 'alice.bsky.social', appPassword: 'my real password' });
    assert.equal(res.statusCode, 400);
    assert.match(res.data.error.message, /app password/);
    assert.equal(res.data.error.field, 'appPassword');
    assert.equal((await t.deps.db.select().from(channels)).length, 0);
  });

  test('a PDS on a private address is refused by the SSRF guard', async () => {
    const res = await owner.post(`/api/workspaces/${wid}/channels/bluesky`, { handle: 'alice.test', appPassword: 'abcd-efgh-ijkl-mnop', pdsUrl: 'http://127.0.0.1:9/' });
    assert.equal(res.statusCode, 400);
    assert.match(res.data.error.message, /127\.0\.0\.1/);
    assert.equal(res.data.error.field, 'pdsUrl');
  });
});
