import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeMastodonChannel, postOnFake } from '../../../test/support/factories.channels.ts';

/** "Check now": a channel is polled at once, through the job workers, instead of at the next tick. */
describe('inbox: check a channel now', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let wid: string;
  let analyst: Client;
  let client: Client;
  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, work: true });
    fake = await new FakeMastodon().start();
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    analyst = people.analyst.client;
    client = people.client.client;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  test('a mention posted on the network is in the inbox right after "check now"', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    const fan = fake.createAccount('fan');
    await postOnFake(fake, fan.token, `@${account.acct} vous ouvrez quand ?`);
    const res = await analyst.post(`/api/workspaces/${wid}/inbox/channels/${channel.id}/sync`);
    assert.equal(res.statusCode, 202, res.body);
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      const list = await analyst.get(`/api/workspaces/${wid}/inbox/conversations`);
      found = list.data.conversations.length > 0;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(found, 'the mention was ingested');
  });

  test('asking again at once queues nothing more', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    const answers = [];
    // Three asks within a few milliseconds fall in at most two of the 2-second windows.
    for (let i = 0; i < 3; i++) answers.push((await analyst.post(`/api/workspaces/${wid}/inbox/channels/${channel.id}/sync`)).data.queued as boolean);
    assert.equal(answers[0], true);
    assert.ok(answers.includes(false), `some ask was coalesced: ${answers.join(', ')}`);
  });

  test('"check now" while another poll of the channel runs is not lost: it runs again a few seconds later', async () => {
    const { channel, account } = await makeMastodonChannel(t.deps, wid, fake);
    // Another worker is polling this channel (it holds the channel's poll lock)…
    const busy = await (t.deps.db as unknown as { $client: pg.Pool }).$client.connect();
    await busy.query('SELECT pg_advisory_lock(hashtext($1))', [`inbox.poll:${channel.id}`]);
    const fan = fake.createAccount('fan-busy');
    await postOnFake(fake, fan.token, `@${account.acct} toujours là ?`);
    assert.equal((await analyst.post(`/api/workspaces/${wid}/inbox/channels/${channel.id}/sync`)).statusCode, 202);
    const listed = async () => (await analyst.get(`/api/workspaces/${wid}/inbox/conversations?channel=${channel.id}`)).data.conversations.length;
    // …so the check finds it busy and reads nothing; then that poll ends.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(await listed(), 0);
    await busy.query('SELECT pg_advisory_unlock(hashtext($1))', [`inbox.poll:${channel.id}`]);
    busy.release();
    let found = false;
    for (let i = 0; i < 150 && !found; i++) {
      found = (await listed()) > 0;
      if (!found) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(found, 'the check ran again once the channel was free');
  });

  test('a role without the inbox cannot ask, and another workspace\'s channel is a 404', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    assert.equal((await client.post(`/api/workspaces/${wid}/inbox/channels/${channel.id}/sync`)).statusCode, 403);
    assert.equal((await analyst.post(`/api/workspaces/${wid}/inbox/channels/${randomUUID()}/sync`)).statusCode, 404);
  });
});
