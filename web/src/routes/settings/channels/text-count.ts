import type { ChannelLimits } from '../../../api/types.ts';

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

function graphemes(text: string): number {
  if (!segmenter) return [...text].length;
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/**
 * The length of `text` as the channel counts it, for the live counter: graphemes, or Mastodon's rule
 * (every URL counts a fixed length, `@user@domain` counts as `@user`). An estimate for the eye only:
 * the server's validation decides.
 */
export function countText(text: string, limits: ChannelLimits['text'] | undefined): { length: number; bytes: number } {
  let counted = text;
  if (limits?.counting === 'mastodon') {
    const urlLength = limits.urlLength ?? 23;
    counted = counted
      .replace(/https?:\/\/[^\s]+/g, 'x'.repeat(urlLength))
      .replace(/(^|[^\w@])(@\w+)@[\w.-]+\w/g, '$1$2');
  }
  return { length: graphemes(counted), bytes: new TextEncoder().encode(text).length };
}

/** Which composer part (0 = the first post) and which piece of it an issue's `field` names. */
export function locateField(field: string): { part: number; rest: string } {
  const m = /^thread\[(\d+)\]\.?(.*)$/.exec(field);
  if (m) return { part: Number(m[1]) + 1, rest: m[2] || 'thread' };
  return { part: 0, rest: field };
}
