/**
 * Hashed sparse features (the "hashing trick"): word unigrams and bigrams plus fastText-style
 * character n-grams of each word ("<mot>" → "<mo", "mot", "ot>" …), so unseen spellings and
 * inflections still share weights. No vocabulary is stored: a feature's row is a 32-bit FNV-1a
 * hash masked to the model's bucket count.
 */
import { isWordToken, normalizeForModel, tokenize } from './text.normalize.ts';

export interface FeatureConfig {
  /** log2 of the number of hash buckets. */
  bits: number;
  /** 0 = no word features, 1 = unigrams, 2 = + bigrams. */
  wordNgrams: number;
  /** Character n-gram sizes (inclusive); charMax 0 disables them. */
  charMin: number;
  charMax: number;
  /** Weight of the char n-gram group relative to word features. */
  charWeight: number;
  /**
   * Optional polarity lexicon (normalised word → score). Each lexicon word adds a shared feature
   * `lex:<score>` (or `lex:not:<score>` after a negator), so the model generalises to words it never
   * saw in training.
   */
  lexicon?: Record<string, number>;
  lexiconWeight?: number;
}

/** A sparse vector: parallel arrays; `source` (only when explaining) names the token each entry came from. */
export interface SparseVector {
  index: Int32Array;
  value: Float32Array;
  length: number;
  /** token index for word/char features, or -(i+1) for the bigram starting at token i. */
  source?: Int32Array;
  tokens?: string[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = fnvString(FNV_OFFSET, 'w:');
const SEED_CHAR = fnvString(FNV_OFFSET, 'c:');
const SEED_BIGRAM = 0x9e3779b1;
const SEED_LEX = fnvString(FNV_OFFSET, 'lex:');
const NEGATORS = new Set(['ne', 'n', 'pas', 'jamais', 'rien', 'aucun', 'aucune', 'sans', 'not', 'no', 'never', 't', 'nothing', 'without', 'nobody', 'none', 'dont', 'cant', 'isnt', 'wont']);

const lexiconMaps = new WeakMap<Record<string, number>, Map<string, number>>();
function lexiconMap(lex: Record<string, number>): Map<string, number> {
  let m = lexiconMaps.get(lex);
  if (!m) {
    m = new Map(Object.entries(lex));
    lexiconMaps.set(lex, m);
  }
  return m;
}

function fnvString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

function finalize(h: number): number {
  // murmur3 fmix32: spreads FNV's low bits before masking
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Scratch buffers reused across calls (single-threaded); grown on demand.
let scratchIndex = new Int32Array(8192);
let scratchValue = new Float32Array(8192);
let scratchSource = new Int32Array(8192);

function ensure(n: number): void {
  if (n <= scratchIndex.length) return;
  const size = Math.max(n, scratchIndex.length * 2);
  scratchIndex = new Int32Array(size);
  scratchValue = new Float32Array(size);
  scratchSource = new Int32Array(size);
}

/** Token t's lexicon score, halved and flipped after a negator among the 3 tokens before; undefined if not in the lexicon. */
function lexiconScore(lex: Map<string, number>, tokens: string[], t: number): number | undefined {
  const score = lex.get(tokens[t] as string);
  if (score === undefined) return undefined;
  for (let b = Math.max(0, t - 3); b < t; b++) if (NEGATORS.has(tokens[b] as string)) return -score * 0.5;
  return score;
}

/**
 * Appends the lexicon evidence at `n` and returns the new length. It is added after normalisation so
 * its strength does not shrink with text length: summed positive and negative scores, squashed, as
 * dense features (plus one when both are present). `src` (explaining) names the first lexicon token.
 */
function addLexiconFeatures(idx: Int32Array, val: Float32Array, src: Int32Array | null, n: number, mask: number, lw: number, lexPos: number, lexNeg: number, lexSrc: number): number {
  for (const [code, v] of [[1, lexPos], [2, lexNeg], [3, lexPos > 0 && lexNeg > 0 ? 1 : 0]] as const) {
    if (v === 0) continue;
    idx[n] = finalize(Math.imul(SEED_LEX ^ code, FNV_PRIME)) & mask;
    val[n] = lw * Math.tanh(v / 4);
    if (src) src[n] = lexSrc;
    n++;
  }
  return n;
}

/**
 * Features of a raw text. Values: 1 per word feature, `charWeight` per char n-gram, the whole
 * vector scaled to unit L2 norm so long and short texts live on one scale.
 * The returned arrays are fresh copies unless `reuse` is set (then valid until the next call).
 */
export function extractFeatures(
  text: string,
  cfg: FeatureConfig,
  opts: { explain?: boolean; reuse?: boolean } = {},
): SparseVector {
  if (opts.explain || cfg.charMax > ANALYSIS_CHAR_MAX) return featuresOfTokens(tokenize(normalizeForModel(text)), cfg, opts);
  return featuresOfAnalysis(analyze(text), cfg, opts);
}

// ---------------------------------------------------------------------------------------------------
// The shared pass. Classifying one message runs about six members (sentiment, toxicity, three intent
// members, each with its own feature view); each used to normalise, tokenise and hash the same text
// again. `analyze` does that once per text: tokens, their word and bigram hashes and every character
// n-gram hash up to ANALYSIS_CHAR_MAX, already finalised. A member's vector is then a filter (n-gram
// sizes), a mask (bucket count) and a normalisation over those arrays, emitted in exactly the order
// `featuresOfTokens` uses, so the values (and the float sums over them) are bit-identical
// (features.hashing.test.ts checks it on the corpus for every shipped model's configuration).

/** Character n-grams are precomputed up to this size (the largest any shipped model uses). */
const ANALYSIS_CHAR_MAX = 5;

interface Analysis {
  tokens: string[];
  /** finalize(word hash) per token. */
  uni: Uint32Array;
  /** finalize(bigram hash) of (t-1, t) at index t (index 0 unused). */
  bi: Uint32Array;
  /** Char n-grams of token t are at charStart[t] … charStart[t+1]-1 (none for non-word tokens). */
  charStart: Int32Array;
  charHash: Uint32Array;
  charLen: Uint8Array;
}

// The last two texts analysed: detection reads a cleaned copy, the models the text itself.
const memo: { text: string; a: Analysis }[] = [];

function analyze(text: string): Analysis {
  for (const m of memo) if (m.text === text) return m.a;
  const tokens = tokenize(normalizeForModel(text));
  const T = tokens.length;
  const uni = new Uint32Array(T);
  const bi = new Uint32Array(T);
  const charStart = new Int32Array(T + 1);
  let total = 0;
  for (const t of tokens) if (isWordToken(t)) total += (t.length + 2) * ANALYSIS_CHAR_MAX;
  const charHash = new Uint32Array(total);
  const charLen = new Uint8Array(total);
  let n = 0;
  let prev = 0;
  for (let t = 0; t < T; t++) {
    const tok = tokens[t] as string;
    const wh = fnvString(SEED_WORD, tok);
    uni[t] = finalize(wh);
    if (t > 0) bi[t] = finalize(Math.imul(prev ^ SEED_BIGRAM, FNV_PRIME) ^ wh);
    prev = wh;
    charStart[t] = n;
    if (isWordToken(tok)) {
      const padded = '<' + tok + '>';
      const L = padded.length;
      for (let i = 0; i < L; i++) {
        let h = SEED_CHAR;
        for (let j = i; j < L && j - i < ANALYSIS_CHAR_MAX; j++) {
          h ^= padded.charCodeAt(j);
          h = Math.imul(h, FNV_PRIME);
          const len = j - i + 1;
          if (len < L) {
            charHash[n] = finalize(h ^ len);
            charLen[n] = len;
            n++;
          }
        }
      }
    }
  }
  charStart[T] = n;
  const a: Analysis = { tokens, uni, bi, charStart, charHash, charLen };
  memo.unshift({ text, a });
  if (memo.length > 2) memo.pop();
  return a;
}

/** `featuresOfTokens` over a precomputed analysis (same features, same order, same values). */
function featuresOfAnalysis(a: Analysis, cfg: FeatureConfig, opts: { reuse?: boolean }): SparseVector {
  const { tokens, uni, bi, charStart, charHash, charLen } = a;
  const mask = (1 << cfg.bits) - 1;
  const nChar = cfg.charMax > 0 ? cfg.charMax - cfg.charMin + 1 : 0;
  ensure(2 * tokens.length + (nChar > 0 ? charHash.length : 0) + 4);
  const idx = scratchIndex;
  const val = scratchValue;
  const lex = cfg.lexicon ? lexiconMap(cfg.lexicon) : undefined;
  const lw = cfg.lexiconWeight ?? 1;
  const cw = cfg.charWeight;
  const lo = cfg.charMin;
  const hi = cfg.charMax;
  let lexPos = 0;
  let lexNeg = 0;
  let n = 0;
  let sq = 0;
  for (let t = 0; t < tokens.length; t++) {
    if (cfg.wordNgrams >= 1) {
      idx[n] = (uni[t] as number) & mask;
      val[n++] = 1;
      sq += 1;
    }
    if (cfg.wordNgrams >= 2 && t > 0) {
      idx[n] = (bi[t] as number) & mask;
      val[n++] = 1;
      sq += 1;
    }
    if (lex !== undefined) {
      const signed = lexiconScore(lex, tokens, t);
      if (signed !== undefined && signed > 0) lexPos += signed;
      else if (signed !== undefined) lexNeg -= signed;
    }
    if (nChar > 0) {
      for (let c = charStart[t] as number, end = charStart[t + 1] as number; c < end; c++) {
        const len = charLen[c] as number;
        if (len < lo || len > hi) continue;
        idx[n] = (charHash[c] as number) & mask;
        val[n++] = cw;
        sq += cw * cw;
      }
    }
  }
  const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  for (let i = 0; i < n; i++) val[i] = (val[i] as number) * inv;
  if (lex !== undefined) n = addLexiconFeatures(idx, val, null, n, mask, lw, lexPos, lexNeg, 0);
  if (opts.reuse) return { index: idx, value: val, length: n };
  return { index: idx.slice(0, n), value: val.slice(0, n), length: n };
}

export function featuresOfTokens(
  tokens: string[],
  cfg: FeatureConfig,
  opts: { explain?: boolean; reuse?: boolean } = {},
): SparseVector {
  const mask = (1 << cfg.bits) - 1;
  const nChar = cfg.charMax > 0 ? cfg.charMax - cfg.charMin + 1 : 0;
  let upper = 0;
  for (const t of tokens) upper += 2 + (nChar > 0 ? (t.length + 2) * nChar : 0);
  const lex = cfg.lexicon ? lexiconMap(cfg.lexicon) : undefined;
  const lw = cfg.lexiconWeight ?? 1;
  let lexPos = 0;
  let lexNeg = 0;
  const lexTokens: number[] = [];
  ensure(upper + 4);
  const idx = scratchIndex;
  const val = scratchValue;
  const src = scratchSource;
  let n = 0;
  let sq = 0;
  const wordHashes = new Uint32Array(tokens.length);
  for (let t = 0; t < tokens.length; t++) {
    const tok = tokens[t] as string;
    const wh = fnvString(SEED_WORD, tok);
    wordHashes[t] = wh;
    if (cfg.wordNgrams >= 1) {
      idx[n] = finalize(wh) & mask;
      val[n] = 1;
      src[n] = t;
      n++;
      sq += 1;
    }
    if (cfg.wordNgrams >= 2 && t > 0) {
      const bh = Math.imul((wordHashes[t - 1] as number) ^ SEED_BIGRAM, FNV_PRIME) ^ wh;
      idx[n] = finalize(bh) & mask;
      val[n] = 1;
      src[n] = -t; // bigram (t-1, t) → -(t-1+1)
      n++;
      sq += 1;
    }
    if (lex !== undefined) {
      const signed = lexiconScore(lex, tokens, t);
      if (signed !== undefined) {
        if (signed > 0) lexPos += signed;
        else lexNeg -= signed;
        lexTokens.push(t);
      }
    }
    if (nChar > 0 && isWordToken(tok)) {
      const padded = '<' + tok + '>';
      const L = padded.length;
      const cw = cfg.charWeight;
      for (let i = 0; i < L; i++) {
        let h = SEED_CHAR;
        for (let j = i; j < L && j - i < cfg.charMax; j++) {
          h ^= padded.charCodeAt(j);
          h = Math.imul(h, FNV_PRIME);
          const len = j - i + 1;
          if (len >= cfg.charMin && len < L) {
            idx[n] = finalize(h ^ len) & mask;
            val[n] = cw;
            src[n] = t;
            n++;
            sq += cw * cw;
          }
        }
      }
    }
  }
  const inv = sq > 0 ? 1 / Math.sqrt(sq) : 0;
  for (let i = 0; i < n; i++) val[i] = (val[i] as number) * inv;
  if (lex !== undefined) n = addLexiconFeatures(idx, val, src, n, mask, lw, lexPos, lexNeg, lexTokens.length > 0 ? (lexTokens[0] as number) : -1_000_000);
  if (opts.reuse && !opts.explain) return { index: idx, value: val, length: n };
  const out: SparseVector = { index: idx.slice(0, n), value: val.slice(0, n), length: n };
  if (opts.explain) {
    out.source = src.slice(0, n);
    out.tokens = tokens;
  }
  return out;
}
