/**
 * Contract tests: the Google Business Profile connector against a local server answering in the
 * documented shapes of Google's OAuth endpoints and the Business Profile APIs
 * (fake-google-business.ts). Not live tests: nothing here talks to Google.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createGuardedFetch } from '../../platform/ssrf.ts';
import type { Interaction } from '../connector.ts';
import { AuthExpired, OutcomeUnknown, RateLimited, Rejected } from '../errors.ts';
import { createMemoryContext } from '../memory-context.ts';
import { FakeGoogleBusiness } from './fake-google-business.ts';
import type { GoogleBusinessCredentials, GoogleClient } from './google-business.api.ts';
import {
  beginGoogleAuthorization, connectGoogleLocation, exchangeGoogleCode, listGoogleLocations, type GoogleGrant,
} from './google-business.auth.ts';
import { createGoogleBusinessConnector } from './google-business.connector.ts';

const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
const connector = createGoogleBusinessConnector();
const REDIRECT = 'https://passerelle.example/api/oauth/google-business/callback';

let fake: FakeGoogleBusiness;
let client: GoogleClient;
let account: string;
let cafe: string;
let bakery: string;
let grant: GoogleGrant;
let creds: GoogleBusinessCredentials;
const base = () => createMemoryContext(null, { fetch: guarded });
const ctx = (c: GoogleBusinessCredentials = creds) => createMemoryContext<GoogleBusinessCredentials>({ ...c }, { fetch: guarded, now: () => fake.now() });
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/** Runs the consent page the way a browser would: returns the callback's query. */
async function consent(authorizeUrl: string): Promise<URLSearchParams> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  return new URL(res.headers.get('location')!).searchParams;
}

/** Every page until caught up, as the inbox's poll does. */
async function drain(c: ReturnType<typeof ctx>, cursor: string | null, since?: Date): Promise<{ items: Interaction[]; cursor: string | null }> {
  const items: Interaction[] = [];
  for (let i = 0; i < 20; i++) {
    const page = await connector.fetchInteractions(c, cursor, { limit: 3, ...(cursor === null && since ? { since } : {}) });
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) break;
  }
  return { items, cursor };
}

before(async () => {
  fake = await new FakeGoogleBusiness().start();
  client = { clientId: fake.options.clientId, clientSecret: fake.options.clientSecret };
  account = fake.addAccount('Brasserie Group');
  cafe = fake.addLocation(account, 'Café du Port');
  bakery = fake.addLocation(account, 'Boulangerie Centrale', 'Villeurbanne');
});
after(() => fake.stop());
beforeEach(() => {
  fake.quotaZero = null;
  fake.rateLimitNext = 0;
  fake.failNext = null;
  fake.consent = 'approve';
});

describe('contract: connect (OAuth code + PKCE + state, accounts.list, locations.list)', () => {
  test('asks for business.manage offline with consent, PKCE S256 and the state, and exchanges the code for a refresh token', async () => {
    const { authorizeUrl, pending } = beginGoogleAuthorization({ client, redirectUri: REDIRECT, state: 'csrf-1', apiBase: fake.url });
    const url = new URL(authorizeUrl);
    assert.equal(url.origin + url.pathname, `${fake.url}/o/oauth2/v2/auth`);
    assert.equal(url.searchParams.get('scope'), 'openid https://www.googleapis.com/auth/business.manage');
    assert.equal(url.searchParams.get('access_type'), 'offline');
    assert.equal(url.searchParams.get('prompt'), 'consent');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('state'), 'csrf-1');
    const back = await consent(authorizeUrl);
    assert.equal(back.get('state'), 'csrf-1');
    grant = await exchangeGoogleCode(base(), client, pending, back.get('code')!);
    assert.ok(grant.accessToken.startsWith('ya29.'));
    assert.ok(grant.refreshToken.startsWith('1//'));
    assert.equal(grant.grantId, `google-user:${fake.userId}`, 'the id token names the Google user');
    assert.ok(Date.parse(grant.accessTokenExpiresAt) > Date.now() + 50 * 60_000);
  });

  test('a code exchanged with the wrong PKCE verifier is refused', async () => {
    const { authorizeUrl, pending } = beginGoogleAuthorization({ client, redirectUri: REDIRECT, state: 's', apiBase: fake.url });
    const back = await consent(authorizeUrl);
    await assert.rejects(exchangeGoogleCode(base(), client, { ...pending, codeVerifier: 'not-the-verifier-not-the-verifier-xx' }, back.get('code')!),
      (e: unknown) => e instanceof Rejected && e.rejectCode === 'invalid_credentials');
  });

  test('a wrong client secret is named as a configuration problem', async () => {
    const { authorizeUrl, pending } = beginGoogleAuthorization({ client, redirectUri: REDIRECT, state: 's', apiBase: fake.url });
    const back = await consent(authorizeUrl);
    await assert.rejects(exchangeGoogleCode(base(), { ...client, clientSecret: 'wrong' }, pending, back.get('code')!),
      (e: unknown) => e instanceof Rejected && /PASSERELLE_GOOGLE_CLIENT_SECRET/.test(e.reason));
  });

  test('lists every location of every account, with title, address and Maps link', async () => {
    const locations = await listGoogleLocations(base(), grant, fake.url);
    assert.deepEqual(locations.map((l) => l.title), ['Café du Port', 'Boulangerie Centrale']);
    assert.equal(locations[0]!.account, account);
    assert.equal(locations[0]!.location, cafe);
    assert.match(locations[1]!.address!, /69002 Villeurbanne/);
    assert.match(locations[0]!.mapsUri!, /^https:\/\/maps\.google\.com\//);
    const listCall = fake.requests.find((r) => r.path.startsWith(`/businessinformation/v1/${account}/locations`))!;
    assert.match(listCall.path, /readMask=name%2Ctitle%2CstorefrontAddress%2Cmetadata/);
    const connected = connectGoogleLocation(client, grant, locations[0]!, fake.url);
    assert.equal(connected.account.remoteId, cafe);
    creds = connected.credentials;
    assert.equal(creds.refreshToken, grant.refreshToken);
  });

  test('a project without approved API access gets its own refusal (quota 0), not a rate limit', async () => {
    for (const status of [403, 429] as const) {
      fake.quotaZero = status;
      await assert.rejects(listGoogleLocations(base(), grant, fake.url), (e: unknown) => e instanceof Rejected && e.rejectCode === 'api_not_approved' && /approved/.test(e.reason));
    }
  });
});

describe('contract: reviews in (reviews.list newest first, paged, returned oldest first after the cursor)', () => {
  const names: string[] = [];
  let cursor: string | null = null;

  test('the first poll backfills reviews since `since`, oldest first, across pages, with rating and reviewer', async () => {
    names.push(fake.addReview(cafe, { stars: 2, comment: 'Too old to backfill', author: 'Old Timer', at: ago(60 * 24 * 10) }));
    for (let i = 0; i < 7; i++) {
      names.push(fake.addReview(cafe, { stars: ((i % 5) + 1) as 1, comment: `Review ${i}`, author: `Client ${i}`, at: ago(100 - i) }));
    }
    names.push(fake.addReview(cafe, { stars: 5, author: null, at: ago(10) }));
    fake.addReview(bakery, { stars: 1, comment: 'Other location', at: ago(5) });
    const { items, cursor: next } = await drain(ctx(), null, ago(60 * 24 * 7));
    assert.deepEqual(items.map((i) => i.remoteId), names.slice(1), 'oldest first, nothing older than since, nothing from the other location');
    const first = items[0]!;
    assert.equal(first.kind, 'review');
    assert.equal(first.text, 'Review 0');
    assert.equal(first.rating, 1);
    assert.equal(first.author.displayName, 'Client 0');
    assert.match(first.author.avatarUrl!, /googleusercontent/);
    assert.equal(items[2]!.rating, 3);
    const anonymous = items.at(-1)!;
    assert.equal(anonymous.text, '', 'a rating alone has no text');
    assert.equal(anonymous.rating, 5);
    assert.equal(anonymous.author.handle, 'anonymous');
    assert.equal(anonymous.author.avatarUrl, null);
    assert.ok(fake.requests.some((r) => /orderBy=updateTime\+desc/.test(r.path) && /pageSize=50/.test(r.path)));
    cursor = next;
  });

  test('nothing new → no items and the same resume point; a new review → only it', async () => {
    const again = await connector.fetchInteractions(ctx(), cursor);
    assert.deepEqual(again.items, []);
    assert.equal(again.hasMore, false);
    const fresh = fake.addReview(cafe, { stars: 4, comment: 'Lovely terrace', author: 'Zoé' });
    const page = await connector.fetchInteractions(ctx(), again.cursor);
    assert.deepEqual(page.items.map((i) => i.remoteId), [fresh]);
    cursor = page.cursor;
  });

  test('an edited review comes back as its edit (new id per edit, answering the review), and only once', async () => {
    const target = names[3]!;
    fake.editReview(target, { stars: 1, comment: 'Actually, cold coffee' });
    const page = await connector.fetchInteractions(ctx(), cursor);
    assert.deepEqual(page.items.map((i) => i.remoteId), [target, `${target}@${fake.review(target)!.updateTime}`]);
    const edit = page.items[1]!;
    assert.equal(edit.inReplyTo, target);
    assert.equal(edit.text, 'Actually, cold coffee');
    assert.equal(edit.rating, 1);
    assert.deepEqual((await connector.fetchInteractions(ctx(), page.cursor)).items, []);
    cursor = page.cursor;
  });

  test('reviews updated at the same instant are neither lost nor repeated across a page boundary', async () => {
    const at = new Date();
    const same = [1, 2, 3].map((n) => fake.addReview(cafe, { stars: 3, comment: `same ${n}`, at }));
    const first = await connector.fetchInteractions(ctx(), cursor, { limit: 2 });
    assert.equal(first.items.length, 2);
    assert.equal(first.hasMore, true);
    const second = await connector.fetchInteractions(ctx(), first.cursor, { limit: 2 });
    assert.deepEqual([...first.items, ...second.items].map((i) => i.remoteId).sort(), [...same].sort());
    assert.equal(second.hasMore, false);
    cursor = second.cursor;
  });

  test('a location without reviews yet: the first poll returns a cursor meaning "from now on"', async () => {
    const empty = fake.addLocation(account, 'Nouveau Comptoir');
    const c = ctx({ ...creds, location: empty });
    const page = await connector.fetchInteractions(c, null, { since: ago(60) });
    assert.deepEqual(page.items, []);
    const review = fake.addReview(empty, { stars: 5, comment: 'First!', at: new Date(Date.now() + 1000) });
    assert.deepEqual((await connector.fetchInteractions(c, page.cursor)).items.map((i) => i.remoteId), [review]);
  });
});

describe('contract: replies out (PUT reply creates or replaces; findPublished reads the review)', () => {
  let review: string;
  before(() => {
    review = fake.addReview(cafe, { stars: 2, comment: 'Slow service', author: 'Marc' });
  });

  test('a reply is PUT once and its id is the review\'s reply resource', async () => {
    const before = fake.requests.length;
    const published = await connector.publish(ctx(), { variant: { text: 'Sorry Marc, we are on it.', replyTo: review }, idempotencyKey: 'k1', scheduledAt: new Date() });
    assert.match(published.remoteId, new RegExp(`^${review}/reply@\\d{4}-`));
    assert.equal(published.url, creds.mapsUri);
    assert.equal(fake.review(review)!.reviewReply!.comment, 'Sorry Marc, we are on it.');
    const puts = fake.requests.slice(before).filter((r) => r.method === 'PUT');
    assert.equal(puts.length, 1);
    assert.deepEqual(JSON.parse(puts[0]!.body), { comment: 'Sorry Marc, we are on it.' });
  });

  test('replying to an edit of a review replies to the review', async () => {
    await connector.publish(ctx(), { variant: { text: 'Updated answer', replyTo: `${review}@2030-01-01T00:00:00Z` }, idempotencyKey: 'k2', scheduledAt: new Date() });
    assert.equal(fake.review(review)!.reviewReply!.comment, 'Updated answer');
  });

  test('findPublished finds our reply by its text, and not someone else\'s', async () => {
    const found = await connector.findPublished(ctx(), { variant: { text: 'Updated answer', replyTo: review }, idempotencyKey: 'k2', since: new Date() });
    assert.equal(found?.remoteId, `${review}/reply@${fake.review(review)!.reviewReply!.updateTime}`);
    assert.equal(await connector.findPublished(ctx(), { variant: { text: 'Something else', replyTo: review }, idempotencyKey: 'k3', since: new Date() }), null);
  });

  test('a 5xx on the PUT is an unknown outcome (reconcile), never a blind retry', async () => {
    fake.failNext = { method: 'PUT', path: '/v4/', status: 503 };
    await assert.rejects(connector.publish(ctx(), { variant: { text: 'x', replyTo: review }, idempotencyKey: 'k4', scheduledAt: new Date() }), OutcomeUnknown);
  });

  test('posts, media and over-long replies are refused before any call', async () => {
    const before = fake.requests.length;
    await assert.rejects(connector.publish(ctx(), { variant: { text: 'A post' }, idempotencyKey: 'p', scheduledAt: new Date() }),
      (e: unknown) => e instanceof Rejected && e.issues[0]?.code === 'reply_required');
    await assert.rejects(connector.publish(ctx(), { variant: { text: 'é'.repeat(2049), replyTo: review }, idempotencyKey: 'p2', scheduledAt: new Date() }),
      (e: unknown) => e instanceof Rejected && e.issues.some((i) => i.code === 'text_too_many_bytes'));
    await assert.rejects(connector.publish(ctx(), { variant: { text: 'x', replyTo: 'accounts/9/locations/9/reviews/9' }, idempotencyKey: 'p3', scheduledAt: new Date() }),
      (e: unknown) => e instanceof Rejected && /another location/.test(e.reason));
    assert.equal(fake.requests.length, before);
  });

  test('deletePost deletes our reply (and again is fine); a review itself cannot be deleted', async () => {
    await connector.deletePost(ctx(), `${review}/reply@${fake.review(review)!.reviewReply!.updateTime}`);
    assert.equal(fake.review(review)!.reviewReply, undefined);
    await connector.deletePost(ctx(), `${review}/reply`);
    await assert.rejects(connector.deletePost(ctx(), review), (e: unknown) => e instanceof Rejected && e.rejectCode === 'unsupported');
    await assert.rejects(connector.moderate(ctx(), 'hide', { remoteId: review }), (e: unknown) => e instanceof Rejected && e.rejectCode === 'unsupported');
  });
});

describe('contract: tokens and errors', () => {
  test('an expiring access token is renewed with the refresh token before the call, and saved', async () => {
    const c = ctx({ ...creds, accessTokenExpiresAt: new Date(Date.now() + 10_000).toISOString() });
    await connector.fetchInteractions(c, null);
    assert.equal(c.saved.length, 1);
    assert.notEqual(c.saved[0]!.accessToken, creds.accessToken);
    assert.equal(c.saved[0]!.refreshToken, creds.refreshToken);
    creds = c.saved[0]!;
  });

  test('a 401 (token no longer accepted) is renewed once, then the call succeeds', async () => {
    fake.expireAccessTokens();
    const c = ctx();
    const profile = await connector.verify(c);
    assert.equal(profile.handle, 'Café du Port');
    assert.equal(c.saved.length, 1);
    creds = c.saved[0]!;
  });

  test('429 RESOURCE_EXHAUSTED → RateLimited (one minute when Google gives no Retry-After)', async () => {
    fake.rateLimitNext = 1;
    const c = ctx();
    await assert.rejects(connector.fetchInteractions(c, null), (e: unknown) => e instanceof RateLimited && e.retryAt.getTime() > Date.now() + 50_000);
    assert.equal(c.rateLimits.at(-1)?.limited, true);
  });

  test('quota 0 (access not approved yet) → Rejected api_not_approved on reads and replies', async () => {
    fake.quotaZero = 403;
    await assert.rejects(connector.fetchInteractions(ctx(), null), (e: unknown) => e instanceof Rejected && e.rejectCode === 'api_not_approved');
    fake.quotaZero = 429;
    await assert.rejects(connector.verify(ctx()), (e: unknown) => e instanceof Rejected && e.rejectCode === 'api_not_approved');
  });

  test('a revoked grant (invalid_grant on refresh) → AuthExpired; disconnect revokes, and revoking again is fine', async () => {
    const c = ctx();
    await connector.disconnect(c);
    assert.equal(fake.refreshTokenValid(creds.refreshToken), false);
    await connector.disconnect(c);
    fake.expireAccessTokens();
    await assert.rejects(connector.fetchInteractions(ctx(), null), AuthExpired);
    assert.ok(!JSON.stringify(c.lines).includes(creds.refreshToken), 'no token is logged');
  });

  test('capabilities: replies only, reviews only, polling only', () => {
    const caps = connector.capabilities;
    assert.deepEqual(caps.publish, { text: false, images: false, video: false, thread: false, reply: true, contentWarning: false });
    assert.deepEqual(caps.interactions, ['review']);
    assert.deepEqual(caps.moderation, []);
    assert.deepEqual(caps.metrics, []);
    assert.equal(caps.stream, 'none');
    assert.deepEqual(caps.credentials, { expire: true, refreshable: true });
  });
});
