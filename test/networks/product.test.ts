/**
 * Passerelle end to end against the real AT Protocol servers: the product started like `npm start`,
 * a Bluesky channel connected through the API, and the scenario through the channel's
 * endpoints (the ones the test page uses): publish text with facets, images and a thread; another
 * account replies, likes and mentions; Passerelle reads those interactions, hides the reply, fetches
 * the counts and deletes the post.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Passerelle, startBlueskyNetwork, xrpc, type TestNetworkLike } from './harness.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64').toString('base64');

describe('Passerelle × Bluesky (real PDS + AppView)', () => {
  let network: TestNetworkLike;
  let app: Passerelle;
  let wid: string;
  let brand: { did: string; accessJwt: string };
  let bob: { did: string; accessJwt: string };
  let appPassword: string;
  let channelId: string;
  let post: { remoteId: string; url: string; parts: { remoteId: string }[] };
  let bobReply: { uri: string; cid: string };

  before(async () => {
    network = await startBlueskyNetwork();
    const sc = network.getSeedClient();
    brand = await sc.createAccount('brand', { email: 'brand@test.com', handle: 'brand.test', password: 'brand-pass' });
    bob = await sc.createAccount('bob', { email: 'bob@test.com', handle: 'bob.test', password: 'bob-pass' });
    appPassword = (await xrpc<{ password: string }>(network.pds.url, brand.accessJwt, 'com.atproto.server.createAppPassword', { name: 'passerelle' })).password;
    await network.processAll();
    app = await Passerelle.start();
    wid = await app.setUp();
  });
  after(async () => {
    await app?.stop();
    await network?.close();
  });

  test('a wrong app password is refused with a clear message and nothing is stored', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/bluesky`, { handle: 'brand.test', appPassword: 'aaaa-bbbb-cccc-dddd', pdsUrl: network.pds.url });
    assert.equal(res.status, 422);
    assert.match(res.data.error.message, /refused this handle and app password/);
    assert.equal((await app.api('GET', `/api/workspaces/${wid}/channels`)).data.channels.length, 0);
  });

  test('connects the brand account with its app password; the password never comes back', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/bluesky`, { handle: 'brand.test', appPassword, pdsUrl: network.pds.url });
    assert.equal(res.status, 201, JSON.stringify(res.data));
    channelId = res.data.channel.id;
    assert.equal(res.data.channel.network, 'bluesky');
    assert.equal(res.data.channel.remoteId, brand.did);
    assert.equal(res.data.channel.health, 'connected');
    assert.equal(res.data.channel.limits.text.maxLength, 300);
    const list = await app.api('GET', `/api/workspaces/${wid}/channels`);
    assert.ok(!JSON.stringify(list.data).includes(appPassword));
  });

  test('publishes text with a mention, hashtag and link, and two images with alt text', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/posts`, {
      text: 'Café ouvert ☕ ! Merci @bob.test #passerelle https://exemple.fr/été',
      language: 'fr',
      images: [{ dataBase64: PNG, mimeType: 'image/png', altText: 'Une tasse' }, { dataBase64: PNG, mimeType: 'image/png', altText: 'Une terrasse' }],
    });
    assert.equal(res.status, 201, JSON.stringify(res.data));
    post = res.data;
    assert.equal(post.parts.length, 1);
    const [, , did, collection, rkey] = post.remoteId.split('/');
    const record = await xrpc<{ value: { text: string; facets: unknown[]; embed: { images: { alt: string }[] } } }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: did!, collection: collection!, rkey: rkey! });
    assert.equal(record.value.facets.length, 3);
    assert.deepEqual(record.value.embed.images.map((i) => i.alt), ['Une tasse', 'Une terrasse']);
  });

  test('publishes a thread of three posts, each replying to the previous one', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'Fil 1/3 🧵', thread: [{ text: 'Fil 2/3' }, { text: 'Fil 3/3' }] });
    assert.equal(res.status, 201, JSON.stringify(res.data));
    const parts = res.data.parts as { remoteId: string }[];
    assert.equal(parts.length, 3);
    const last = await xrpc<{ value: { reply: { root: { uri: string }; parent: { uri: string } } } }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey: parts[2]!.remoteId.split('/').pop()! });
    assert.equal(last.value.reply.root.uri, parts[0]!.remoteId);
    assert.equal(last.value.reply.parent.uri, parts[1]!.remoteId);
  });

  test('a post over 300 graphemes is refused naming what is over, and nothing is published', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'é'.repeat(301) });
    assert.equal(res.status, 400);
    assert.equal(res.data.error.field, 'text');
    assert.match(res.data.error.message, /301/);
  });

  test('reads bob’s reply, like and mention as interactions, then resumes from the stored cursor', async () => {
    // A plain post of its own for bob to answer (the richer post above stays for the delete test).
    const plain = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'Question du jour : café ou thé ?' });
    assert.equal(plain.status, 201, JSON.stringify(plain.data));
    post = plain.data;
    const root = { uri: post.remoteId, cid: '' };
    const rootRecord = await xrpc<{ cid: string }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey: post.remoteId.split('/').pop()! });
    root.cid = rootRecord.cid;
    // Let the AppView index the brand's post before bob answers it. Its firehose consumer indexes
    // accounts in parallel; when a reply is indexed before its parent, the parent's late indexing
    // notifies "descendants' ancestors" but skips the parent's own author (it starts from the set of
    // already-notified DIDs, which holds the post's creator) — so the brand would never get the reply
    // notification. On the real network a post is indexed long before anyone answers it.
    await network.processAll();
    const write = (collection: string, record: Record<string, unknown>) =>
      xrpc<{ uri: string; cid: string }>(network.pds.url, bob.accessJwt, 'com.atproto.repo.createRecord', { repo: bob.did, collection, record: { $type: collection, createdAt: new Date().toISOString(), ...record } });
    bobReply = await write('app.bsky.feed.post', { text: 'Vous êtes nuls <b>vraiment</b>', reply: { root, parent: root } });
    await write('app.bsky.feed.like', { subject: root });
    await write('app.bsky.feed.post', {
      text: 'Hello @brand.test',
      facets: [{ index: { byteStart: 6, byteEnd: 17 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: brand.did }] }],
    });
    // The AppView indexes notifications asynchronously; give it a few rounds.
    let first = { status: 0, data: { items: [] as { kind: string; text: string; author: { handle: string } }[] } };
    for (let i = 0; i < 20; i++) {
      await network.processAll();
      first = await app.api('GET', `/api/workspaces/${wid}/channels/${channelId}/interactions?fromStart=true`);
      if (['like', 'mention', 'reply'].every((k) => first.data.items.some((it) => it.kind === k))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(first.status, 200, JSON.stringify(first.data));
    const kinds = new Set(first.data.items.map((i) => i.kind));
    assert.ok(kinds.has('like') && kinds.has('mention') && kinds.has('reply'), [...kinds].join(','));
    const mention = first.data.items.find((i) => i.kind === 'mention')!;
    assert.equal(mention.text, 'Hello @brand.test');
    assert.equal(mention.author.handle, 'bob.test');
    const reply = first.data.items.find((i) => i.kind === 'reply')!;
    assert.equal(reply.text, 'Vous êtes nuls <b>vraiment</b>', 'remote text is kept as text');
    const again = await app.api('GET', `/api/workspaces/${wid}/channels/${channelId}/interactions`);
    assert.equal(again.data.items.length, 0);
  });

  test('hides bob’s reply with the threadgate (hiddenReplies)', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/moderate`, { action: 'hide', remoteId: bobReply.uri, root: post.remoteId });
    assert.equal(res.status, 204, JSON.stringify(res.data));
    const gate = await xrpc<{ value: { hiddenReplies: string[] } }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.threadgate', rkey: post.remoteId.split('/').pop()! });
    assert.deepEqual(gate.value.hiddenReplies, [bobReply.uri]);
  });

  test('fetches the counts of the post', async () => {
    await network.processAll();
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/metrics`, { remoteIds: [post.remoteId] });
    assert.equal(res.status, 200, JSON.stringify(res.data));
    assert.equal(res.data.metrics[0].values.likes, 1);
    assert.equal(res.data.metrics[0].values.replies, 1);
  });

  let scheduled: { remoteId: string };
  test('a post composed, scheduled "now" and published by the scheduler lands on the PDS exactly once', async () => {
    const created = await app.api('POST', `/api/workspaces/${wid}/posts`, { variants: [{ channelId, text: 'Publié par le planificateur de Passerelle 🗓️' }] });
    assert.equal(created.status, 201, JSON.stringify(created.data));
    const postId = created.data.post.id as string;
    const sched = await app.api('POST', `/api/workspaces/${wid}/posts/${postId}/schedule`, { mode: 'now' });
    assert.equal(sched.status, 200, JSON.stringify(sched.data));
    let variant: { state: string; remoteId: string | null } | undefined;
    for (let i = 0; i < 150; i++) {
      variant = (await app.api('GET', `/api/workspaces/${wid}/posts/${postId}`)).data.post.variants[0];
      if (variant?.state === 'published' || variant?.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(variant?.state, 'published', JSON.stringify(variant));
    scheduled = { remoteId: variant!.remoteId! };
    const feed = await xrpc<{ records: { uri: string; value: { text: string } }[] }>(network.pds.url, null, 'com.atproto.repo.listRecords', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', limit: '100' });
    assert.equal(feed.records.filter((r) => r.value.text === 'Publié par le planificateur de Passerelle 🗓️').length, 1);
    assert.ok(feed.records.some((r) => r.uri === scheduled.remoteId));
  });

  test('a moderation rule hides a toxic reply on Bluesky (threadgate) as it is ingested, and the inbox shows it hidden', async () => {
    const rule = await app.api('POST', `/api/workspaces/${wid}/moderation/rules`, {
      name: 'Insultes', enabled: true, match: 'any',
      conditions: [{ type: 'keywords', words: ['abrutis', 'nuls'] }, { type: 'toxicity', min: 0.8 }],
      actions: [{ type: 'hide' }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.data));
    const rootRecord = await xrpc<{ uri: string; cid: string }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey: scheduled.remoteId.split('/').pop()! });
    const ref = { uri: rootRecord.uri, cid: rootRecord.cid };
    const toxic = await xrpc<{ uri: string }>(network.pds.url, bob.accessJwt, 'com.atproto.repo.createRecord', {
      repo: bob.did, collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'Bande d’abrutis, vous êtes nuls', createdAt: new Date().toISOString(), reply: { root: ref, parent: ref } },
    });
    let message: { hidden: boolean; text: string } | undefined;
    for (let i = 0; i < 60 && !message?.hidden; i++) {
      await network.processAll();
      const sync = await app.api('POST', `/api/workspaces/${wid}/inbox/channels/${channelId}/sync`);
      assert.ok(sync.status === 202 || sync.status === 429, `check now: ${sync.status}`); // 30 a minute per user
      const list = await app.api('GET', `/api/workspaces/${wid}/inbox/conversations?q=${encodeURIComponent('abrutis')}`);
      const conv = list.data?.conversations?.[0];
      if (conv) {
        const detail = await app.api('GET', `/api/workspaces/${wid}/inbox/conversations/${conv.id}`);
        message = detail.data.messages.find((m: { remoteId: string }) => m.remoteId === toxic.uri);
      }
      if (!message?.hidden) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(message?.text, 'Bande d’abrutis, vous êtes nuls');
    assert.equal(message?.hidden, true);
    const gate = await xrpc<{ value: { hiddenReplies: string[] } }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.threadgate', rkey: scheduled.remoteId.split('/').pop()! });
    assert.ok(gate.value.hiddenReplies.includes(toxic.uri));
    const log = await app.api('GET', `/api/workspaces/${wid}/moderation/actions`);
    assert.ok(JSON.stringify(log.data).includes('Insultes'));
  });

  test('a reply under a post written in the Bluesky app (not from Passerelle) shows that post as the conversation\'s context', async () => {
    const native = await xrpc<{ uri: string; cid: string }>(network.pds.url, brand.accessJwt, 'com.atproto.repo.createRecord', {
      repo: brand.did, collection: 'app.bsky.feed.post', record: { $type: 'app.bsky.feed.post', text: 'Écrit depuis l’appli Bluesky', createdAt: new Date().toISOString() },
    });
    await network.processAll();
    const ref = { uri: native.uri, cid: native.cid };
    await xrpc(network.pds.url, bob.accessJwt, 'com.atproto.repo.createRecord', {
      repo: bob.did, collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: 'Et la version anglaise ?', createdAt: new Date().toISOString(), reply: { root: ref, parent: ref } },
    });
    let context: { text?: string | null; authorHandle?: string | null } | null = null;
    for (let i = 0; i < 60 && !context?.text; i++) {
      await network.processAll();
      const sync = await app.api('POST', `/api/workspaces/${wid}/inbox/channels/${channelId}/sync`);
      assert.ok(sync.status === 202 || sync.status === 429, `check now: ${sync.status}`);
      const list = await app.api('GET', `/api/workspaces/${wid}/inbox/conversations?q=${encodeURIComponent('anglaise')}`);
      const conv = list.data?.conversations?.[0];
      if (conv) context = (await app.api('GET', `/api/workspaces/${wid}/inbox/conversations/${conv.id}`)).data.conversation.context;
      if (!context?.text) await new Promise((r) => setTimeout(r, 1000));
    }
    assert.equal(context?.text, 'Écrit depuis l’appli Bluesky');
    assert.equal(context?.authorHandle, 'brand.test');
  });

  test('deletes the post', async () => {
    const res = await app.api('POST', `/api/workspaces/${wid}/channels/${channelId}/posts/delete`, { remoteId: post.remoteId });
    assert.equal(res.status, 204);
    await assert.rejects(xrpc(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey: post.remoteId.split('/').pop()! }));
  });

  test('the app password appears nowhere in Passerelle’s output', () => {
    assert.ok(!app.output.join('').includes(appPassword));
  });
});
