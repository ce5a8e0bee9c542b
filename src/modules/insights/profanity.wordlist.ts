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
  phrases: string[];
}

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
    l = { words, phrases };
    lists.set(lang, l);
  }
  return l;
}

/** Profane words of the language's list found in the text (folded to lower case without accents), at most 10. */
export function findProfanity(text: string, lang: ModelLanguage): string[] {
  const l = list(lang);
  const t = fold(text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text);
  const found = new Set<string>();
  for (const m of t.matchAll(/[\p{L}\p{N}]+/gu)) {
    if (l.words.has(m[0])) found.add(m[0]);
    if (found.size >= 10) break;
  }
  if (found.size < 10) {
    const spaced = ' ' + t.replace(/[^\p{L}\p{N}]+/gu, ' ') + ' ';
    for (const p of l.phrases) if (spaced.includes(' ' + p + ' ')) found.add(p);
  }
  return [...found].slice(0, 10);
}
