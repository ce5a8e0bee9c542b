import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq, sql } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { contactIdentities, conversations, inboxChannelState, messages, posts, postVariants } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeMastodonChannel, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions, pollChannel } from './ingest.service.ts';

/** Ingest: idempotency on (channel, remote id), threading, classification, and polling through the real Mastodon connector. */
describe('inbox ingest', () => {
  let t: TestApp;
  let wid: string;
  let owner: Client;
  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    owner = people.owner.client;
  });
  after(() => t.close());

  test('replaying the same page inserts nothing twice and counts nothing twice', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    const page = [interaction({ remoteId: 'a1', root: 'p1', inReplyTo: 'p1' }), interaction({ remoteId: 'a2', root: 'p1', inReplyTo: 'p1' })];
    const first = await ingestInteractions(t.deps, ch, page);
    const second = await ingestInteractions(t.deps, ch, page);
    assert.equal(first.inserted, 2);
    assert.equal(second.inserted, 0);
    assert.equal(second.duplicates, 2);
    const rows = await t.deps.db.select().from(messages).where(eq(messages.channelId, ch.id));
    assert.equal(rows.length, 2);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    assert.equal(conv!.messageCount, 2);
    assert.equal(conv!.unansweredCount, 2);
  });

  test('replies under one post form one conversation; a DM thread and a mention are conversations of their own', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    await ingestInteractions(t.deps, ch, [
      interaction({ remoteId: 'c1', root: 'post-A', inReplyTo: 'post-A' }),
      interaction({ remoteId: 'c2', root: 'post-A', inReplyTo: 'c1', author: { remoteId: 'b', handle: 'bob', displayName: 'Bob', avatarUrl: null } }),
      interaction({ remoteId: 'd1', kind: 'dm', root: null, inReplyTo: null, raw: { conversationId: 'conv-9' } }),
      interaction({ remoteId: 'd2', kind: 'dm', root: null, inReplyTo: null, raw: { conversationId: 'conv-9' } }),
      interaction({ remoteId: 'm1', kind: 'mention', root: null, inReplyTo: null, text: 'Hey @brand, love it' }),
    ]);
    const convs = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    const byKey = Object.fromEntries(convs.map((c) => [c.threadKey, c]));
    assert.deepEqual(Object.keys(byKey).sort(), ['dm:conv-9', 'thread:m1', 'thread:post-A']);
    assert.equal(byKey['thread:post-A']!.messageCount, 2);
    assert.equal(byKey['dm:conv-9']!.kind, 'dm');
    assert.equal(byKey['thread:m1']!.kind, 'mention');
    assert.equal(byKey['thread:m1']!.context?.text, 'Hey @brand, love it');
  });

  test('a reply to a known message without a root (Mastodon) joins its parent\'s conversation', async () => {
    const ch = await makeOfflineChannel(t.deps, wid, 'mastodon');
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'x1', kind: 'mention', root: null, inReplyTo: 'our-post' })]);
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'x2', kind: 'mention', root: null, inReplyTo: 'x1' })]);
    const rows = await t.deps.db.select({ c: messages.conversationId }).from(messages).where(eq(messages.channelId, ch.id));
    assert.equal(new Set(rows.map((r) => r.c)).size, 1);
  });

  test('one contact per network author across conversations; likes and follows are counted, not inbox items', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    const author = { remoteId: 'same-person', handle: 'sam', displayName: 'Sam', avatarUrl: null, followers: 10 };
    await ingestInteractions(t.deps, ch, [
      interaction({ remoteId: 's1', root: 'p1', inReplyTo: 'p1', author }),
      interaction({ remoteId: 's2', root: 'p2', inReplyTo: 'p2', author: { ...author, followers: 12 } }),
      interaction({ remoteId: 'l1', kind: 'like', text: '', root: null, inReplyTo: 'p1' }),
      interaction({ remoteId: 'f1', kind: 'follow', text: '', root: null, inReplyTo: null }),
    ]);
    const ids = await t.deps.db.select().from(contactIdentities).where(and(eq(contactIdentities.workspaceId, wid), eq(contactIdentities.remoteId, 'same-person')));
    assert.equal(ids.length, 1);
    const msgs = await t.deps.db.select().from(messages).where(eq(messages.channelId, ch.id));
    assert.equal(msgs.length, 2);
    assert.ok(msgs.every((m) => m.contactId === ids[0]!.contactId));
    const [state] = await t.deps.db.select().from(inboxChannelState).where(eq(inboxChannelState.channelId, ch.id));
    assert.deepEqual(state!.engagement, { like: 1, follow: 1 });
  });

  test('messages are classified with the insights models and indexed for French and English search', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    await ingestInteractions(t.deps, ch, [
      interaction({ remoteId: 'fr1', root: 'pf', inReplyTo: 'pf', text: 'Je suis très déçu, ma livraison est encore en retard, c\'est inadmissible !' }),
      interaction({ remoteId: 'en1', root: 'pe', inReplyTo: 'pe', text: 'Where can I buy the new shoes? I want to order two pairs.' }),
      interaction({ remoteId: 'e1', root: 'px', inReplyTo: 'px', text: '' }),
    ]);
    const [fr] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, ch.id), eq(messages.remoteId, 'fr1')));
    const [en] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, ch.id), eq(messages.remoteId, 'en1')));
    const [empty] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, ch.id), eq(messages.remoteId, 'e1')));
    assert.equal(fr!.language, 'fr');
    assert.equal(fr!.sentiment, 'negative');
    assert.equal(en!.language, 'en');
    assert.ok(typeof en!.toxicity === 'number');
    assert.equal(empty!.language, null, 'no invented values for an empty text');
    assert.equal(empty!.sentiment, null);
    // French stemming: "livraisons" finds "livraison"; English: "ordering" finds "order".
    const frHit = await owner.get(`/api/workspaces/${wid}/inbox/conversations?q=livraisons&qlang=fr&channel=${ch.id}`);
    assert.equal(frHit.statusCode, 200, frHit.body);
    assert.equal(frHit.data.conversations.length, 1);
    const enHit = await owner.get(`/api/workspaces/${wid}/inbox/conversations?q=ordering&qlang=en&channel=${ch.id}`);
    assert.equal(enHit.data.conversations.length, 1);
    const none = await owner.get(`/api/workspaces/${wid}/inbox/conversations?q=parapluie&channel=${ch.id}`);
    assert.equal(none.data.conversations.length, 0);
  });

  test('polling through the Mastodon connector ingests mentions and replies; a crash before the cursor is saved replays harmlessly', async () => {
    const fake = await new FakeMastodon().start();
    try {
      const brand = fake.createAccount('brand');
      const fan = fake.createAccount('fan', 'Fanny Durand');
      const ch = await makeMastodonChannel(t.deps, wid, fake, brand);
      const post = async (token: string, body: Record<string, unknown>) => {
        const res = await fetch(`${fake.url}/api/v1/statuses`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return (await res.json()) as { id: string };
      };
      const ours = await post(brand.token, { status: 'Notre nouveau produit est là !' });
      const r1 = await post(fan.token, { status: '@brand Quand sera-t-il disponible en magasin ?', in_reply_to_id: ours.id });
      await post(fan.token, { status: '@brand Et à quel prix ?', in_reply_to_id: r1.id });
      // The page is ingested but the cursor is never saved (a crash between the two).
      const page = await import('../channels/index.ts').then(({ callChannel }) => callChannel(t.deps, ch, (c, ctx) => c.fetchInteractions(ctx, null, { since: new Date(0) })));
      assert.equal((await ingestInteractions(t.deps, ch, page.items)).inserted, 2);
      const polled = await pollChannel(t.deps, ch.id);
      assert.equal(polled.inserted, 0, 'the replay inserts nothing');
      const [state] = await t.deps.db.select().from(inboxChannelState).where(eq(inboxChannelState.channelId, ch.id));
      assert.ok(state!.cursor, 'cursor saved after the page committed');
      assert.ok(state!.backfilledAt);
      const msgs = await t.deps.db.select().from(messages).where(eq(messages.channelId, ch.id));
      assert.equal(msgs.length, 2);
      assert.equal(new Set(msgs.map((m) => m.conversationId)).size, 1, 'the reply to a reply joins the thread');
      // New activity after the cursor: only it is ingested.
      await post(fan.token, { status: '@brand Merci pour la réponse', in_reply_to_id: ours.id });
      assert.equal((await pollChannel(t.deps, ch.id)).inserted, 1);
      const list = await owner.get(`/api/workspaces/${wid}/inbox/conversations?channel=${ch.id}`);
      assert.equal(list.data.conversations.length, 1);
      assert.equal(list.data.conversations[0].messageCount, 3);
      assert.equal(list.data.conversations[0].contact.displayName, 'Fanny Durand');
    } finally {
      await fake.stop();
    }
  });

  test('comments under a post published from Passerelle show that post as context', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    const [post] = await t.deps.db.insert(posts).values({ workspaceId: wid, title: 'Launch' }).returning();
    await t.deps.db.insert(postVariants).values({ workspaceId: wid, postId: post!.id, channelId: ch.id, text: 'Notre nouvelle collection est en ligne', state: 'published', remoteId: 'our-post-7', remoteUrl: 'https://example.social/p/7' });
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'cx1', root: 'our-post-7', inReplyTo: 'our-post-7' })], { afterIngest: false });
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    assert.deepEqual(conv!.context, { remoteId: 'our-post-7', url: 'https://example.social/p/7', text: 'Notre nouvelle collection est en ligne', authorHandle: ch.handle });
  });

  test('remote text is stored as text: markup arrives as characters, not HTML', async () => {
    const ch = await makeOfflineChannel(t.deps, wid);
    await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'h1', root: 'ph', inReplyTo: 'ph', text: '<script>alert(1)</script> & <b>bold</b>' })]);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.channelId, ch.id));
    const detail = await owner.get(`/api/workspaces/${wid}/inbox/conversations/${conv!.id}`);
    assert.equal(detail.data.messages[0].text, '<script>alert(1)</script> & <b>bold</b>');
    assert.match(detail.headers['content-type'] as string, /application\/json/);
    const n = await t.deps.db.execute(sql`SELECT count(*)::int AS n FROM messages WHERE text LIKE '%&lt;%'`);
    assert.equal((n.rows[0] as { n: number }).n, 0);
  });
});
