/**
 * Text clean-up shared by training and inference, so both see exactly the same tokens.
 * Everything here is linear in the input and bounded by MAX_CHARS.
 */

/** Models read at most this many characters: long posts are decided on their opening, and 100 KB stays fast. */
export const MAX_CHARS = 2000;

const URL_RE = /\b(?:https?:\/\/|www\.)\S+|\bhttp\b/gi;
const MENTION_RE = /@\w+/g;
const ESCAPED_RE = /\\u([0-9a-fA-F]{4})/g;
const DIACRITICS_RE = /[\u0300-\u036f]/g;
const REPEAT_RE = /(.)\1{2,}/gu;
// Tokens: words (letters/digits with inner apostrophes split off), emoji, emoticons, runs of ! or ?.
const TOKEN_RE = /[\p{L}\p{N}]+|\p{Extended_Pictographic}|[:;=][-']?[()DPp]|<3|[!?]+/gu;
const LETTER_RE = /\p{L}/u;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/g;

/** True when the text has at least one letter (so a language can be told). */
export function hasLetters(text: string): boolean {
  return LETTER_RE.test(text);
}

/** True when the text looks like binary data rather than prose (control bytes, replacement chars). */
export function looksBinary(text: string): boolean {
  const sample = text.length > 4096 ? text.slice(0, 4096) : text;
  if (sample.length === 0) return false;
  const bad = sample.match(CONTROL_RE)?.length ?? 0;
  return bad / sample.length > 0.1 || (bad >= 3 && bad / sample.length > 0.02);
}

/** True when there is nothing to read: empty or whitespace only. */
export function isBlank(text: string): boolean {
  return text.trim().length === 0;
}

/**
 * Normalise for the models: bounded length, decoded `\uXXXX` escapes (some corpora keep them),
 * URLs and mentions replaced by placeholders, lower-case, accents dropped (tweets often omit them),
 * long letter repeats squeezed ("trooop" → "troop").
 */
export function normalizeForModel(text: string): string {
  let t = text.length > MAX_CHARS ? text.slice(0, MAX_CHARS) : text;
  t = t.replace(ESCAPED_RE, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  t = t.replace(URL_RE, ' xxurl ').replace(MENTION_RE, ' xxuser ');
  t = t.toLowerCase().normalize('NFD').replace(DIACRITICS_RE, '');
  t = t.replace(REPEAT_RE, '$1$1');
  return t;
}

/** Split normalised text into tokens (words, emoji, emoticons, `!`/`?` runs capped at 2). */
export function tokenize(normalized: string): string[] {
  const out: string[] = [];
  for (const m of normalized.matchAll(TOKEN_RE)) {
    let tok = m[0];
    const c = tok.charCodeAt(0);
    if ((c === 33 || c === 63) && tok.length > 2) tok = tok.slice(0, 2);
    out.push(tok);
  }
  return out;
}

/** A word token (letters/digits) gets sub-word character n-grams; emoji and punctuation do not. */
export function isWordToken(tok: string): boolean {
  const c = tok.charCodeAt(0);
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c > 127 && LETTER_RE.test(tok[0] ?? ''));
}
