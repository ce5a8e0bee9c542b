import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { extractFeatures, featuresOfTokens } from './features.hashing.ts';
import { getModelFile } from './model.store.ts';
import { normalizeForModel, tokenize } from './text.normalize.ts';

// Texts from the repository's own labelled data (both languages, emoji, URLs, mentions), plus edge cases.
const data = path.join(import.meta.dirname, '..', '..', '..', 'data', 'nlp');
function sample(): string[] {
  const out = ['', '   ', '😡😡😡', 'ok', 'Nul !!!! Jamais reçu @marque https://x.y/z', "Service client injoignable, je ne suis pas content :("];
  const files = fs.existsSync(data) ? fs.readdirSync(data, { recursive: true }).map(String).filter((f) => f.endsWith('.jsonl') || f.endsWith('.tsv') || f.endsWith('.txt')) : [];
  for (const f of files) {
    const lines = fs.readFileSync(path.join(data, f), 'utf8').split('\n').filter(Boolean);
    for (let i = 0; i < lines.length; i += 3) out.push(lines[i]!.split('\t').at(-1)!);
  }
  return out;
}

describe('shared feature pass', () => {
  const texts = sample();
  const configs = ['language', 'sentiment-fr', 'sentiment-en', 'toxicity-fr', 'toxicity-en', 'intent-fr', 'intent-en']
    .flatMap((name) => getModelFile(name).members.map((m, i) => ({ name: `${name}#${i}`, cfg: m.features })));

  it('gives every shipped model the exact features of the direct computation', () => {
    assert.ok(texts.length > 500, `corpus sample too small (${texts.length})`);
    for (const text of texts) {
      const tokens = tokenize(normalizeForModel(text));
      // Several configurations in a row on the same text: the memoised analysis is reused.
      for (const { name, cfg } of configs) {
        const direct = featuresOfTokens(tokens, cfg);
        const shared = extractFeatures(text, cfg);
        assert.equal(shared.length, direct.length, `${name}: ${JSON.stringify(text)}`);
        assert.deepEqual(shared.index, direct.index, `${name}: ${JSON.stringify(text)}`);
        assert.deepEqual(shared.value, direct.value, `${name}: ${JSON.stringify(text)}`);
      }
    }
  });

  it('returns scratch buffers only when asked, and copies otherwise', () => {
    const cfg = configs[0]!.cfg;
    const a = extractFeatures('premier texte assez long', cfg);
    const copy = Array.from(a.index);
    extractFeatures('un tout autre texte', cfg, { reuse: true });
    assert.deepEqual(Array.from(a.index), copy);
  });
});
