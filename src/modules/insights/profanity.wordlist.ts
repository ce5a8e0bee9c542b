/**
 * Profanity flag from word lists (npm `naughty-words`, the LDNOOBW lists): a flag for the UI and
 * moderation rules, not the toxicity decision (word lists alone catch little of real toxic text).
 */
import { createRequire } from 'node:module';
import type { ModelLanguage } from './insights.types.ts';
import { MAX_CHARS } from './text.normalize.ts';

const require = createRequire(import.meta.url);

interface WordList {
  words: Set<string>;
  /** Phrases by their first word, each as its words (phrases that can never match are left out). */
  byFirst: Map<string, { phrase: string; parts: string[]; order: number }[]>;
}

const WORD_RE = /[\p{L}\p{N}]+/gu;
const WHOLE_WORD_RE = /^[\p{L}\p{N}]+$/u;

const lists = new Map<ModelLanguage, WordList>();

function fold(s: string): string {
  return s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}

function list(lang: ModelLanguage): WordList {
  let l = lists.get(lang);
  if (!l) {
    const raw = require(`naughty-words/${lang}.json`) as string[];
    const words = new Set<string>();
    const phrases: string[] = [];
    for (const w of raw) {
      const f = fold(w.trim());
      if (f.length === 0) continue;
      if (/\s/.test(f)) phrases.push(f);
      else words.add(f);
    }
    const byFirst: WordList['byFirst'] = new Map();
    phrases.forEach((phrase, order) => {
      const parts = phrase.split(' ');
      // A phrase is found between word boundaries of the text's words; one with punctuation or a
      // double space can never be (the text is read as words only).
      if (!parts.every((w) => WHOLE_WORD_RE.test(w))) return;
      const at = byFirst.get(parts[0]!) ?? [];
      at.push({ phrase, parts, order });
      byFirst.set(parts[0]!, at);
    });
    l = { words, byFirst };
    lists.set(lang, l);
  }
  return l;
}

/**
 * Profane words of the language's list found in the text (folded to lower case without accents), at
 * most 10: single words first in the order they appear, then phrases (whole words, in list order).
 * One pass over the text's words; phrases are looked up by their first word.
 */
export function findProfanity(text: string, lang: ModelLanguage): string[] {
  const l = list(lang);
  const t = fold(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
  const words = t.match(WORD_RE) ?? [];
  const found = new Set<string>();
  for (const w of words) {
    if (l.words.has(w)) found.add(w);
    if (found.size >= 10) return [...found];
  }
  const phrases: { phrase: string; order: number }[] = [];
  for (let i = 0; i < words.length; i++) {
    const candidates = l.byFirst.get(words[i]!);
    if (candidates === undefined) continue;
    for (const c of candidates) {
      let k = 1;
      while (k < c.parts.length && words[i + k] === c.parts[k]) k++;
      if (k === c.parts.length) phrases.push(c);
    }
  }
  for (const p of phrases.sort((a, b) => a.order - b.order)) found.add(p.phrase);
  return [...found].slice(0, 10);
}
