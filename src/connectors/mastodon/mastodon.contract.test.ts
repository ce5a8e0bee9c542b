/**
 * Contract tests: the Mastodon connector against a local server that answers like the documented
 * API (fake-mastodon.ts). These are not live tests; they pin the behaviours the connector relies on.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createGuardedFetch } from '../../platform/ssrf.ts';
import type { PublishedPart } from '../connector.ts';
import { AuthExpired, OutcomeUnknown, RateLimited, Rejected, Transient } from '../errors.ts';
import { createMemoryContext } from '../memory-context.ts';
import { FakeMastodon } from './fake-mastodon.ts';
import type { MastodonCredentials } from './mastodon.api.ts';
import { beginMastodonAuthorization, completeMastodonAuthorization, normalizeInstanceUrl } from './mastodon.auth.ts';
import { createMastodonConnector } from './mastodon.connector.ts';

const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
const connector = createMastodonConnector({ mediaPollIntervalMs: 10 });
const png = (n = 100) => new Uint8Array(n).fill(7);
const REDIRECT = 'https://passerelle.example/api/channels/mastodon/callback';

let fake: FakeMastodon;
let me: { account: { id: string }; token: string };
let bob: { account: { id: string; username: string }; token: string };
let creds: MastodonCredentials;
let keyN = 0;
const key = () => `variant-${++keyN}-${Math.random()}`;
const ctx = (timeoutMs = 5000) => createMemoryContext<MastodonCredentials>({ ...creds }, { fetch: guarded, timeoutMs });

/** bob acts on the instance with his own token. */
async function asBob(method: string, path: string, body?: unknown): Promise<{ id: string }> {
  const res = await fetch(`${fake.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as { id: string };
}

before(async () => {
  fake = await new FakeMastodon({ maxCharacters: 1000 }).start();
  me = fake.createAccount('passerelle', 'Passerelle');
  bob = fake.createAccount('bob', 'Bob');
  creds = { instanceUrl: fake.url, accessToken: me.token, accountId: me.account.id, clientId: 'c', clientSecret: 's' };
});
after(() => fake.stop());
beforeEach(() => {
  fake.rateLimit = null;
  fake.slow = null;
  fake.failNext = null;
  fake.mediaProcessingPolls = 0;
});

describe('contract: connect (apps, OAuth authorization code, verify_credentials, v2/instance)', () => {
  test('registers the app, authorizes with PKCE and state, exchanges the code, reads account and limits', async () => {
    fake.authorizingAccountId = me.account.id;
    const base = createMemoryContext(null, { fetch: guarded });
    const { authorizeUrl, pending } = await beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 'csrf-123' });
    const authorize = new URL(authorizeUrl);
    assert.equal(authorize.pathname, '/oauth/authorize');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('state'), 'csrf-123');
    assert.ok(fake.requests.some((r) => r.method === 'POST' && r.path === '/api/v1/apps'));

    // The user approves on the instance, which redirects back with the code and the state.
    const approval = await fetch(authorizeUrl, { redirect: 'manual' });
    const callback = new URL(approval.headers.get('location') ?? '');
    assert.equal(callback.searchParams.get('state'), 'csrf-123');
    const connected = await completeMastodonAuthorization(base, pending, callback.searchParams.get('code') ?? '');

    assert.equal(connected.account.remoteId, me.account.id);
    assert.equal(connected.account.handle, `passerelle@${new URL(fake.url).host}`);
    assert.equal(connected.account.avatarUrl, `${fake.url}/avatars/passerelle.png`);
    assert.equal(connected.credentials.accountId, me.account.id);
    assert.ok(connected.credentials.accessToken.length > 0);
    assert.equal(connected.tokenExpiresAt, null);
    assert.deepEqual(connected.limits.text, { maxLength: 1000, counting: 'mastodon', maxBytes: null, urlLength: 23 });
    assert.equal(connected.limits.media.maxCount, 4);
    assert.deepEqual(connected.limits.media.imageMimeTypes, ['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

    // The new token works through the connector.
    const profile = await connector.verify(createMemoryContext(connected.credentials, { fetch: guarded }));
    assert.equal(profile.remoteId, me.account.id);
  });

  test('reuses an app already registered on the instance', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    const first = await beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's' });
    const before = fake.requests.filter((r) => r.path === '/api/v1/apps').length;
    const second = await beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's', app: first.pending.app });
    assert.equal(fake.requests.filter((r) => r.path === '/api/v1/apps').length, before);
    assert.equal(second.pending.app.clientId, first.pending.app.clientId);
  });

  test('an invalid or reused code is a clear Rejected(invalid_credentials)', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    const { pending } = await beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's' });
    await assert.rejects(completeMastodonAuthorization(base, pending, 'not-a-code'), (e: unknown) => e instanceof Rejected && e.rejectCode === 'invalid_credentials' && /start connecting again/.test(e.message));
  });

  test('an instance URL resolving to a private address is refused before any request (SSRF guard)', async () => {
    const strict = createMemoryContext(null, { fetch: createGuardedFetch() });
    const count = fake.requests.length;
    await assert.rejects(beginMastodonAuthorization(strict, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's' }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'blocked_address' && /127\.0\.0\.1.*loopback/.test(e.message));
    assert.equal(fake.requests.length, count);
  });

  test('an unreachable instance is Rejected(unreachable) naming the host', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    await assert.rejects(beginMastodonAuthorization(base, { instanceUrl: 'http://127.0.0.1:1', redirectUri: REDIRECT, state: 's' }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'unreachable' && /127\.0\.0\.1:1/.test(e.message));
  });

  test('a server that is not Mastodon is Rejected(not_an_instance)', async () => {
    const base = createMemoryContext(null, { fetch: guarded });
    fake.failNext = { method: 'GET', path: '/api/v2/instance', status: 404 };
    await assert.rejects(beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's' }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'not_an_instance');
  });

  test('normalizes what users type as an instance address', () => {
    assert.equal(normalizeInstanceUrl(' mastodon.social '), 'https://mastodon.social');
    assert.equal(normalizeInstanceUrl('https://piaille.fr/@someone'), 'https://piaille.fr');
    assert.throws(() => normalizeInstanceUrl('ftp://x.org'), Rejected);
    assert.throws(() => normalizeInstanceUrl('https://user:pw@x.org'), Rejected);
  });
});

describe('contract: publish', () => {
  test('publishes text with links, mentions and hashtags with an Idempotency-Key', async () => {
    const k = key();
    const text = 'Nouvelle version ! https://passerelle.example/notes @bob #CommunityManagement';
    const result = await connector.publish(ctx(), { variant: { text, language: 'fr' }, idempotencyKey: k, scheduledAt: new Date() });
    const status = fake.statusesOf(me.account.id).find((s) => s.id === result.remoteId);
    assert.equal(status?.text, text);
    assert.equal(status?.language, 'fr');
    assert.match(result.url, /\/@passerelle\//);
    assert.deepEqual(result.parts.map((p) => p.index), [0]);
    assert.equal(fake.requests.filter((r) => r.path === '/api/v1/statuses' && r.method === 'POST').at(-1)?.idempotencyKey, `${k}:0`);
  });

  test('uploads 4 images with alt text, polls media answered 202 then 206 until 200, then posts', async () => {
    fake.mediaProcessingPolls = 2;
    const media = [1, 2, 3, 4].map((i) => ({ bytes: png(), mimeType: 'image/png', altText: `Image ${i}` }));
    const result = await connector.publish(ctx(), { variant: { text: 'Quatre images', media }, idempotencyKey: key(), scheduledAt: new Date() });
    const status = fake.statusesOf(me.account.id).find((s) => s.id === result.remoteId);
    assert.deepEqual(status?.media_attachments.map((a) => a.description), ['Image 1', 'Image 2', 'Image 3', 'Image 4']);
    assert.ok(fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/media/')).length >= 8);
  });

  test('publishes a thread, each part replying to the previous, reporting each part as it exists', async () => {
    const seen: PublishedPart[] = [];
    const result = await connector.publish(ctx(), {
      variant: { text: 'Fil 1/3', thread: [{ text: 'Fil 2/3' }, { text: 'Fil 3/3', media: [{ bytes: png(), mimeType: 'image/png', altText: 'fin' }] }] },
      idempotencyKey: key(),
      scheduledAt: new Date(),
      onPart: async (p) => void seen.push(p),
    });
    assert.equal(result.parts.length, 3);
    assert.deepEqual(seen, result.parts);
    const [p0, p1, p2] = result.parts;
    const byId = new Map(fake.statusesOf(me.account.id).map((s) => [s.id, s]));
    assert.equal(byId.get(p1?.remoteId ?? '')?.in_reply_to_id, p0?.remoteId);
    assert.equal(byId.get(p2?.remoteId ?? '')?.in_reply_to_id, p1?.remoteId);
  });

  test('publishes a reply to a given post', async () => {
    const post = await asBob('POST', '/api/v1/statuses', { status: 'Une question @passerelle ?' });
    const result = await connector.publish(ctx(), { variant: { text: '@bob Voici la réponse', replyTo: post.id }, idempotencyKey: key(), scheduledAt: new Date() });
    assert.equal(fake.statusesOf(me.account.id).find((s) => s.id === result.remoteId)?.in_reply_to_id, post.id);
  });

  test('the same idempotency key twice gives the same status and no duplicate (Idempotency-Key replay)', async () => {
    const k = key();
    const request = { variant: { text: 'Une seule fois' }, idempotencyKey: k, scheduledAt: new Date() };
    const first = await connector.publish(ctx(), request);
    const second = await connector.publish(ctx(), request);
    assert.equal(second.remoteId, first.remoteId);
    assert.equal(fake.statusesOf(me.account.id).filter((s) => s.text === 'Une seule fois').length, 1);
  });

  test('resumes a thread: parts already done are not created again', async () => {
    const k = key();
    const variant = { text: 'Reprise 1', thread: [{ text: 'Reprise 2' }] };
    const first = await connector.publish(ctx(), { variant: { text: 'Reprise 1' }, idempotencyKey: `${k}-other`, scheduledAt: new Date() });
    const done = first.parts;
    const result = await connector.publish(ctx(), { variant, idempotencyKey: k, scheduledAt: new Date(), done });
    assert.equal(result.remoteId, first.remoteId);
    assert.equal(fake.statusesOf(me.account.id).filter((s) => s.text === 'Reprise 1').length, 1);
    assert.equal(fake.statusesOf(me.account.id).find((s) => s.id === result.parts[1]?.remoteId)?.in_reply_to_id, first.remoteId);
  });

  test('a 422 from the instance is Rejected with the instance\'s words and a stable code', async () => {
    await assert.rejects(
      connector.publish(ctx(), { variant: { text: 'x'.repeat(1001) }, idempotencyKey: key(), scheduledAt: new Date() }),
      (e: unknown) => e instanceof Rejected && e.rejectCode === 'too_long' && e.status === 422 && /character limit of 1000 exceeded/.test(e.message),
    );
  });

  test('with the channel limits, a thread whose last part is too long is refused before anything is posted', async () => {
    const limits = await connector.limits(ctx());
    const count = fake.requests.filter((r) => r.path === '/api/v1/statuses').length;
    await assert.rejects(
      connector.publish(ctx(), { variant: { text: 'ok', thread: [{ text: 'ok' }, { text: 'y'.repeat(1005) }] }, idempotencyKey: key(), scheduledAt: new Date(), limits }),
      (e: unknown) => e instanceof Rejected && e.rejectCode === 'too_long' && e.issues[0]?.field === 'thread[1].text' && e.issues[0]?.over === 5,
    );
    assert.equal(fake.requests.filter((r) => r.path === '/api/v1/statuses').length, count);
  });

  test('an image type the instance refuses is Rejected(media_type_unsupported) and no status is created', async () => {
    const before = fake.statusesOf(me.account.id).length;
    await assert.rejects(
      connector.publish(ctx(), { variant: { text: 'tiff', media: [{ bytes: png(), mimeType: 'image/tiff' }] }, idempotencyKey: key(), scheduledAt: new Date() }),
      (e: unknown) => e instanceof Rejected && e.rejectCode === 'media_type_unsupported',
    );
    assert.equal(fake.statusesOf(me.account.id).length, before);
  });

  test('replying to a post that does not exist is Rejected(not_found)', async () => {
    await assert.rejects(connector.publish(ctx(), { variant: { text: 'r', replyTo: '1' }, idempotencyKey: key(), scheduledAt: new Date() }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'not_found');
  });

  test('validate uses the instance limits read at connect time', async () => {
    const limits = await connector.limits(ctx());
    assert.deepEqual(connector.validate({ text: 'x'.repeat(1000) }, limits), []);
    assert.equal(connector.validate({ text: 'x'.repeat(1001) }, limits)[0]?.over, 1);
  });
});

describe('contract: failures (timeouts, 429, 401, 5xx)', () => {
  test('a timeout while publishing is OutcomeUnknown (never retried), and findPublished then finds the post', async () => {
    const k = key();
    const scheduledAt = new Date();
    const variant = { text: `Lent ${k}` };
    fake.slow = { method: 'POST', path: '/api/v1/statuses', ms: 400 };
    const c = ctx(150);
    await assert.rejects(connector.publish(c, { variant, idempotencyKey: k, scheduledAt }), (e: unknown) => e instanceof OutcomeUnknown && /did not answer within 150 ms/.test(e.message));
    fake.slow = null;
    await new Promise((r) => setTimeout(r, 400)); // the instance finishes the request it received
    assert.equal(fake.requests.filter((r) => r.idempotencyKey === `${k}:0`).length, 1, 'exactly one publish attempt was sent');
    const found = await connector.findPublished(ctx(), { variant, idempotencyKey: k, since: scheduledAt });
    assert.equal(found?.remoteId, fake.statusesOf(me.account.id).find((s) => s.text === variant.text)?.id);
  });

  test('findPublished returns null when nothing was published under that key', async () => {
    assert.equal(await connector.findPublished(ctx(), { variant: { text: `jamais publié ${key()}` }, idempotencyKey: key(), since: new Date(Date.now() - 60_000) }), null);
  });

  test('findPublished finds every part of a thread that exists', async () => {
    const k = key();
    const scheduledAt = new Date();
    const variant = { text: `A ${k}`, thread: [{ text: `B ${k}` }, { text: `C ${k}` }] };
    const published = await connector.publish(ctx(), { variant: { text: variant.text, thread: [{ text: `B ${k}` }] }, idempotencyKey: k, scheduledAt });
    const found = await connector.findPublished(ctx(), { variant, idempotencyKey: k, since: scheduledAt });
    assert.deepEqual(found?.parts.map((p) => p.remoteId), published.parts.map((p) => p.remoteId));
  });

  test('a timeout on a read is Transient', async () => {
    fake.slow = { method: 'GET', path: '/api/v1/notifications', ms: 300 };
    await assert.rejects(connector.fetchInteractions(ctx(100), null), Transient);
  });

  test('429 with X-RateLimit-Reset: RateLimited(reset), reported to the channel, later calls refused without a request', async () => {
    const resetAt = new Date(Date.now() + 120_000);
    resetAt.setMilliseconds(0);
    fake.rateLimit = { count: 1, resetAt };
    const c = ctx();
    await assert.rejects(connector.publish(c, { variant: { text: 'limité' }, idempotencyKey: key(), scheduledAt: new Date() }), (e: unknown) => e instanceof RateLimited && e.retryAt.getTime() === resetAt.getTime());
    assert.deepEqual(c.rateLimits.at(-1), { remaining: 0, limit: 300, resetAt, limited: true });
    assert.equal(c.rateLimitedUntil?.getTime(), resetAt.getTime());
    const count = fake.requests.length;
    await assert.rejects(connector.verify(c), RateLimited);
    assert.equal(fake.requests.length, count, 'no request while the channel is rate-limited');
  });

  test('a channel rate-limited in the past calls the network again', async () => {
    const c = ctx();
    c.rateLimitedUntil = new Date(Date.now() - 1000);
    assert.equal((await connector.verify(c)).remoteId, me.account.id);
  });

  test('rate-limit headers of ordinary answers are reported with remaining and ISO reset', async () => {
    const c = ctx();
    await connector.verify(c);
    const state = c.rateLimits.at(-1);
    assert.equal(state?.limit, 300);
    assert.equal(state?.limited, false);
    assert.ok((state?.remaining ?? -1) >= 0);
    assert.ok((state?.resetAt.getTime() ?? 0) > Date.now());
  });

  test('a revoked token is AuthExpired on every call, naming the instance but never the token', async () => {
    const eve = fake.createAccount('eve');
    const c = createMemoryContext<MastodonCredentials>({ ...creds, accessToken: eve.token, accountId: eve.account.id }, { fetch: guarded });
    fake.revokeTokensOf(eve.account.id);
    await assert.rejects(connector.verify(c), (e: unknown) => e instanceof AuthExpired && /reconnect/.test(e.message) && !e.message.includes(eve.token));
    await assert.rejects(connector.publish(c, { variant: { text: 'x' }, idempotencyKey: key(), scheduledAt: new Date() }), AuthExpired);
    assert.ok(c.lines.every((l) => !l.includes(eve.token)));
  });

  test('a 5xx answer to a publish is OutcomeUnknown; to a read it is Transient', async () => {
    fake.failNext = { method: 'POST', path: '/api/v1/statuses', status: 503 };
    await assert.rejects(connector.publish(ctx(), { variant: { text: '503' }, idempotencyKey: key(), scheduledAt: new Date() }), OutcomeUnknown);
    fake.failNext = { method: 'GET', path: '/api/v1/accounts/verify_credentials', status: 502 };
    await assert.rejects(connector.verify(ctx()), Transient);
  });

  test('disconnect revokes the token on the instance', async () => {
    fake.authorizingAccountId = me.account.id;
    const base = createMemoryContext(null, { fetch: guarded });
    const { authorizeUrl, pending } = await beginMastodonAuthorization(base, { instanceUrl: fake.url, redirectUri: REDIRECT, state: 's' });
    const code = new URL((await fetch(authorizeUrl, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get('code') ?? '';
    const { credentials } = await completeMastodonAuthorization(base, pending, code);
    const c = createMemoryContext(credentials, { fetch: guarded });
    await connector.disconnect(c);
    await assert.rejects(connector.verify(c), AuthExpired);
  });
});

describe('contract: inbox, moderation, metrics, delete', () => {
  test('reads mentions, replies, likes, reposts, follows and DMs as interactions with a resumable cursor', async () => {
    const c = ctx();
    const start = await connector.fetchInteractions(c, null);
    const cursor = start.cursor;
    const post = await connector.publish(c, { variant: { text: 'Votre avis ?' }, idempotencyKey: key(), scheduledAt: new Date() });
    const reply = await asBob('POST', '/api/v1/statuses', { status: '@passerelle très bien !', in_reply_to_id: post.remoteId });
    await asBob('POST', `/api/v1/statuses/${post.remoteId}/favourite`);
    await asBob('POST', `/api/v1/statuses/${post.remoteId}/reblog`);
    await asBob('POST', `/api/v1/accounts/${me.account.id}/follow`);
    const mention = await asBob('POST', '/api/v1/statuses', { status: 'Je recommande @passerelle' });
    const dm = await asBob('POST', '/api/v1/statuses', { status: '@passerelle un souci avec ma commande', visibility: 'direct' });

    const page = await connector.fetchInteractions(c, cursor);
    assert.deepEqual(page.items.map((i) => i.kind), ['reply', 'like', 'repost', 'follow', 'mention', 'dm']);
    const [r, like] = page.items;
    assert.equal(r?.remoteId, reply.id);
    assert.equal(r?.inReplyTo, post.remoteId);
    assert.equal(r?.text, '@passerelle très bien !');
    assert.equal(r?.author.handle, `bob@${new URL(fake.url).host}`);
    assert.equal(r?.author.displayName, 'Bob');
    assert.equal(like?.inReplyTo, post.remoteId);
    assert.equal(page.items[4]?.remoteId, mention.id);
    assert.equal(page.items[5]?.remoteId, dm.id);
    assert.equal(page.hasMore, false);

    const again = await connector.fetchInteractions(c, page.cursor);
    assert.deepEqual(again.items, []);
    assert.equal(again.cursor, page.cursor);
  });

  test('pages through many new notifications oldest first (min_id / Link header)', async () => {
    const c = ctx();
    const { cursor } = await connector.fetchInteractions(c, null);
    const post = await connector.publish(c, { variant: { text: 'Populaire' }, idempotencyKey: key(), scheduledAt: new Date() });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await asBob('POST', '/api/v1/statuses', { status: `@passerelle réponse ${i}`, in_reply_to_id: post.remoteId })).id);
    const seen: string[] = [];
    let next = cursor;
    for (let round = 0; round < 5; round++) {
      const page = await connector.fetchInteractions(c, next, { limit: 2 });
      seen.push(...page.items.map((i) => i.remoteId));
      next = page.cursor;
      if (!page.hasMore) break;
    }
    assert.deepEqual(seen, ids);
  });

  test('fetchReplies reads the whole reply tree of a post (context)', async () => {
    const c = ctx();
    const post = await connector.publish(c, { variant: { text: 'Arbre' }, idempotencyKey: key(), scheduledAt: new Date() });
    const a = await asBob('POST', '/api/v1/statuses', { status: 'a', in_reply_to_id: post.remoteId });
    const b = await asBob('POST', '/api/v1/statuses', { status: 'b', in_reply_to_id: a.id });
    const replies = await connector.fetchReplies(c, post.remoteId);
    assert.deepEqual(replies.map((r) => [r.remoteId, r.inReplyTo, r.root, r.kind]), [
      [a.id, post.remoteId, post.remoteId, 'reply'],
      [b.id, a.id, post.remoteId, 'reply'],
    ]);
  });

  test('hiding a reply is Rejected(unsupported) with a suggestion; blocking the author works', async () => {
    await assert.rejects(connector.moderate(ctx(), 'hide', { remoteId: '1' }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'unsupported' && /block the author/.test(e.message));
    await connector.moderate(ctx(), 'block', { authorRemoteId: bob.account.id });
    assert.equal(fake.isBlocked(me.account.id, bob.account.id), true);
    await connector.moderate(ctx(), 'unblock', { authorRemoteId: bob.account.id });
    assert.equal(fake.isBlocked(me.account.id, bob.account.id), false);
  });

  test('fetchMetrics returns likes, boosts and replies with their field names; deleted posts are left out', async () => {
    const c = ctx();
    const post = await connector.publish(c, { variant: { text: 'Mesures' }, idempotencyKey: key(), scheduledAt: new Date() });
    const gone = await connector.publish(c, { variant: { text: 'Supprimé' }, idempotencyKey: key(), scheduledAt: new Date() });
    await asBob('POST', `/api/v1/statuses/${post.remoteId}/favourite`);
    await asBob('POST', `/api/v1/statuses/${post.remoteId}/reblog`);
    await asBob('POST', '/api/v1/statuses', { status: 'r', in_reply_to_id: post.remoteId });
    await connector.deletePost(c, gone.remoteId);
    const metrics = await connector.fetchMetrics(c, [post.remoteId, gone.remoteId]);
    assert.equal(metrics.length, 1);
    assert.deepEqual(metrics[0]?.values, { likes: 1, reposts: 1, replies: 1 });
    assert.deepEqual(metrics[0]?.fields, { likes: 'favourites_count', reposts: 'reblogs_count', replies: 'replies_count' });
  });

  test('deletePost removes the status and deleting it again succeeds', async () => {
    const c = ctx();
    const post = await connector.publish(c, { variant: { text: 'Éphémère' }, idempotencyKey: key(), scheduledAt: new Date() });
    await connector.deletePost(c, post.remoteId);
    assert.equal(fake.statusesOf(me.account.id).some((s) => s.id === post.remoteId), false);
    await connector.deletePost(c, post.remoteId);
  });

  test('search returns matching public posts as interactions', async () => {
    const c = ctx();
    const word = `mot${Date.now()}`;
    const post = await asBob('POST', '/api/v1/statuses', { status: `Je parle de ${word}` });
    const { items } = await connector.search(c, word, null);
    assert.deepEqual(items.map((i) => i.remoteId), [post.id]);
  });
});
