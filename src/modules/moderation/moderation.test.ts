import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { and, eq } from 'drizzle-orm';
import { conversations, messages, moderationActions } from '../../db/schema/index.ts';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from '../inbox/ingest.service.ts';
import { compileRule, type MessageFacts } from './rule.engine.ts';
import { runRulesOnMessages } from './rule.engine.ts';
import { findKeywords } from './text.match.ts';

const facts = (over: Partial<MessageFacts>): MessageFacts => ({
  id: 'm', conversationId: 'c', channelId: 'ch', network: 'bluesky', kind: 'reply', text: '', language: 'fr', sentiment: 'neutral', toxicity: 0.1,
  profanity: false, intents: [], authorRemoteId: 'a', authorHandle: 'a', authorFollowers: 100, contactFirstSeenAt: new Date('2020-01-01'),
  createdAt: new Date(), ingestedAt: new Date(), repeats: 0, onBlockList: false, onAllowList: false, ...over,
});

describe('rule conditions', () => {
  test('keywords ignore accents and case, respect word boundaries, and match phrases', () => {
    assert.deepEqual(findKeywords('Quelle ARNAQUE, vraiment décevant', ['arnaque', 'decevant']), ['arnaque', 'decevant']);
    assert.deepEqual(findKeywords('Les arnaqueurs sont partout', ['arnaque']), [], 'no match inside a longer word');
    assert.deepEqual(findKeywords('Les arnaqueurs sont partout', ['arnaque*']), ['arnaque*'], 'a prefix with *');
    assert.deepEqual(findKeywords('Service   CLIENT nul !', ['service client']), ['service client']);
    assert.deepEqual(findKeywords('servicé clients', ['service client']), []);
  });

  test('all / any, negation, toxicity, sentiment, language, spam and author lists', () => {
    const now = new Date();
    const toxicFr = compileRule('all', [{ type: 'toxicity', min: 0.8 }, { type: 'language', in: ['fr'] }], now);
    assert.equal(toxicFr(facts({ toxicity: 0.9 })).matched, true);
    assert.equal(toxicFr(facts({ toxicity: 0.9, language: 'en' })).matched, false);
    const any = compileRule('any', [{ type: 'profanity' }, { type: 'sentiment', in: ['negative'] }], now);
    assert.deepEqual(any(facts({ sentiment: 'negative' })).reasons, ['sentiment: negative']);
    assert.equal(any(facts({})).matched, false);
    const notAllowed = compileRule('all', [{ type: 'keywords', words: ['promo'] }, { type: 'author_list', list: 'allow', negate: true }], now);
    assert.equal(notAllowed(facts({ text: 'promo !' })).matched, true);
    assert.equal(notAllowed(facts({ text: 'promo !', onAllowList: true })).matched, false);
    const spam = compileRule('all', [{ type: 'spam', signals: ['links', 'new_account'] }], now);
    assert.equal(spam(facts({ text: 'gagnez http://x.example' })).matched, true);
    assert.equal(spam(facts({ contactFirstSeenAt: now, authorFollowers: 2 })).matched, true);
    assert.equal(spam(facts({ text: 'rien' })).matched, false);
    const regex = compileRule('all', [{ type: 'regex', pattern: '\\b\\d{2}(\\s?\\d{2}){4}\\b' }], now);
    assert.equal(regex(facts({ text: 'appelez le 06 12 34 56 78' })).matched, true);
  });
});

describe('moderation rules', () => {
  let t: TestApp;
  let wid: string;
  let moderator: Client;
  let analyst: Client;
  let editor: Client;
  before(async () => {
    t = await startTestApp();
    const { ws, people } = await workspaceWithEveryRole(t);
    wid = ws.id;
    moderator = people.moderator.client;
    analyst = people.analyst.client;
    editor = people.editor.client;
  });
  after(() => t.close());

  const toxicRule = { name: 'Hide insults', match: 'any', conditions: [{ type: 'keywords', words: ['connard', 'idiot'] }, { type: 'toxicity', min: 0.95 }], actions: [{ type: 'hide' }, { type: 'tag', tag: 'insulte' }] };

  test('an unsafe regular expression is refused with the field named', async () => {
    const res = await moderator.post(`/api/workspaces/${wid}/moderation/rules`, { name: 'bad', conditions: [{ type: 'regex', pattern: '(a+)+$' }], actions: [{ type: 'hide' }] });
    assert.equal(res.statusCode, 400);
    assert.match(res.data.error.field, /conditions/);
  });

  test('an analyst and an editor cannot manage rules; a moderator can', async () => {
    assert.equal((await analyst.post(`/api/workspaces/${wid}/moderation/rules`, toxicRule)).statusCode, 403);
    assert.equal((await editor.get(`/api/workspaces/${wid}/moderation/rules`)).statusCode, 403);
    assert.equal((await moderator.get(`/api/workspaces/${wid}/moderation/rules`)).statusCode, 200);
  });

  let channelId: string;
  test('a dry run shows what a rule would have done on the last 30 days, and does nothing', async () => {
    const ch = await makeOfflineChannel(t.deps, wid, 'mastodon');
    channelId = ch.id;
    const old = new Date(t.clock.now.getTime() - 40 * 86_400_000);
    await ingestInteractions(t.deps, ch, [
      interaction({ remoteId: 'd1', root: 'p', inReplyTo: 'p', text: 'Espèce d\'IDIOT, rendez-moi mon argent' }),
      interaction({ remoteId: 'd2', root: 'p', inReplyTo: 'p', text: 'Merci beaucoup pour votre aide' }),
      interaction({ remoteId: 'd3', root: 'q', inReplyTo: 'q', text: 'Quel idiot ce produit', createdAt: old }),
    ], { afterIngest: false });
    const res = await moderator.post(`/api/workspaces/${wid}/moderation/dry-run`, toxicRule);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.matched, 1, 'the 40-day-old message is out of the window');
    assert.equal(res.data.scanned, 2);
    assert.deepEqual(res.data.byAction, { hide: 1, tag: 1 });
    assert.match(res.data.samples[0].reasons[0], /keywords: idiot/);
    assert.equal((await t.deps.db.select().from(moderationActions)).length, 0);
    assert.equal((await t.deps.db.select().from(messages).where(eq(messages.hidden, true))).length, 0);
  });

  test('an enabled rule acts on new messages right after ingest, once, logged with its rule; Mastodon hiding is local and says so', async () => {
    t.clock.advance(1000);
    const created = await moderator.post(`/api/workspaces/${wid}/moderation/rules`, { ...toxicRule, enabled: true });
    assert.equal(created.statusCode, 201, created.body);
    const ch = { id: channelId, workspaceId: wid, network: 'mastodon' };
    const res = await ingestInteractions(t.deps, ch, [interaction({ remoteId: 'n1', root: 'p', inReplyTo: 'p', text: 'Espèce de CONNARD' })], { afterIngest: false });
    await runRulesOnMessages(t.deps, wid, res.messageIds);
    await runRulesOnMessages(t.deps, wid, res.messageIds); // the job replayed
    const log = await moderator.get(`/api/workspaces/${wid}/moderation/actions?ruleId=${created.data.id}`);
    assert.equal(log.data.actions.length, 2, 'hide + tag, each once');
    const hide = log.data.actions.find((a: { action: string }) => a.action === 'hide');
    assert.equal(hide.state, 'local_only');
    assert.match(hide.note, /mastodon/i);
    assert.equal(hide.ruleName, 'Hide insults');
    const [msg] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, channelId), eq(messages.remoteId, 'n1')));
    assert.equal(msg!.hidden, true);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.id, msg!.conversationId));
    assert.ok(conv!.tags.includes('insulte'));
    // Messages ingested before the rule was switched on are left alone.
    const [earlier] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, channelId), eq(messages.remoteId, 'd1')));
    await runRulesOnMessages(t.deps, wid, [earlier!.id]);
    const [still] = await t.deps.db.select().from(messages).where(eq(messages.id, earlier!.id));
    assert.equal(still!.hidden, false);
    assert.equal((await t.deps.db.select().from(moderationActions).where(eq(moderationActions.messageId, earlier!.id))).length, 0);
  });

  test('undo restores what the action changed and is logged; undoing twice is refused', async () => {
    const log = await moderator.get(`/api/workspaces/${wid}/moderation/actions`);
    const hide = log.data.actions.find((a: { action: string; state: string }) => a.action === 'hide' && a.state === 'local_only');
    const tag = log.data.actions.find((a: { action: string }) => a.action === 'tag');
    assert.equal((await analyst.post(`/api/workspaces/${wid}/moderation/actions/${hide.id}/undo`)).statusCode, 403);
    const undone = await moderator.post(`/api/workspaces/${wid}/moderation/actions/${hide.id}/undo`);
    assert.equal(undone.statusCode, 200, undone.body);
    assert.equal(undone.data.state, 'undone');
    assert.equal((await moderator.post(`/api/workspaces/${wid}/moderation/actions/${tag.id}/undo`)).statusCode, 200);
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, hide.messageId));
    assert.equal(msg!.hidden, false);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.id, hide.conversationId));
    assert.ok(!conv!.tags.includes('insulte'));
    const again = await moderator.post(`/api/workspaces/${wid}/moderation/actions/${hide.id}/undo`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.data.error.code, 'not_undoable');
  });

  test('a moderator hides one message by hand; an analyst cannot', async () => {
    const [msg] = await t.deps.db.select().from(messages).where(and(eq(messages.channelId, channelId), eq(messages.remoteId, 'd2')));
    assert.equal((await analyst.post(`/api/workspaces/${wid}/inbox/messages/${msg!.id}/moderate`, { action: 'hide' })).statusCode, 403);
    const res = await moderator.post(`/api/workspaces/${wid}/inbox/messages/${msg!.id}/moderate`, { action: 'hide' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.data.ruleId, null);
    const detail = await moderator.get(`/api/workspaces/${wid}/inbox/conversations/${msg!.conversationId}`);
    assert.equal(detail.data.messages.find((m: { id: string }) => m.id === msg!.id).hidden, true);
  });

  test('hiding a Bluesky direct message is applied in Passerelle only, with no network call', async () => {
    const bsky = await makeOfflineChannel(t.deps, wid, 'bluesky');
    const res = await ingestInteractions(t.deps, bsky, [
      interaction({ remoteId: 'chat:convo-1:msg-1', kind: 'dm', root: null, inReplyTo: null, text: 'Espèce de connard', raw: { conversationId: 'convo-1' } }),
    ], { afterIngest: false });
    // The channel has no credentials: any network call would fail the action instead of recording it.
    await runRulesOnMessages(t.deps, wid, res.messageIds);
    const [action] = await t.deps.db.select().from(moderationActions).where(and(eq(moderationActions.messageId, res.messageIds[0]!), eq(moderationActions.action, 'hide')));
    assert.equal(action!.state, 'local_only', action!.note ?? '');
    assert.match(action!.note ?? '', /direct message cannot be hidden on bluesky/);
    const [msg] = await t.deps.db.select().from(messages).where(eq(messages.id, res.messageIds[0]!));
    assert.equal(msg!.hidden, true);
  });

  test('a blocked author is caught by an author-list rule', async () => {
    await moderator.post(`/api/workspaces/${wid}/moderation/authors`, { list: 'block', network: 'mastodon', author: 'troll-1' });
    const rule = await moderator.post(`/api/workspaces/${wid}/moderation/rules`, { name: 'Blocked', enabled: true, conditions: [{ type: 'author_list', list: 'block' }], actions: [{ type: 'escalate' }] });
    assert.equal(rule.statusCode, 201);
    const res = await ingestInteractions(t.deps, { id: channelId, workspaceId: wid, network: 'mastodon' }, [
      interaction({ remoteId: 'b1', root: 'z', inReplyTo: 'z', text: 'bonjour', author: { remoteId: 'troll-1', handle: 'troll', displayName: null, avatarUrl: null } }),
    ], { afterIngest: false });
    await runRulesOnMessages(t.deps, wid, res.messageIds);
    const [conv] = await t.deps.db.select().from(conversations).where(eq(conversations.id, res.conversationIds[0]!));
    assert.equal(conv!.priority, 'urgent');
  });
});
