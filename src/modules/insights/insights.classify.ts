/**
 * Sentiment, toxicity and intent on top of the shipped models. Synchronous once the language
 * detector is loaded (the `*Sync` functions are for hot loops: CLI, batch jobs); the async
 * wrappers in index.ts load it for you.
 */
import { detectLanguageSync } from './language.detect.ts';
import { explain, logits, probabilities } from './model.linear.ts';
import { getModel } from './model.store.ts';
import { findProfanity } from './profanity.wordlist.ts';
import {
  type DetectedLanguage,
  type FallbackReason,
  INTENT_LABELS,
  type IntentLabel,
  type IntentResult,
  type LanguageHint,
  type ModelLanguage,
  type SentimentLabel,
  type SentimentResult,
  type ToxicityResult,
} from './insights.types.ts';
import { hasLetters, isBlank, looksBinary } from './text.normalize.ts';

export interface ClassifyOptions {
  /** Compute `drivers` (top features). Default true; batch callers may switch it off for speed. */
  explain?: boolean;
}

type Resolved = { model: ModelLanguage; lang: DetectedLanguage } | { fallback: FallbackReason; lang: DetectedLanguage };

/**
 * Which model reads the text. Emoji/symbol-only text has no language but still carries sentiment,
 * so it is read by the English model (whose lexicon covers emoji) and reported as `und`.
 */
function resolve(text: string, hint: LanguageHint): Resolved {
  if (isBlank(text)) return { fallback: 'empty', lang: 'und' };
  if (looksBinary(text)) return { fallback: 'binary', lang: 'und' };
  if (hint === 'fr' || hint === 'en') return { model: hint, lang: hint };
  if (hint !== 'auto' && hint !== 'und') return { fallback: 'unsupported-language', lang: hint };
  if (!hasLetters(text)) return { model: 'en', lang: 'und' };
  const detected = hint === 'und' ? 'und' : detectLanguageSync(text).lang;
  if (detected === 'fr' || detected === 'en') return { model: detected, lang: detected };
  return { fallback: 'unsupported-language', lang: detected };
}

const SENTIMENT_LABELS: SentimentLabel[] = ['negative', 'neutral', 'positive'];

/** Sentiment of one text; see `sentiment` in index.ts. */
export function sentimentSync(text: string, lang: LanguageHint = 'auto', opts: ClassifyOptions = {}): SentimentResult {
  const r = resolve(text, lang);
  if ('fallback' in r) {
    return {
      label: 'neutral',
      score: 0,
      probabilities: { negative: 0, neutral: 1, positive: 0 },
      lang: r.lang,
      fallback: r.fallback,
      drivers: [],
    };
  }
  const model = getModel('sentiment', r.model);
  const p = probabilities(model, logits(model, text));
  let k = 0;
  for (let i = 1; i < p.length; i++) if ((p[i] as number) > (p[k] as number)) k = i;
  const round = (v: number | undefined) => Math.round((v ?? 0) * 1000) / 1000;
  return {
    label: SENTIMENT_LABELS[k] as SentimentLabel,
    score: round((p[2] ?? 0) - (p[0] ?? 0)),
    probabilities: { negative: round(p[0]), neutral: round(p[1]), positive: round(p[2]) },
    lang: r.lang,
    drivers: opts.explain === false ? [] : explain(model, text, k),
  };
}

/** Toxicity of one text; see `toxicity` in index.ts. */
export function toxicitySync(text: string, lang: LanguageHint = 'auto', opts: ClassifyOptions = {}): ToxicityResult {
  const r = resolve(text, lang);
  if ('fallback' in r) {
    return { toxic: false, score: 0, threshold: 0.5, profanity: false, profaneWords: [], lang: r.lang, fallback: r.fallback, drivers: [] };
  }
  const model = getModel('toxicity', r.model);
  const score = probabilities(model, logits(model, text))[0] ?? 0;
  const threshold = model.thresholds[0] ?? 0.5;
  const profaneWords = findProfanity(text, r.model);
  const toxic = score >= threshold;
  return {
    toxic,
    score: Math.round(score * 1000) / 1000,
    threshold,
    profanity: profaneWords.length > 0,
    profaneWords,
    lang: r.lang,
    drivers: opts.explain === false || !toxic ? [] : explain(model, text, 0),
  };
}

const MAX_INTENTS = 2;

type IntentScores = Record<Exclude<IntentLabel, 'other'>, number>;

/** Intents of one text; see `intent` in index.ts. */
export function intentSync(text: string, lang: LanguageHint = 'auto', opts: ClassifyOptions = {}): IntentResult {
  const r = resolve(text, lang);
  const zero = Object.fromEntries(INTENT_LABELS.map((l) => [l, 0])) as IntentScores;
  if ('fallback' in r) return { labels: ['other'], scores: zero, lang: r.lang, fallback: r.fallback, drivers: {} };
  // no words (emoji, punctuation): nothing to ask, suggest or buy
  if (!hasLetters(text)) return { labels: ['other'], scores: zero, lang: r.lang, drivers: {} };
  const model = getModel('intent', r.model);
  const p = probabilities(model, logits(model, text));
  const drivers: IntentResult['drivers'] = {};
  const scores = { ...zero };
  const passed: { k: number; label: Exclude<IntentLabel, 'other'>; margin: number }[] = [];
  model.labels.forEach((name, k) => {
    const label = name as Exclude<IntentLabel, 'other'>;
    const s = p[k] ?? 0;
    scores[label] = Math.round(s * 1000) / 1000;
    const th = model.thresholds[k] ?? 0.5;
    if (s >= th) passed.push({ k, label, margin: s / th });
  });
  // A message rarely carries more than two intents; keep the two clearest (furthest above threshold).
  const kept = passed.sort((a, b) => b.margin - a.margin).slice(0, MAX_INTENTS).sort((a, b) => a.k - b.k);
  for (const x of kept) if (opts.explain !== false) drivers[x.label] = explain(model, text, x.k);
  return { labels: kept.length > 0 ? kept.map((x) => x.label) : ['other'], scores, lang: r.lang, drivers };
}
