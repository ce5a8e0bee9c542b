/**
 * Contract tests of Bluesky direct messages: the connector against a local server answering
 * `chat.bsky.convo.*` (and notifications) with the documented lexicon shapes and errors
 * (`fake-bluesky-chat.ts`). Not live tests: the reference dev-env has no chat service.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createGuardedFetch } from '../../platform/ssrf.ts';
import { OutcomeUnknown, RateLimited, Rejected } from '../errors.ts';
import { createMemoryContext } from '../memory-context.ts';
import { DM_NOTICES, dmRemoteId, parseDmRemoteId } from './bluesky.chat.ts';
import { blueskyCapabilities, createBlueskyConnector, decodeBlueskyCursor } from './bluesky.connector.ts';
import type { BlueskyCredentials } from './bluesky.xrpc.ts';
import { FakeBlueskyChat, type FakeChatAccount } from './fake-bluesky-chat.ts';

const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
const connector = createBlueskyConnector();
const DAY = 86_400_000;

let fake: FakeBlueskyChat;
let n = 0;

before(async () => {
  fake = await new FakeBlueskyChat().start();
});
after(() => fake.stop());

function ctx(account: FakeChatAccount, timeoutMs = 5000) {
  const creds: BlueskyCredentials = {
    service: fake.url, pdsUrl: fake.url, did: account.did, handle: account.handle, appPassword: 'abcd-efgh-ijkl-mnop',
    accessJwt: account.accessJwt, refreshJwt: account.refreshJwt,
  };
  return createMemoryContext(creds, { fetch: guarded, timeoutMs });
}

/** A brand account and a fan who writes to it, in a fresh conversation. */
function scenario(opts: { dmAccess?: boolean } = {}) {
  n += 1;
  const brand = fake.createAccount(`brand${n}.test`, `Brand ${n}`, opts);
  const fan = fake.createAccount(`fan${n}.test`, `Fanny ${n}`);
  const convo = fake.createConvo(brand, fan);
  return { brand, fan, convo };
}

const since = (r: number) => fake.requests.length - r;
const chatRequests = (from: number) => fake.requests.slice(from).filter((r) => r.nsid.startsWith('chat.'));

describe('Bluesky DMs: reading (contract, local chat server)', () => {
  test('the capabilities list dm among the interactions', () => {
    assert.ok(blueskyCapabilities.interactions.includes('dm'));
  });

  test('a DM becomes a dm interaction threaded by conversation; our own messages are left out; every chat call carries the proxy header and the session', async () => {
    const { brand, fan, convo } = scenario();
    const c = ctx(brand);
    const first = await connector.fetchInteractions(c, null);
    const r0 = fake.requests.length;
    const m1 = fake.send(fan, convo, 'Bonjour, ma commande 1234 n’est pas arrivée');
    fake.send(brand, convo, 'Nous regardons tout de suite.');
    const m2 = fake.send(fan, convo, 'Merci !');
    const page = await connector.fetchInteractions(c, first.cursor);
    assert.deepEqual(page.items.map((i) => i.remoteId), [dmRemoteId(convo, m1.id), dmRemoteId(convo, m2.id)]);
    const dm = page.items[0]!;
    assert.equal(dm.kind, 'dm');
    assert.equal(dm.text, 'Bonjour, ma commande 1234 n’est pas arrivée');
    assert.equal(dm.createdAt.toISOString(), m1.sentAt);
    assert.deepEqual(dm.author, { remoteId: fan.did, handle: fan.handle, displayName: fan.displayName, avatarUrl: `https://cdn.example/${fan.did}.jpg` });
    assert.equal(dm.raw['conversationId'], convo);
    assert.equal(dm.inReplyTo, null);
    assert.equal(dm.root, null);
    assert.equal(dm.url, `https://bsky.app/messages/${convo}`);
    assert.ok(!dm.remoteId.startsWith('at://'));
    assert.deepEqual(parseDmRemoteId(dm.remoteId), { convoId: convo, messageId: m1.id });
    const calls = chatRequests(r0);
    assert.ok(calls.length > 0);
    for (const call of calls) {
      assert.equal(call.proxy, 'did:web:api.bsky.chat#bsky_chat', call.nsid);
      assert.equal(call.authorized, true, call.nsid);
    }
    assert.equal(page.hasMore, false);
    const again = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(again.items, [], 'nothing twice');
    assert.deepEqual(c.notices, {});
  });

  test('an account with no conversation yet: DMs of a conversation begun after the first poll are read', async () => {
    n += 1;
    const brand = fake.createAccount(`brand${n}.test`, `Brand ${n}`);
    const fan = fake.createAccount(`fan${n}.test`, `Fanny ${n}`);
    const c = ctx(brand);
    const first = await connector.fetchInteractions(c, null);
    assert.deepEqual(first.items, []);
    const convo = fake.createConvo(brand, fan);
    const m1 = fake.send(fan, convo, 'Première question : vous êtes ouverts dimanche ?');
    const page = await connector.fetchInteractions(c, first.cursor);
    assert.deepEqual(page.items.map((i) => i.remoteId), [dmRemoteId(convo, m1.id)]);
    // From then on the log has a head: the next message comes from the log, once.
    const m2 = fake.send(fan, convo, 'Et le samedi ?');
    const next = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(next.items.map((i) => i.remoteId), [dmRemoteId(convo, m2.id)]);
  });

  test('senders missing from the log event come from the conversation\'s members; deleted messages are not read', async () => {
    const { brand, fan, convo } = scenario();
    const c = ctx(brand);
    const first = await connector.fetchInteractions(c, null);
    fake.omitRelatedProfiles = true;
    try {
      const kept = fake.send(fan, convo, 'Vous livrez en Belgique ?');
      const gone = fake.send(fan, convo, 'message envoyé par erreur');
      fake.deleteMessage(gone.id);
      const page = await connector.fetchInteractions(c, first.cursor);
      assert.deepEqual(page.items.map((i) => i.remoteId), [dmRemoteId(convo, kept.id)]);
      assert.equal(page.items[0]!.author.handle, fan.handle);
      assert.equal(fake.count('chat.bsky.convo.getConvo') > 0, true);
    } finally {
      fake.omitRelatedProfiles = false;
    }
  });

  test('first read: DMs since `since` are backfilled conversation by conversation across small pages, then the log goes on from before the backfill', async () => {
    const { brand, fan, convo } = scenario();
    const other = fake.createAccount(`other${n}.test`, 'Olivier');
    const convo2 = fake.createConvo(brand, other);
    const now = Date.now();
    fake.send(fan, convo, 'trop ancien', new Date(now - 10 * DAY));
    const a1 = fake.send(fan, convo, 'a1', new Date(now - 3 * DAY));
    const a2 = fake.send(fan, convo, 'a2', new Date(now - 2 * DAY));
    const b1 = fake.send(other, convo2, 'b1', new Date(now - 1 * DAY));
    const c = ctx(brand);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    for (; pages < 10; pages++) {
      const page = await connector.fetchInteractions(c, cursor, { limit: 1, since: new Date(now - 5 * DAY) });
      seen.push(...page.items.filter((i) => i.kind === 'dm').map((i) => i.text));
      cursor = page.cursor;
      if (pages === 0) fake.send(other, convo2, 'pendant la reprise');
      if (!page.hasMore) break;
    }
    assert.ok(pages >= 1, 'more than one page');
    assert.deepEqual(seen.slice(0, 3).sort(), [a1.text, a2.text, b1.text].sort(), 'everything since `since`, nothing older');
    assert.ok(seen.includes('pendant la reprise'), 'a DM written during the backfill is read');
    assert.ok(!seen.includes('trop ancien'));
    assert.equal(decodeBlueskyCursor(cursor).c?.fill, undefined, 'backfill finished');
  });

  test('an existing plain notifications cursor still works: notifications go on from it and DMs start with a 7-day backfill', async () => {
    const { brand, fan, convo } = scenario();
    const old = fake.notify(brand, fan, '@brand ancien');
    const legacy = Buffer.from(JSON.stringify({ t: new Date(Date.now() + 1000).toISOString(), ids: [] })).toString('base64url');
    fake.send(fan, convo, 'un DM du mois dernier', new Date(Date.now() - 30 * DAY));
    const recent = fake.send(fan, convo, 'un DM de la semaine', new Date(Date.now() - 2 * DAY));
    fake.clock = () => new Date(Date.now() + 5000);
    const mention = fake.notify(brand, fan, '@brand nouveau');
    fake.clock = () => new Date();
    const page = await connector.fetchInteractions(ctx(brand), legacy);
    assert.deepEqual(page.items.map((i) => i.remoteId).sort(), [mention, dmRemoteId(convo, recent.id)].sort());
    assert.ok(!page.items.some((i) => i.remoteId === old));
    const state = decodeBlueskyCursor(page.cursor);
    assert.ok(state.n !== null && state.c !== null, 'the cursor carries both parts now');
  });

  test('hasMore stays true while either source has more', async () => {
    const { brand, fan, convo } = scenario();
    const c = ctx(brand);
    const start = await connector.fetchInteractions(c, null);
    fake.notify(brand, fan, '@brand une seule mention');
    for (let i = 0; i < 3; i++) fake.send(fan, convo, `dm ${i}`);
    const texts: string[] = [];
    let cursor = start.cursor;
    const more: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const page = await connector.fetchInteractions(c, cursor, { limit: 1 });
      texts.push(...page.items.map((x) => x.text));
      more.push(page.hasMore);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    assert.deepEqual(texts.sort(), ['@brand une seule mention', 'dm 0', 'dm 1', 'dm 2']);
    assert.equal(more[0], true);
    assert.equal(more.at(-1), false);
  });
});

describe('Bluesky DMs: degrading without DM access or chat service (contract)', () => {
  test('an app password without DM access: no chat call, a notice, notifications still arrive; the notice clears once DM access is granted', async () => {
    const { brand, fan, convo } = scenario({ dmAccess: false });
    const c = ctx(brand);
    const start = await connector.fetchInteractions(c, null);
    const r0 = fake.requests.length;
    const mention = fake.notify(brand, fan, '@brand coucou');
    fake.send(fan, convo, 'un DM');
    const page = await connector.fetchInteractions(c, start.cursor);
    assert.deepEqual(page.items.map((i) => i.remoteId), [mention]);
    assert.equal(chatRequests(r0).length, 0, 'the session scope says chat would be refused');
    assert.match(c.notices[DM_NOTICES.noAccess]?.message ?? '', /app password with DM access/);
    assert.equal(decodeBlueskyCursor(page.cursor).c, null, 'DMs not started');

    // The user reconnects with an app password that has DM access: same account, new session.
    const privileged = fake.createAccount(brand.handle, brand.displayName);
    const c2 = ctx(privileged);
    c2.notices = { ...c.notices };
    const later = await connector.fetchInteractions(c2, page.cursor);
    assert.deepEqual(later.items.map((i) => i.text), ['un DM'], 'the backfill reads what came before');
    assert.deepEqual(c2.notices, {});
  });

  test('a PDS refusing chat ("Bad token method") is a notice, not an expired session: no refresh, no AuthExpired', async () => {
    const { brand, fan } = scenario();
    const c = ctx(brand);
    const start = await connector.fetchInteractions(c, null);
    fake.refuseChat = true;
    try {
      const r0 = fake.requests.length;
      const mention = fake.notify(brand, fan, '@brand toujours là');
      const page = await connector.fetchInteractions(c, start.cursor);
      assert.deepEqual(page.items.map((i) => i.remoteId), [mention]);
      assert.ok(c.notices[DM_NOTICES.noAccess]);
      assert.equal(fake.requests.slice(r0).filter((r) => r.nsid.startsWith('com.atproto.server.')).length, 0, 'no session call');
      assert.equal(c.saved.length, 0);
    } finally {
      fake.refuseChat = false;
    }
  });

  test('chat service unreachable (502): notice, notifications arrive, and the DMs written meanwhile are read after it is back', async () => {
    const { brand, fan, convo } = scenario();
    const c = ctx(brand);
    const start = await connector.fetchInteractions(c, null);
    fake.chatDown = true;
    let page;
    try {
      fake.send(fan, convo, 'pendant la panne');
      const mention = fake.notify(brand, fan, '@brand ça marche ?');
      page = await connector.fetchInteractions(c, start.cursor);
      assert.deepEqual(page.items.map((i) => i.remoteId), [mention]);
      assert.match(c.notices[DM_NOTICES.unavailable]?.message ?? '', /did not answer|could not be read/);
      assert.deepEqual(decodeBlueskyCursor(page.cursor).c, decodeBlueskyCursor(start.cursor).c, 'the DMs part did not move');
    } finally {
      fake.chatDown = false;
    }
    const after = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(after.items.map((i) => i.text), ['pendant la panne']);
    assert.deepEqual(c.notices, {});
  });

  test('429 from chat with ratelimit headers: notifications are kept, the channel waits until the reset, DMs are read after it', async () => {
    const { brand, fan, convo } = scenario();
    const c = ctx(brand);
    const start = await connector.fetchInteractions(c, null);
    const reset = new Date(Math.ceil((Date.now() + 60_000) / 1000) * 1000);
    fake.chatRateLimitedUntil = reset;
    fake.send(fan, convo, 'limité');
    const mention = fake.notify(brand, fan, '@brand avant la limite');
    const page = await connector.fetchInteractions(c, start.cursor);
    fake.chatRateLimitedUntil = null;
    assert.deepEqual(page.items.map((i) => i.remoteId), [mention]);
    assert.equal(c.rateLimitedUntil?.getTime(), reset.getTime());
    assert.ok(c.rateLimits.some((s) => s.limited));
    await assert.rejects(connector.fetchInteractions(c, page.cursor), RateLimited);
    c.rateLimitedUntil = null;
    const later = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(later.items.map((i) => i.text), ['limité']);
  });
});

describe('Bluesky DMs: replying (contract)', () => {
  test('a reply to a DM goes out with sendMessage to its conversation, not as a post', async () => {
    const { brand, fan, convo } = scenario();
    const m = fake.send(fan, convo, 'Une question');
    const c = ctx(brand);
    const r0 = fake.requests.length;
    const published = await connector.publish(c, { variant: { text: 'Bonjour @' + fan.handle + ', voici la réponse : https://example.com/faq', replyTo: dmRemoteId(convo, m.id) }, idempotencyKey: 'reply:1', scheduledAt: new Date() });
    const sent = fake.messagesOf(convo).at(-1)!;
    assert.equal(sent.senderDid, brand.did);
    assert.match(sent.text, /voici la réponse/);
    assert.equal(published.remoteId, dmRemoteId(convo, sent.id));
    assert.equal(published.url, `https://bsky.app/messages/${convo}`);
    assert.equal(published.parts.length, 1);
    const calls = fake.requests.slice(r0).map((r) => r.nsid);
    assert.ok(calls.includes('chat.bsky.convo.sendMessage'));
    assert.ok(!calls.some((x) => x.startsWith('com.atproto.repo.')), 'no record written');
  });

  test('DM limits: 1,000 graphemes and no images, refused before any call', async () => {
    const { brand, convo } = scenario();
    const c = ctx(brand);
    const r0 = fake.requests.length;
    const replyTo = dmRemoteId(convo, 'msg-x');
    const long = await connector.publish(c, { variant: { text: 'é'.repeat(1001), replyTo }, idempotencyKey: 'k', scheduledAt: new Date() }).catch((e: unknown) => e);
    assert.ok(long instanceof Rejected && long.rejectCode === 'too_long', String(long));
    const withImage = await connector.publish(c, { variant: { text: 'photo', replyTo, media: [{ bytes: new Uint8Array(10), mimeType: 'image/png' }] }, idempotencyKey: 'k', scheduledAt: new Date() }).catch((e: unknown) => e);
    assert.ok(withImage instanceof Rejected, String(withImage));
    assert.equal(since(r0), 0);
    // Over a post's 300 graphemes, within a DM's 1,000.
    await connector.publish(c, { variant: { text: 'é'.repeat(400), replyTo }, idempotencyKey: 'k', scheduledAt: new Date() });
    assert.equal(fake.messagesOf(convo).at(-1)?.text, 'é'.repeat(400));
  });

  test('a timeout after sendMessage is OutcomeUnknown; findPublished finds our message by text since the reply was created, and null otherwise', async () => {
    const { brand, fan, convo } = scenario();
    const m = fake.send(fan, convo, 'Où est mon colis ?');
    const replyTo = dmRemoteId(convo, m.id);
    const createdAt = new Date(Date.now() - 1000);
    const c = ctx(brand, 300);
    fake.slow = { nsid: 'chat.bsky.convo.sendMessage', ms: 800 };
    try {
      await assert.rejects(connector.publish(c, { variant: { text: 'Il arrive demain.', replyTo }, idempotencyKey: 'reply:2', scheduledAt: createdAt }), OutcomeUnknown);
    } finally {
      fake.slow = null;
    }
    await new Promise((r) => setTimeout(r, 900));
    const sent = fake.messagesOf(convo).filter((x) => x.senderDid === brand.did);
    assert.equal(sent.length, 1, 'sent once, never retried');
    const found = await connector.findPublished(ctx(brand), { variant: { text: 'Il arrive demain.', replyTo }, idempotencyKey: 'reply:2', since: createdAt });
    assert.equal(found?.remoteId, dmRemoteId(convo, sent[0]!.id));
    assert.equal(await connector.findPublished(ctx(brand), { variant: { text: 'Autre texte', replyTo }, idempotencyKey: 'reply:3', since: createdAt }), null);
    assert.equal(await connector.findPublished(ctx(brand), { variant: { text: 'Il arrive demain.', replyTo }, idempotencyKey: 'reply:2', since: new Date(Date.now() + 10 * 60_000) }), null, 'only since the reply was created');
  });

  test('sending without DM access is a clear refusal', async () => {
    const { brand, convo } = scenario({ dmAccess: false });
    const err = await connector.publish(ctx(brand), { variant: { text: 'Bonjour', replyTo: dmRemoteId(convo, 'm') }, idempotencyKey: 'k', scheduledAt: new Date() }).catch((e: unknown) => e);
    assert.ok(err instanceof Rejected && err.rejectCode === 'forbidden' && /DM access/.test(err.message), String(err));
  });
});

describe('Bluesky DMs: nothing mistakes a DM remote id for a post (contract)', () => {
  test('hide is unsupported, replies are none, metrics leave it out, delete is unsupported; no call is made', async () => {
    const { brand, convo } = scenario();
    const c = ctx(brand);
    const id = dmRemoteId(convo, 'msg-1');
    const r0 = fake.requests.length;
    const hide = await connector.moderate(c, 'hide', { remoteId: id }).catch((e: unknown) => e);
    assert.ok(hide instanceof Rejected && hide.rejectCode === 'unsupported', String(hide));
    assert.deepEqual(await connector.fetchReplies(c, id), []);
    assert.deepEqual(await connector.fetchMetrics(c, [id]), []);
    const del = await connector.deletePost(c, id).catch((e: unknown) => e);
    assert.ok(del instanceof Rejected && del.rejectCode === 'unsupported', String(del));
    assert.equal(since(r0), 0);
    assert.equal(parseDmRemoteId('at://did:plc:x/app.bsky.feed.post/3abc'), null);
  });
});
