import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
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

  test('a role without the inbox cannot ask, and another workspace\'s channel is a 404', async () => {
    const { channel } = await makeMastodonChannel(t.deps, wid, fake);
    assert.equal((await client.post(`/api/workspaces/${wid}/inbox/channels/${channel.id}/sync`)).statusCode, 403);
    assert.equal((await analyst.post(`/api/workspaces/${wid}/inbox/channels/${randomUUID()}/sync`)).statusCode, 404);
  });
});
