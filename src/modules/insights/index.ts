/**
 * Insights: language, sentiment, toxicity and intent of short social-media texts, with models
 * trained by the project and shipped in `models/` (CPU only, offline). See docs/insights.md.
 */
import { type ClassifyOptions, intentSync, sentimentSync, toxicitySync } from './insights.classify.ts';
import { loadLanguageDetector } from './language.detect.ts';
import type { IntentResult, LanguageHint, SentimentResult, ToxicityResult } from './insights.types.ts';

export type {
  DetectedLanguage,
  Driver,
  FallbackReason,
  IntentLabel,
  IntentResult,
  LanguageHint,
  LanguageResult,
  ModelLanguage,
  SentimentLabel,
  SentimentResult,
  ToxicityResult,
} from './insights.types.ts';
export type { ClassifyOptions } from './insights.classify.ts';
/** The five intents a text may carry (`other` when none applies). */
export { INTENT_LABELS } from './insights.types.ts';
/** Language of a text (fr, en, de, es, it, pt) or `und` when it is too short, binary or another language. */
export { detectLanguage, detectLanguageSync, loadLanguageDetector } from './language.detect.ts';
/** Synchronous classifiers for hot loops; call `loadInsights()` first when passing `auto`. */
export { intentSync, sentimentSync, toxicitySync } from './insights.classify.ts';
/** Profane words (word list) found in a text. */
export { findProfanity } from './profanity.wordlist.ts';

/** Warm up: load the language detector (the models load on first use, a few ms each). */
export async function loadInsights(): Promise<void> {
  await loadLanguageDetector();
}

/** Sentiment (negative / neutral / positive, polarity score, drivers) of a text in `fr`, `en` or `auto`. */
export async function sentiment(text: string, lang: LanguageHint = 'auto', opts?: ClassifyOptions): Promise<SentimentResult> {
  if (lang === 'auto') await loadLanguageDetector();
  return sentimentSync(text, lang, opts);
}

/** Toxicity score and decision, plus a word-list profanity flag, of a text in `fr`, `en` or `auto`. */
export async function toxicity(text: string, lang: LanguageHint = 'auto', opts?: ClassifyOptions): Promise<ToxicityResult> {
  if (lang === 'auto') await loadLanguageDetector();
  return toxicitySync(text, lang, opts);
}

/** Intents (question, complaint, suggestion, praise, purchase-intent; or other), multi-label, of a text. */
export async function intent(text: string, lang: LanguageHint = 'auto', opts?: ClassifyOptions): Promise<IntentResult> {
  if (lang === 'auto') await loadLanguageDetector();
  return intentSync(text, lang, opts);
}
