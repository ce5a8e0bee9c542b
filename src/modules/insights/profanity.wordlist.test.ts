import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findProfanity } from './profanity.wordlist.ts';
import { MAX_CHARS } from './text.normalize.ts';

const require = createRequire(import.meta.url);
const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** The straightforward reading (every phrase searched in the spaced text), kept as the reference. */
function reference(text: string, lang: 'fr' | 'en'): string[] {
  const raw = (require(`naughty-words/${lang}.json`) as string[]).map((w) => fold(w.trim())).filter(Boolean);
  const words = new Set(raw.filter((w) => !/\s/.test(w)));
  const phrases = raw.filter((w) => /\s/.test(w));
  const t = fold(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
  const found = new Set<string>();
  for (const m of t.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (words.has(m[0])) found.add(m[0]);
    if (found.size >= 10) break;
  }
  if (found.size < 10) {
    const spaced = ' ' + t.replace(/[^\p{L}\p{N}]+/gu, ' ') + ' ';
    for (const p of phrases) if (spaced.includes(' ' + p + ' ')) found.add(p);
  }
  return [...found].slice(0, 10);
}

describe('findProfanity', () => {
  it('finds words and multi-word phrases on word boundaries only', () => {
    const en = require('naughty-words/en.json') as string[];
    const phrase = en.find((w) => /^[a-z]+( [a-z]+)+$/.test(w))!;
    assert.deepEqual(findProfanity(`well, ${phrase.toUpperCase()}!`, 'en'), [phrase]);
    assert.deepEqual(findProfanity(`well ${phrase}s`, 'en').includes(phrase), false);
    assert.deepEqual(findProfanity('Quel CONNARD, vraiment', 'fr'), ['connard']);
    assert.deepEqual(findProfanity('Rien à signaler', 'fr'), []);
  });

  it('answers exactly as the reference reading on the labelled data and on every list entry', () => {
    const texts: string[] = [];
    for (const lang of ['fr', 'en'] as const) {
      const list = require(`naughty-words/${lang}.json`) as string[];
      for (const w of list) texts.push(`avant ${w} après`, `${w}${w}`, `« ${w.toUpperCase()} »`);
    }
    const data = path.join(import.meta.dirname, '..', '..', '..', 'data', 'nlp');
    for (const f of fs.readdirSync(data, { recursive: true }).map(String).filter((f) => f.endsWith('.tsv'))) {
      texts.push(...fs.readFileSync(path.join(data, f), 'utf8').split('\n').map((l) => l.split('\t').at(-1)!));
    }
    assert.ok(texts.length > 2000);
    for (const text of texts) for (const lang of ['fr', 'en'] as const) assert.deepEqual(findProfanity(text, lang), reference(text, lang), `${lang}: ${text}`);
  });
});
