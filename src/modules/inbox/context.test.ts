import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { conversations } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeMastodonChannel, postOnFake } from '../../../test/support/factories.channels.ts';
import { fillConversationContext } from './context.service.ts';
import { pollChannel } from './ingest.service.ts';

/** The original post as context when it was not published from Passerelle (contract test on the Mastodon fake). */
describe('inbox: original post as context', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let wid: string;
  let agent: Client;
  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, work: true });
    fake = await new FakeMastodon().start();
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    agent = people.editor.client;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  test('a reply to a post the brand wrote in the network\'s own app shows that post, read after ingest', async () => {
    const { channel, token, account } = await makeMastodonChannel(t.deps, wid, fake);
    const own = await postOnFake(fake, token, 'Nouvelle collection <b>printemps</b> en boutique !');
    const fan = fake.createAccount('fan', 'Fanny');
    await postOnFake(fake, fan.token, `@${account.acct} elle arrive quand en ligne ?`, own.id);
    await pollChannel(t.deps, channel.id);
    // The context job runs in the workers once the page committed.
    let context: { text?: string; authorHandle?: string; url?: string } | null = null;
    for (let i = 0; i < 100 && !context?.text; i++) {
      const list = await agent.get(`/api/workspaces/${wid}/inbox/conversations`);
      const conv = list.data.conversations.find((c: { channelId: string }) => c.channelId === channel.id);
      if (conv) context = (await agent.get(`/api/workspaces/${wid}/inbox/conversations/${conv.id}`)).data.conversation.context;
      if (!context?.text) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(context?.text, 'Nouvelle collection <b>printemps</b> en boutique !', 'what was typed, kept as text (never interpreted as HTML)');
    assert.equal(context?.authorHandle?.split('@')[0], account.username);
    assert.ok(context?.url);
  });

  test('a root the network no longer has keeps its id only; filling twice changes nothing', async () => {
    const { channel, token, account } = await makeMastodonChannel(t.deps, wid, fake);
    const own = await postOnFake(fake, token, 'Bientôt supprimé');
    const fan = fake.createAccount('fan2');
    await postOnFake(fake, fan.token, `@${account.acct} ah bon ?`, own.id);
    const res = await fetch(`${fake.url}/api/v1/statuses/${own.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    await pollChannel(t.deps, channel.id);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, channel.id));
    assert.equal(await fillConversationContext(t.deps, channel.id, [conv!.id]), 0);
    const [after] = await t.deps.db.select().from(conversations).where(eq(conversations.id, conv!.id));
    assert.equal((after!.context as { text: string | null }).text, null);
    assert.equal((after!.context as { remoteId: string }).remoteId, own.id);
  });
});
