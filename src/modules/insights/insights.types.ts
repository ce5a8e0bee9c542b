/** Languages the detector may return; `und` = undetermined (too short, no words, binary, or another language). */
export type DetectedLanguage = 'fr' | 'en' | 'de' | 'es' | 'it' | 'pt' | 'und';

/** Languages with trained sentiment, toxicity and intent models. */
export type ModelLanguage = 'fr' | 'en';

/** What callers may pass as a language: a code, or `auto` to detect it. */
export type LanguageHint = DetectedLanguage | 'auto';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

export const INTENT_LABELS = ['question', 'complaint', 'suggestion', 'praise', 'purchase-intent'] as const;
export type IntentLabel = (typeof INTENT_LABELS)[number] | 'other';

/** One feature that pushed a decision, for the UI ("what drove it"). */
export interface Driver {
  /** The word, phrase or emoji in the text (as normalised). */
  feature: string;
  /** Signed contribution to the decision: > 0 pushed towards the label, < 0 away from it. */
  weight: number;
}

/** Why a result is a default rather than a model decision. */
export type FallbackReason = 'empty' | 'binary' | 'unsupported-language';

export interface LanguageResult {
  lang: DetectedLanguage;
  /** eld's score for the winning language, 0..1 (0 when `und`). */
  confidence: number;
  /** True when eld itself calls the detection reliable. */
  reliable: boolean;
}

export interface SentimentResult {
  label: SentimentLabel;
  /** Polarity in [-1, 1]: P(positive) − P(negative). */
  score: number;
  probabilities: Record<SentimentLabel, number>;
  /** Language whose model was used (`und` when none was). */
  lang: DetectedLanguage;
  /** Set when the answer is a default, not a model decision. */
  fallback?: FallbackReason;
  /** Top features behind the label, strongest first. */
  drivers: Driver[];
}

export interface ToxicityResult {
  toxic: boolean;
  /** Probability-like toxicity score in [0, 1]. */
  score: number;
  /** The decision threshold the score was compared with. */
  threshold: number;
  /** True when the text contains a word from the profanity word list. */
  profanity: boolean;
  /** The profane words found (as written, lower-cased), at most 10. */
  profaneWords: string[];
  lang: DetectedLanguage;
  fallback?: FallbackReason;
  drivers: Driver[];
}

export interface IntentResult {
  /** One or more labels; `['other']` when no intent is detected. */
  labels: IntentLabel[];
  /** Score in [0, 1] for every intent (not `other`). */
  scores: Record<Exclude<IntentLabel, 'other'>, number>;
  lang: DetectedLanguage;
  fallback?: FallbackReason;
  /** Drivers per detected label (empty for `other`). */
  drivers: Partial<Record<IntentLabel, Driver[]>>;
}
