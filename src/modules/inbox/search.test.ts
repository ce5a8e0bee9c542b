import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestApp, type Client, type TestApp } from '../../../test/support/app.ts';
import { workspaceWithEveryRole } from '../../../test/support/factories.ts';
import { interaction, makeOfflineChannel } from '../../../test/support/factories.inbox.ts';
import { ingestInteractions } from './ingest.service.ts';

/** Full-text search of the inbox: each message indexed in its language; stemming, case and accents; newest activity first. */
describe('inbox search', () => {
  let t: TestApp;
  let wid: string;
  let owner: Client;
  let ch: string;
  const conv: Record<string, string> = {};

  before(async () => {
    t = await startTestApp();
    const made = await workspaceWithEveryRole(t);
    wid = made.ws.id;
    owner = made.people.owner.client;
    const channel = await makeOfflineChannel(t.deps, wid);
    ch = channel.id;
    const texts: [string, string][] = [
      ['horses', 'Les chevaux sont arrivés en retard, je suis très déçu de la livraison'],
      ['ponies', 'The ponies were running late again, I am really disappointed with this order'],
      ['shoes', 'Where can I buy the new shoes? I would like to order two pairs'],
      ['colis', 'Mon colis est arrivé abîmé, les livraisons sont un désastre'],
    ];
    for (const [i, [key, text]] of texts.entries()) {
      const res = await ingestInteractions(t.deps, channel, [interaction({
        remoteId: key, root: `post-${key}`, inReplyTo: `post-${key}`, text, createdAt: new Date(Date.UTC(2026, 2, 1, 10, i)),
      })], { afterIngest: false });
      conv[key] = res.conversationIds[0]!;
    }
  });
  after(() => t.close());

  const search = async (q: string, qlang: string, extra = '') => {
    const res = await owner.get(`/api/workspaces/${wid}/inbox/conversations?channel=${ch}&q=${encodeURIComponent(q)}&qlang=${qlang}${extra}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.data.conversations.map((c: { id: string }) => c.id) as string[];
  };

  test('French stemming: a plural or another form finds the word (chevaux ← cheval, livraisons ← livraison)', async () => {
    assert.deepEqual(await search('cheval', 'fr'), [conv['horses']]);
    assert.deepEqual(await search('livraisons', 'fr'), [conv['colis'], conv['horses']]);
  });

  test('English stemming: runs finds running; ordering finds order', async () => {
    assert.deepEqual(await search('runs', 'en'), [conv['ponies']]);
    assert.deepEqual(await search('ordering', 'en'), [conv['shoes'], conv['ponies']]);
  });

  test('each message is indexed in its own language: an English text is not stemmed as French', async () => {
    assert.deepEqual(await search('running', 'fr'), [], 'the English message holds the stem "run", not "running"');
    assert.deepEqual(await search('cheval', 'en'), [conv['horses']], 'the French message holds the French stem');
  });

  test('case does not matter; accents do (the French configuration keeps them)', async () => {
    assert.deepEqual(await search('DÉÇU', 'fr'), [conv['horses']]);
    assert.deepEqual(await search('abîmé', 'fr'), [conv['colis']]);
    assert.deepEqual(await search('decu', 'fr'), []);
  });

  test('results are the conversations with a matching message, newest activity first, whatever their status when all are asked', async () => {
    await owner.patch(`/api/workspaces/${wid}/inbox/conversations/${conv['horses']}`, { status: 'closed' });
    assert.deepEqual(await search('livraison', 'fr'), [conv['colis']], 'the default status is open');
    assert.deepEqual(await search('livraison', 'fr', '&status=open,pending,snoozed,closed'), [conv['colis'], conv['horses']]);
    assert.deepEqual(await search('livraison OR order', 'any', '&status=open,pending,snoozed,closed'), [conv['colis'], conv['shoes'], conv['ponies'], conv['horses']]);
    const first = await owner.get(`/api/workspaces/${wid}/inbox/conversations?channel=${ch}&q=livraison%20OR%20order&status=open,pending,snoozed,closed&limit=2`);
    const second = await owner.get(`/api/workspaces/${wid}/inbox/conversations?channel=${ch}&q=livraison%20OR%20order&status=open,pending,snoozed,closed&limit=2&cursor=${first.data.nextCursor}`);
    assert.deepEqual([...first.data.conversations, ...second.data.conversations].map((c: { id: string }) => c.id), [conv['colis'], conv['shoes'], conv['ponies'], conv['horses']]);
  });
});
