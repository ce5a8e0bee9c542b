import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { FakeMastodon } from '../../connectors/mastodon/fake-mastodon.ts';
import { conversations, inboxReplies, messages, notifications } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeMastodonChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from './ingest.service.ts';
import { sendDueReplies } from './reply.service.ts';

/** Replies through the Mastodon connector (fake instance), the reply guard's paths, the collision guard, saved replies, notes. */
describe('inbox replies and the reply guard', () => {
  let t: TestApp;
  let fake: FakeMastodon;
  let wid: string;
  let people: Awaited<ReturnType<typeof workspaceWithEveryRole>>['people'];
  let owner: Client;
  let editor: Client;
  let moderator: Client;
  let analyst: Client;
  let channel: Awaited<ReturnType<typeof makeMastodonChannel>>;
  let brand: ReturnType<FakeMastodon['createAccount']>;
  let seq = 0;

  before(async () => {
    t = await startTestApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    fake = await new FakeMastodon().start();
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    people = made.people;
    owner = people.owner.client;
    editor = people.editor.client;
    moderator = people.moderator.client;
    analyst = people.analyst.client;
    brand = fake.createAccount('brand');
    channel = await makeMastodonChannel(t.deps, wid, fake, brand);
  });
  after(async () => {
    await fake.stop();
    await t.close();
  });

  /** A conversation whose message is a real status on the fake instance (so a reply can be published). */
  async function conversation(opts: { text?: string; followers?: number } = {}) {
    const fan = fake.createAccount(`fan${seq++}`, 'Camille Dupont');
    const res = await fetch(`${fake.url}/api/v1/statuses`, {
      method: 'POST', headers: { authorization: `Bearer ${fan.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: `@brand ${opts.text ?? 'Bonjour, où en est ma commande ?'}` }),
    });
    const status = (await res.json()) as { id: string };
    await ingestInteractions(t.deps, channel, [interaction({
      remoteId: status.id, kind: 'mention', root: null, inReplyTo: null, text: opts.text ?? 'Bonjour, où en est ma commande ?',
      author: { remoteId: fan.account.id, handle: `${fan.account.username}@x`, displayName: 'Camille Dupont', avatarUrl: null, followers: opts.followers ?? 10 },
      createdAt: t.clock.now,
    })], { afterIngest: false });
    const [conv] = await t.deps.db.select().from(conversations).where(and(eq(conversations.channelId, channel.id), eq(conversations.threadKey, `thread:${status.id}`)));
    return { id: conv!.id, statusId: status.id };
  }

  const setGuard = (body: Record<string, unknown>) => owner.request('PUT', `/api/workspaces/${wid}/inbox/guard`, { collisionSeconds: 0, ...body });

  beforeEach(async () => {
    t.clock.advance(60_000);
  });

  test('a calm reply is sent at once through the network, saved with its remote id, and stops the "unanswered" state', async () => {
    await setGuard({ mode: 'warn' });
    const c = await conversation();
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour Camille, votre commande part demain. Merci de votre patience !' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.data.guard.result, 'ok');
    assert.equal(res.data.reply.state, 'sent');
    const published = fake.statusesOf(brand.account.id).find((s) => s.id === res.data.reply.remoteId);
    assert.equal(published?.in_reply_to_id, c.statusId);
    const detail = await editor.get(`/api/workspaces/${wid}/inbox/conversations/${c.id}`);
    assert.equal(detail.data.conversation.hasUnanswered, false);
    assert.ok(detail.data.conversation.firstResponseAt);
    assert.deepEqual(detail.data.messages.map((m: { direction: string }) => m.direction), ['in', 'out'], 'oldest first');
  });

  test('warn mode: an angry reply is not sent; the guard says why; acknowledging sends it', async () => {
    await setGuard({ mode: 'warn', forbiddenPhrases: ['pas notre faute'] });
    const c = await conversation();
    const text = 'Ce n\'est pas notre faute, lisez les conditions au lieu de vous plaindre, c\'est ridicule et stupide.';
    const first = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text });
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.data.guard.result, 'warn');
    assert.equal(first.data.reply, null);
    assert.ok(first.data.guard.reasons.some((r: { code: string }) => r.code === 'charter'));
    assert.equal((await t.deps.db.select().from(inboxReplies).where(eq(inboxReplies.conversationId, c.id))).length, 0);
    const second = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text, acknowledgeWarnings: true });
    assert.equal(second.statusCode, 201);
    assert.equal(second.data.reply.state, 'sent');
    assert.equal(second.data.guard.result, 'warn');
  });

  test('the editorial charter\'s banned phrases are part of the guard', async () => {
    await setGuard({ mode: 'warn', forbiddenPhrases: [] });
    assert.equal((await owner.request('PUT', `/api/workspaces/${wid}/charter`, { toneNotes: '', rules: { bannedPhrases: { level: 'warn', phrases: ['geste commercial'] } } })).statusCode, 200);
    try {
      const c = await conversation();
      const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Merci, nous vous proposons un geste commercial.' });
      assert.equal(res.data.guard.result, 'warn');
      assert.ok(res.data.guard.reasons.some((r: { code: string; message: string }) => r.code === 'charter' && r.message.includes('geste commercial')));
      assert.equal(res.data.reply, null);
    } finally {
      await owner.request('PUT', `/api/workspaces/${wid}/charter`, { toneNotes: '', rules: {} });
    }
  });

  test('approval mode: a flagged reply waits; its author cannot approve it; a second person can, and it is sent', async () => {
    await setGuard({ mode: 'approval', forbiddenPhrases: ['remboursement impossible'] });
    const c = await conversation();
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Remboursement impossible, désolé.' });
    assert.equal(res.data.guard.result, 'needs_approval');
    assert.equal(res.data.reply.state, 'needs_approval');
    const asked = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'inbox.reply_approval'));
    assert.ok(asked.some((n) => n.userId === people.owner.user.id));
    assert.ok(!asked.some((n) => n.userId === people.editor.user.id));
    assert.equal((await editor.post(`/api/workspaces/${wid}/inbox/replies/${res.data.reply.id}/approve`)).statusCode, 403);
    const approved = await owner.post(`/api/workspaces/${wid}/inbox/replies/${res.data.reply.id}/approve`);
    assert.equal(approved.statusCode, 200, approved.body);
    assert.equal(approved.data.state, 'sent');
    assert.equal(approved.data.approvedBy, people.owner.user.id);
  });

  test('delay mode: a flagged reply waits N seconds with an undo; cancelled it never leaves, otherwise it is sent when due', async () => {
    await setGuard({ mode: 'delay', delaySeconds: 30, forbiddenPhrases: ['calmez-vous'] });
    const c = await conversation();
    const before = fake.statusesOf(brand.account.id).length;
    const a = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Calmez-vous, nous regardons.' });
    assert.equal(a.data.guard.result, 'delayed');
    assert.equal(new Date(a.data.guard.undoUntil).getTime(), t.clock.now.getTime() + 30_000);
    const cancel = await editor.post(`/api/workspaces/${wid}/inbox/replies/${a.data.reply.id}/cancel`);
    assert.equal(cancel.data.state, 'cancelled');
    t.clock.advance(31_000);
    assert.equal(await sendDueReplies(t.deps), 0);
    const b = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Calmez-vous, nous regardons.' });
    assert.equal(b.data.reply.state, 'delayed');
    assert.equal(await sendDueReplies(t.deps), 0, 'not before its time');
    t.clock.advance(31_000);
    assert.equal(await sendDueReplies(t.deps), 1);
    const [row] = await t.deps.db.select().from(inboxReplies).where(eq(inboxReplies.id, b.data.reply.id));
    assert.equal(row!.state, 'sent');
    assert.equal(fake.statusesOf(brand.account.id).length, before + 1);
    assert.equal((await editor.post(`/api/workspaces/${wid}/inbox/replies/${b.data.reply.id}/cancel`)).statusCode, 409, 'too late to undo');
  });

  test('the situation counts: a complaint from an account with a large audience is flagged even for a polite reply', async () => {
    await setGuard({ mode: 'warn', reachThreshold: 5000, forbiddenPhrases: [] });
    const c = await conversation({ text: 'Service client nul, ma commande est perdue depuis trois semaines, je suis furieux', followers: 50_000 });
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour, nous regardons votre commande tout de suite.' });
    assert.equal(res.data.guard.result, 'warn');
    assert.deepEqual(res.data.guard.reasons.map((r: { code: string }) => r.code), ['sensitive_situation']);
  });

  test('collision guard: a second reply within seconds of a teammate\'s asks for confirmation', async () => {
    await setGuard({ mode: 'off', collisionSeconds: 30 });
    const c = await conversation();
    assert.equal((await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour, on s\'en occupe.' })).statusCode, 201);
    t.clock.advance(5000);
    const second = await moderator.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour !' });
    assert.equal(second.statusCode, 409);
    assert.equal(second.data.error.code, 'reply_collision');
    const confirmed = await moderator.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour !', confirmCollision: true });
    assert.equal(confirmed.statusCode, 201);
  });

  test('saved replies fill the author\'s first name and the agent\'s name', async () => {
    await setGuard({ mode: 'off' });
    const c = await conversation();
    const saved = await editor.post(`/api/workspaces/${wid}/inbox/saved-replies`, { name: 'Merci', body: 'Merci {{first_name}} ! — {{agent_first_name}}, {{brand}}' });
    assert.equal(saved.statusCode, 201, saved.body);
    const rendered = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/saved-replies/${saved.data.id}/render`);
    assert.match(rendered.data.text, /^Merci Camille ! — editor, Brand /);
    const sent = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { savedReplyId: saved.data.id });
    assert.equal(sent.data.reply.text, rendered.data.text);
  });

  test('an analyst cannot reply (403) and nothing is sent; a moderator can', async () => {
    await setGuard({ mode: 'off' });
    const c = await conversation();
    const before = fake.statusesOf(brand.account.id).length;
    const res = await analyst.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour' });
    assert.equal(res.statusCode, 403);
    assert.equal(fake.statusesOf(brand.account.id).length, before);
    assert.equal((await moderator.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour' })).statusCode, 201);
  });

  test('a note with an @mention notifies that teammate, not the author; notes never reach the network', async () => {
    const c = await conversation();
    const before = fake.statusesOf(brand.account.id).length;
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/notes`, { body: `@[moderator person](${people.moderator.user.id}) peux-tu regarder ?` });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual(res.data.mentions, [people.moderator.user.id]);
    const notes = await t.deps.db.select().from(notifications).where(eq(notifications.kind, 'inbox.mention'));
    assert.deepEqual(notes.map((n) => n.userId), [people.moderator.user.id]);
    assert.equal(fake.statusesOf(brand.account.id).length, before);
    const bad = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/notes`, { body: 'x', mentions: [people.client.user.id] });
    assert.equal(bad.statusCode, 400, 'a client cannot read the inbox, so cannot be mentioned');
  });

  test('a network failure leaves the reply failed with the reason; retry sends it with the same idempotency key', async () => {
    await setGuard({ mode: 'off' });
    const c = await conversation();
    fake.failNext = { method: 'POST', path: '/api/v1/statuses', status: 422 };
    const res = await editor.post(`/api/workspaces/${wid}/inbox/conversations/${c.id}/replies`, { text: 'Bonjour, c\'est noté.' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.data.reply.state, 'failed');
    assert.ok(res.data.reply.error);
    const retry = await editor.post(`/api/workspaces/${wid}/inbox/replies/${res.data.reply.id}/retry`);
    assert.equal(retry.data.state, 'sent');
    const outs = await t.deps.db.select().from(messages).where(and(eq(messages.conversationId, c.id), eq(messages.direction, 'out')));
    assert.equal(outs.length, 1);
  });
});
