import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { FakeGoogleBusiness } from '../../src/connectors/google-business/fake-google-business.ts';
import { conversations, messages } from '../../src/db/schema/index.ts';
import { pollChannel } from '../../src/modules/inbox/ingest.service.ts';
import { startTestApp, type Client, type TestApp } from '../support/app.ts';
import { workspaceWithEveryRole } from '../support/factories.ts';
import { makeGoogleBusinessChannel } from '../support/factories.google.ts';

/**
 * Google reviews through the inbox, end to end on the server: the poll job's `pollChannel` reads a
 * location's reviews from a local fake of the Business Profile API (a contract test: no Google), the
 * inbox threads each review as its own conversation with its stars, an edit becomes a new message of
 * that conversation, and a reply goes out as one `PUT …/reply`.
 */
describe('inbox: Google Business Profile reviews (contract)', () => {
  let t: TestApp;
  let fake: FakeGoogleBusiness;
  let wid: string;
  let editor: Client;
  let owner: Client;
  let channelId: string;
  let location: string;
  let praised: string;
  let starsOnly: string;
  const day = 86_400_000;
  const at = (msAgo: number) => new Date(t.clock.now.getTime() - msAgo);

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    fake = await new FakeGoogleBusiness().start();
    fake.now = () => t.clock.now;
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    editor = made.people.editor.client;
    owner = made.people.owner.client;
    const ch = await makeGoogleBusinessChannel(t.deps, wid, fake);
    channelId = ch.channel.id;
    location = ch.location;
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  const reviewConversations = () => t.deps.db.select().from(conversations).where(and(eq(conversations.channelId, channelId), eq(conversations.kind, 'review')));
  const list = async () => (await editor.get(`/api/workspaces/${wid}/inbox/conversations?channel=${channelId}`)).data.conversations as { id: string; kind: string; rating: number | null; preview: string | null }[];

  test('the first poll brings the last 7 days of reviews, each its own review conversation with its stars', async () => {
    fake.addReview(location, { stars: 1, comment: 'Too old for the backfill', at: at(10 * day) });
    praised = fake.addReview(location, { stars: 4, comment: 'Great coffee, slow service', author: 'Léa Martin', at: at(2 * day) });
    starsOnly = fake.addReview(location, { stars: 5, author: null, at: at(day) });
    const res = await pollChannel(t.deps, channelId);
    assert.equal(res.inserted, 2);
    const convs = await reviewConversations();
    assert.deepEqual(convs.map((c) => c.threadKey).sort(), [`review:${praised}`, `review:${starsOnly}`].sort());
    const items = await list();
    assert.equal(items.length, 2);
    const byPreview = Object.fromEntries(items.map((c) => [c.preview, c]));
    assert.equal(byPreview['Great coffee, slow service']!.rating, 4);
    assert.equal(byPreview['']!.rating, 5, 'a rating alone is a review with empty text');
    const detail = await editor.get(`/api/workspaces/${wid}/inbox/conversations/${byPreview['Great coffee, slow service']!.id}`);
    assert.equal(detail.data.messages.length, 1);
    assert.equal(detail.data.messages[0].kind, 'review');
    assert.equal(detail.data.messages[0].rating, 4);
    assert.equal(detail.data.messages[0].author.name, 'Léa Martin');
  });

  test('an edited review becomes a new message of the same conversation, with the new stars; polling again adds nothing', async () => {
    t.clock.advance(60_000);
    fake.editReview(praised, { stars: 2, comment: 'Changed my mind: waited 40 minutes', at: t.clock.now });
    t.clock.advance(60_000);
    assert.equal((await pollChannel(t.deps, channelId)).inserted, 1);
    assert.equal((await pollChannel(t.deps, channelId)).inserted, 0, 'idempotent');
    const [conv] = (await reviewConversations()).filter((c) => c.threadKey === `review:${praised}`);
    const msgs = await t.deps.db.select().from(messages).where(eq(messages.conversationId, conv!.id)).orderBy(messages.createdAt);
    assert.deepEqual(msgs.map((m) => [m.text, m.rating]), [['Great coffee, slow service', 4], ['Changed my mind: waited 40 minutes', 2]]);
    assert.equal(conv!.messageCount, 2);
    assert.equal((await reviewConversations()).length, 2, 'no new conversation');
    assert.equal((await list()).find((c) => c.id === conv!.id)!.rating, 2, 'the list shows the latest stars');
  });

  test('a reply goes out as exactly one PUT on the review, and shows as our message', async () => {
    assert.equal((await owner.request('PUT', `/api/workspaces/${wid}/inbox/guard`, { mode: 'warn', collisionSeconds: 0 })).statusCode, 200);
    const [conv] = (await reviewConversations()).filter((c) => c.threadKey === `review:${praised}`);
    const before = fake.requests.length;
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${conv!.id}/replies`, { text: 'Léa, we are sorry for the wait: come back for a coffee on us.' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.data.reply.state, 'sent');
    const puts = fake.requests.slice(before).filter((r) => r.method === 'PUT');
    assert.equal(puts.length, 1);
    assert.equal(puts[0]!.path, `/v4/${praised}/reply`);
    assert.equal(fake.review(praised)!.reviewReply!.comment, 'Léa, we are sorry for the wait: come back for a coffee on us.');
    const detail = await editor.get(`/api/workspaces/${wid}/inbox/conversations/${conv!.id}`);
    assert.deepEqual(detail.data.messages.map((m: { direction: string }) => m.direction), ['in', 'in', 'out']);
    assert.equal(detail.data.conversation.hasUnanswered, false);
    assert.equal((await pollChannel(t.deps, channelId)).inserted, 0, 'our reply is not read back as a review edit');
  });

  test('the publishing API refuses a post targeting a location channel, naming the field', async () => {
    const res = await editor.post(`/api/workspaces/${wid}/posts`, { variants: [{ channelId, text: 'Summer menu!' }] });
    assert.equal(res.statusCode, 400, res.body);
    assert.equal(res.data.error.field, 'variants[0].channelId');
    assert.match(res.data.error.message, /cannot publish posts/);
  });

  test('a post cannot be published on a location channel (replies only)', async () => {
    const res = await editor.post(`/api/workspaces/${wid}/channels/${channelId}/posts`, { text: 'A post' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'replyTo');
  });
});
