import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { dmRemoteId } from '../../connectors/bluesky/bluesky.chat.ts';
import { decodeBlueskyCursor } from '../../connectors/bluesky/bluesky.connector.ts';
import { FakeBlueskyChat } from '../../connectors/bluesky/fake-bluesky-chat.ts';
import { conversations, inboxChannelState, messages } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { makeBlueskyChannel } from '../../../test/support/factories.channels.ts';
import { pollChannel } from './ingest.service.ts';

/**
 * Contract test, end to end: Bluesky DMs and notifications from a local server answering the
 * documented `chat.bsky.convo.*` and `listNotifications` shapes (`fake-bluesky-chat.ts`), polled with
 * the combined cursor into the inbox database, and a reply to a DM sent with `sendMessage`.
 */
describe('inbox × Bluesky DMs (contract, local chat server)', () => {
  let t: TestApp;
  let fake: FakeBlueskyChat;
  let wid: string;
  let owner: Client;
  let editor: Client;
  const HOUR = 3_600_000;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    fake = await new FakeBlueskyChat().start();
    fake.clock = t.clock.fn;
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    owner = made.people.owner.client;
    editor = made.people.editor.client;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  test('DMs and mentions are polled into their conversations with one cursor; a reply to a DM goes to its conversation', async () => {
    const brand = fake.createAccount('cafe.test', 'Café Passerelle');
    const fan = fake.createAccount('fanny.test', 'Fanny Durand');
    const convo = fake.createConvo(brand, fan);
    const ch = await makeBlueskyChannel(t.deps, wid, fake, brand);
    const old = fake.send(fan, convo, 'Message d’il y a deux semaines', new Date(t.clock.now.getTime() - 14 * 24 * HOUR));
    const dm1 = fake.send(fan, convo, 'Bonjour, ma commande 1234 n’est pas arrivée', new Date(t.clock.now.getTime() - 24 * HOUR));
    t.clock.advance(-HOUR);
    fake.notify(brand, fan, '@cafe.test vous ouvrez dimanche ?');
    t.clock.advance(HOUR);

    const first = await pollChannel(t.deps, ch.id);
    assert.equal(first.inserted, 2, 'the DM of the backfill week and the mention');
    const convs = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    const dmConv = convs.find((c) => c.threadKey === `dm:${convo}`);
    assert.equal(dmConv?.kind, 'dm');
    assert.equal(convs.length, 2);
    const ingested = await t.deps.db.select().from(messages).where(eq(messages.channelId, ch.id));
    assert.ok(ingested.some((m) => m.remoteId === dmRemoteId(convo, dm1.id) && m.kind === 'dm' && m.authorHandle === 'fanny.test'));
    assert.ok(!ingested.some((m) => m.remoteId === dmRemoteId(convo, old.id)), 'older than the backfill');
    const [state] = await t.deps.db.select().from(inboxChannelState).where(eq(inboxChannelState.channelId, ch.id));
    const cursor = decodeBlueskyCursor(state!.cursor);
    assert.ok(cursor.n !== null && cursor.c !== null && cursor.c.fill === undefined, 'one cursor with both parts, backfill done');
    assert.ok(state!.backfilledAt);

    t.clock.advance(60_000);
    fake.send(fan, convo, 'Vous avez pu regarder ?');
    assert.equal((await pollChannel(t.deps, ch.id)).inserted, 1);
    const [again] = await t.deps.db.select().from(conversations).where(eq(conversations.id, dmConv!.id));
    assert.equal(again!.messageCount, 2, 'the new DM joins its conversation');

    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${dmConv!.id}/replies`, { text: 'Bonjour Fanny, votre colis part aujourd’hui. Merci de votre patience !' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.data.reply.state, 'sent', JSON.stringify(res.data));
    const sent = fake.messagesOf(convo).at(-1)!;
    assert.equal(sent.senderDid, brand.did);
    assert.equal(res.data.reply.remoteId, dmRemoteId(convo, sent.id));
    assert.equal(fake.count('com.atproto.repo.putRecord'), 0, 'not published as a post');
    assert.equal((await pollChannel(t.deps, ch.id)).inserted, 0, 'our own message does not come back as inbound');
    const out = await t.deps.db.select().from(messages).where(and(eq(messages.conversationId, dmConv!.id), eq(messages.direction, 'out')));
    assert.equal(out.length, 1);
  });

  test('an app password without DM access: the poll succeeds with the mentions and the channel says DMs need DM access', async () => {
    const brand = fake.createAccount('nodm.test', 'Sans DM', { dmAccess: false });
    const fan = fake.createAccount('fan2.test', 'Fan');
    fake.send(fan, fake.createConvo(brand, fan), 'un DM qui ne sera pas lu', new Date(t.clock.now.getTime() - HOUR));
    const ch = await makeBlueskyChannel(t.deps, wid, fake, brand);
    t.clock.advance(-HOUR);
    fake.notify(brand, fan, '@nodm.test bonjour');
    t.clock.advance(HOUR);
    assert.equal((await pollChannel(t.deps, ch.id)).inserted, 1);
    const list = await owner.get(`/api/workspaces/${wid}/channels`);
    const shown = list.data.channels.find((c: { id: string }) => c.id === ch.id);
    assert.equal(shown.health, 'connected');
    assert.deepEqual(shown.notices.map((x: { code: string }) => x.code), ['dm_access_missing']);
    assert.match(shown.notices[0].message, /app password with DM access/);
    assert.ok(shown.capabilities.interactions.includes('dm'));
    // Polling again changes nothing and does not rewrite the notice.
    const since = shown.notices[0].since;
    t.clock.advance(60_000);
    await pollChannel(t.deps, ch.id);
    const again = (await owner.get(`/api/workspaces/${wid}/channels`)).data.channels.find((c: { id: string }) => c.id === ch.id);
    assert.equal(again.notices[0].since, since);
  });
});
