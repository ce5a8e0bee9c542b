/**
 * Text matching for rules and the reply guard's charter: accent- and case-insensitive (NFD, marks
 * stripped, lower-cased), on word boundaries, phrases allowed ("pas content" matches "Pas   contènt !").
 */

/** Folds a text for matching: decomposes, strips combining marks, lower-cases, normalizes apostrophes. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[’ʼ‘`]/g, "'");
}

/** Tokens of a folded text (letters and digits runs). */
function tokens(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
}

/**
 * The keywords or phrases of `needles` found in `text` on word boundaries. A needle ending with `*`
 * matches as a prefix ("rembours*" → remboursement).
 */
export function findKeywords(text: string, needles: readonly string[]): string[] {
  const hay = tokens(fold(text));
  const found: string[] = [];
  for (const needle of needles) {
    const prefix = needle.endsWith('*');
    const parts = tokens(fold(prefix ? needle.slice(0, -1) : needle));
    if (parts.length === 0) continue;
    outer: for (let i = 0; i + parts.length <= hay.length; i++) {
      for (let j = 0; j < parts.length; j++) {
        const last = j === parts.length - 1;
        const tok = hay[i + j]!;
        if (last && prefix ? !tok.startsWith(parts[j]!) : tok !== parts[j]) continue outer;
      }
      found.push(needle);
      break;
    }
  }
  return found;
}
