/**
 * Language detection with eld, restricted to the languages Passerelle handles. eld's n-gram
 * database is loaded once, lazily (`loadLanguageDetector()` can warm it up ahead of time).
 */
import { eld } from 'eld';
import type { DetectedLanguage, LanguageResult } from './insights.types.ts';
import { hasLetters, isBlank, looksBinary } from './text.normalize.ts';

export const DETECTABLE_LANGUAGES = ['fr', 'en', 'de', 'es', 'it', 'pt'] as const;

/** Text is cut to this many characters before detection: plenty to tell a language, bounded time. */
const DETECT_CHARS = 1000;
/** Below this many letters there is too little to tell a language apart. */
const MIN_LETTERS = 3;

interface Detector {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
  setLanguageSubset(languages: string[] | boolean): unknown;
}

let detector: Detector | undefined;
let loading: Promise<Detector> | undefined;

/** Loads eld's n-gram data (medium database) once; later calls return the same promise. */
export function loadLanguageDetector(): Promise<void> {
  loading ??= (async () => {
    const inst = (eld as unknown as { newInstance(): Detector & { load(size: string): Promise<unknown> } }).newInstance();
    await inst.load('medium');
    inst.setLanguageSubset([...DETECTABLE_LANGUAGES]);
    detector = inst;
    return inst;
  })();
  return loading.then(() => undefined);
}

const UND: LanguageResult = { lang: 'und', confidence: 0, reliable: false };
const STRIP_RE = /https?:\/\/\S+|www\.\S+|[@#][\p{L}\p{N}_]+|\bRT\b/gu;

/** Detect synchronously; call (and await) `loadLanguageDetector()` once before. */
export function detectLanguageSync(text: string): LanguageResult {
  if (!detector) throw new Error('language detector not loaded: await loadLanguageDetector() first');
  if (isBlank(text) || looksBinary(text)) return UND;
  const cut = text.length > DETECT_CHARS ? text.slice(0, DETECT_CHARS) : text;
  // mentions, hashtags and links carry names, not language
  let clean = cut.replace(STRIP_RE, ' ');
  if (!hasLetters(clean)) clean = cut;
  let letters = 0;
  for (const ch of clean) if (/\p{L}/u.test(ch) && ++letters >= MIN_LETTERS) break;
  if (letters < MIN_LETTERS) return UND;
  const r = detector.detect(clean);
  const lang = (DETECTABLE_LANGUAGES as readonly string[]).includes(r.language) ? (r.language as DetectedLanguage) : 'und';
  if (lang === 'und') return UND;
  const score = r.getScores()[lang] ?? 0;
  return { lang, confidence: Math.round(Math.min(1, score) * 1000) / 1000, reliable: r.isReliable() };
}

/** Detect the language of a text: `fr`, `en`, `de`, `es`, `it`, `pt`, or `und` when it cannot be told. */
export async function detectLanguage(text: string): Promise<LanguageResult> {
  await loadLanguageDetector();
  return detectLanguageSync(text);
}
