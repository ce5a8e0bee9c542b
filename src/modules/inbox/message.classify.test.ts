import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadInsights } from '../insights/index.ts';
import { classifyStats, classifyText, classifyTexts, classifyWorkers, setClassifyWorkers } from './message.classify.ts';

/** Ingest classification: the worker pool answers what the calling thread would, in the page's order. */
describe('message classification for ingest', () => {
  const initial = classifyWorkers();
  after(() => setClassifyWorkers(initial));
  const page = [
    ...Array.from({ length: 40 }, (_, i) => (i % 2 ? `Je suis très déçu, commande numéro ${i} jamais arrivée` : `Where can I buy the new shoes, size ${i}?`)),
    'Je suis très déçu, commande numéro 1 jamais arrivée', '', 'Love it!',
  ];

  test('worker threads give the same classifications as the calling thread, in the order of the texts (repeats included)', async () => {
    await loadInsights();
    const inline = page.map(classifyText);
    setClassifyWorkers(2);
    const before = classifyStats();
    const pooled = await classifyTexts(page);
    // The worker threads answered (a failing pool would fall back to this thread and still match).
    assert.deepEqual(classifyStats(), { pooled: before.pooled + 1, fallbacks: before.fallbacks });
    assert.deepEqual(pooled, inline);
    assert.equal(pooled[0]!.language, 'en');
    assert.equal(pooled[1]!.language, 'fr');
    assert.equal(pooled[41]!.language, null, 'an empty text stays unclassified');
    setClassifyWorkers(0);
    assert.deepEqual(await classifyTexts(page), inline);
  });
});
