/**
 * Counting text the way networks do: user-perceived characters (grapheme clusters) and UTF-8 bytes.
 * JavaScript string indices are UTF-16 code units, which match neither.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();

/** Number of grapheme clusters, e.g. `countGraphemes('👩‍👩‍👧') === 1`. */
export function countGraphemes(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Number of UTF-8 bytes, e.g. `utf8Length('é') === 2`. */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

/**
 * Maps UTF-16 indices of `text` to UTF-8 byte offsets. Built once per text so that converting many
 * facet boundaries stays linear.
 *
 * @example utf8Offsets('é#a').toUtf8(1) === 2
 */
export function utf8Offsets(text: string): { toUtf8(utf16Index: number): number } {
  // offsets[i] = UTF-8 bytes before UTF-16 index i (for i on a code point boundary).
  const offsets = new Uint32Array(text.length + 1);
  let bytes = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    offsets[i] = bytes;
    if (units === 2) offsets[i + 1] = bytes; // inside a surrogate pair: never a valid boundary
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    i += units;
  }
  offsets[text.length] = bytes;
  return {
    toUtf8(utf16Index: number): number {
      if (!Number.isInteger(utf16Index) || utf16Index < 0 || utf16Index > text.length) {
        throw new RangeError(`UTF-16 index ${utf16Index} is outside the text (length ${text.length})`);
      }
      return offsets[utf16Index] ?? 0;
    },
  };
}

/** The first `maxBytes` UTF-8 bytes of `text` cut on a grapheme boundary (for previews of an over-long post). */
export function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const { segment } of segmenter.segment(text)) {
    const n = utf8Length(segment);
    if (bytes + n > maxBytes) break;
    out += segment;
    bytes += n;
  }
  return out;
}
