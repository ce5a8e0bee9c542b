import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLanguage, intent, loadInsights, sentiment, sentimentSync, toxicity, toxicitySync, intentSync } from './index.ts';

await loadInsights();

describe('detectLanguage', () => {
  it('tells French from English in short brand messages', async () => {
    assert.equal((await detectLanguage('Vous livrez en Belgique le samedi ?')).lang, 'fr');
    assert.equal((await detectLanguage('Do you ship to Canada on Saturdays?')).lang, 'en');
  });
  it('returns und for empty, emoji-only, binary and two-letter text', async () => {
    for (const t of ['', '   \n\t', '😡😡😡', 'ok', '\u0000\u0001\u0002\u0003abc\u0004\u0005\ufffd\ufffd']) {
      assert.equal((await detectLanguage(t)).lang, 'und', JSON.stringify(t));
    }
  });
  it('returns und for a language Passerelle does not handle', async () => {
    assert.equal((await detectLanguage('Это очень плохой сервис, я недоволен')).lang, 'und');
  });
});

describe('sentiment', () => {
  it('gets a clearly negative French complaint right and names what drove it', async () => {
    const r = await sentiment("Franchement nul, colis jamais arrivé et service client injoignable, je suis furieux", 'fr');
    assert.equal(r.label, 'negative');
    assert.ok(r.score < 0);
    assert.ok(r.drivers.length > 0);
    assert.ok(r.drivers.every((d) => d.weight > 0));
  });
  it('gets a clearly positive English post right', async () => {
    const r = await sentiment('I love this, the team was amazing and so helpful! Best day ever 😍', 'en');
    assert.equal(r.label, 'positive');
    assert.ok(r.probabilities.positive > r.probabilities.negative);
  });
  it('detects the language when asked for auto', async () => {
    const r = await sentiment('Trop déçue, la qualité est horrible, je ne rachèterai jamais', 'auto');
    assert.equal(r.lang, 'fr');
    assert.equal(r.label, 'negative');
  });
  it('answers neutral, flagged, for unsupported languages and empty text', async () => {
    const de = await sentiment('Das ist wirklich ein schrecklicher Kundendienst, ich bin sehr enttäuscht', 'auto');
    assert.equal(de.label, 'neutral');
    assert.equal(de.fallback, 'unsupported-language');
    assert.equal(de.lang, 'de');
    const empty = await sentiment('  ', 'auto');
    assert.equal(empty.fallback, 'empty');
    assert.equal(empty.label, 'neutral');
  });
  it('still reads the mood of emoji-only text', () => {
    assert.equal(sentimentSync('😡😡😡', 'auto').label, 'negative');
  });
});

describe('toxicity', () => {
  it('flags a French insult as toxic, with profanity', async () => {
    const r = await toxicity('ferme ta gueule espèce de connard', 'fr');
    assert.equal(r.toxic, true);
    assert.equal(r.profanity, true);
    assert.ok(r.profaneWords.includes('connard'));
    assert.ok(r.drivers.length > 0);
  });
  it('scores an insult above a polite English question', () => {
    const insult = toxicitySync('you are a fucking idiot, shut up', 'en');
    const polite = toxicitySync('Could you tell me when the store opens tomorrow?', 'en');
    assert.equal(insult.toxic, true);
    assert.equal(polite.toxic, false);
    assert.ok(insult.score > polite.score);
  });
});

describe('intent', () => {
  it('recognises French questions, complaints, suggestions, praise and purchase intent', async () => {
    assert.ok((await intent('Bonjour, vous êtes ouverts le dimanche ?', 'fr')).labels.includes('question'));
    assert.ok((await intent('Commande reçue cassée et toujours pas remboursée, inadmissible', 'fr')).labels.includes('complaint'));
    assert.ok((await intent('Ce serait top de pouvoir payer en plusieurs fois', 'fr')).labels.includes('suggestion'));
    assert.ok((await intent('Merci pour votre accueil, équipe au top !', 'fr')).labels.includes('praise'));
    assert.ok((await intent('Je voudrais commander 30 exemplaires pour mon entreprise', 'fr')).labels.includes('purchase-intent'));
  });
  it('answers other for small talk and for text without words', () => {
    assert.deepEqual(intentSync('😂😂', 'fr').labels, ['other']);
    assert.deepEqual(intentSync('', 'auto').labels, ['other']);
  });
  it('reads short English praise as praise, not as a suggestion', () => {
    for (const t of ['I love it', 'love it!', 'Thanks so much!']) assert.deepEqual(intentSync(t, 'en').labels, ['praise'], t);
    assert.deepEqual(intentSync('You should add a dark mode', 'en').labels, ['suggestion']);
  });
  it('gives every intent a score in [0, 1]', () => {
    const r = intentSync('Where can I buy it?', 'en');
    for (const v of Object.values(r.scores)) assert.ok(v >= 0 && v <= 1);
  });
});

describe('bad input', () => {
  it('handles 100 KB of text in well under a second, for every task', () => {
    const big = 'Le service est vraiment nul et je suis déçu. '.repeat(2300);
    assert.ok(big.length > 100_000);
    const t0 = performance.now();
    sentimentSync(big, 'auto');
    toxicitySync(big, 'auto');
    intentSync(big, 'auto');
    assert.ok(performance.now() - t0 < 1000, `took ${performance.now() - t0} ms`);
  });
  it('does not blow up on one 100 KB word or binary-looking bytes', () => {
    const word = 'a'.repeat(100_000);
    const bin = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const t0 = performance.now();
    for (const t of [word, bin]) {
      sentimentSync(t, 'auto');
      toxicitySync(t, 'fr');
      intentSync(t, 'en');
    }
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(sentimentSync('\u0000\u0001\u0002\u0003\u0004\u0005', 'fr').fallback, 'binary');
  });
});
