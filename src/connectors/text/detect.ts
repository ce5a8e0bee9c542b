/**
 * Finds links, mentions and hashtags in post text. Spans are UTF-16 indices of the JS string
 * (`text.slice(start, end)` is the matched text); `unicode.ts` converts them to UTF-8 bytes.
 *
 * The rules follow the Bluesky app's own detection, so that what Passerelle links is what readers see
 * linked: links with a scheme, bare domains with a known top-level domain, `@handle.domain` mentions,
 * `#tags` that are not only digits, with trailing punctuation left out.
 */

export interface Span {
  start: number;
  end: number;
}

export interface LinkSpan extends Span {
  /** Absolute URL (bare domains get `https://`). */
  uri: string;
}

export interface MentionSpan extends Span {
  /** Handle without the `@`, e.g. `alice.bsky.social`. */
  handle: string;
}

export interface TagSpan extends Span {
  /** Tag without the `#`. */
  tag: string;
}

// Common generic TLDs; two-letter country codes are accepted by pattern. A bare domain with another TLD
// is simply not linked (write the scheme to force it).
const GENERIC_TLDS = new Set(
  (
    'com org net edu gov mil int info biz name pro aero coop museum mobi asia tel travel jobs cat ' +
    'app dev io ai xyz online site store shop blog news social tech cloud page art design media ' +
    'studio agency digital network live life world today club email link space website wiki ' +
    'community systems solutions services consulting company group team works tools zone eco ' +
    'green bio paris bzh alsace corsica eus gal quebec brussels berlin london nyc tokyo ' +
    'museum radio tv film music games video photo photos pics gallery help support care health'
  ).split(/\s+/),
);

function isKnownTld(domain: string): boolean {
  const tld = domain.slice(domain.lastIndexOf('.') + 1).toLowerCase();
  return /^[a-z]{2}$/.test(tld) || GENERIC_TLDS.has(tld);
}

const URL_RE = /(^|\s|\()((https?:\/\/\S+)|((?<domain>[a-z][a-z0-9]*(?:\.[a-z0-9]+)+)\S*))/gim;
const MENTION_RE = /(^|\s|\()@([a-zA-Z0-9.-]+)(\b)/g;
const ZERO_WIDTH = '\u00AD\u2060\u200A\u200B\u200C\u200D\u20e2';
const TAG_RE = new RegExp(
  `(^|\\s)[#＃]((?!\\ufe0f)[^\\s${ZERO_WIDTH}]*[^\\d\\s\\p{P}${ZERO_WIDTH}]+[^\\s${ZERO_WIDTH}]*)?`,
  'gu',
);
const TRAILING_PUNCTUATION = /\p{P}+$/u;

/** Links in `text`, in order. Trailing `.,;:!?` and an unbalanced `)` are not part of the link. */
export function detectLinks(text: string): LinkSpan[] {
  const out: LinkSpan[] = [];
  for (const match of text.matchAll(URL_RE)) {
    const raw = match[2];
    if (raw === undefined) continue;
    let uri = raw;
    if (!/^https?:\/\//i.test(uri)) {
      const domain = match.groups?.['domain'];
      if (domain === undefined || !isKnownTld(domain)) continue;
      uri = `https://${uri}`;
    }
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    let end = start + raw.length;
    if (/[.,;:!?]$/.test(uri)) {
      uri = uri.slice(0, -1);
      end--;
    }
    if (uri.endsWith(')') && !uri.includes('(')) {
      uri = uri.slice(0, -1);
      end--;
    }
    out.push({ start, end, uri });
  }
  return out;
}

/** Links with an explicit http(s) scheme only: what Mastodon counts as 23 characters. */
export function detectSchemeLinks(text: string): LinkSpan[] {
  return detectLinks(text).filter((l) => text.slice(l.start, l.end).match(/^https?:\/\//i));
}

/** `@handle.domain` mentions (a dot is required: bare `@name` is not a Bluesky handle). */
export function detectMentions(text: string): MentionSpan[] {
  const out: MentionSpan[] = [];
  for (const match of text.matchAll(MENTION_RE)) {
    let handle = match[2];
    if (handle === undefined) continue;
    handle = handle.replace(/[.-]+$/, '');
    if (!/^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)+$/.test(handle)) continue;
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    out.push({ start, end: start + 1 + handle.length, handle: handle.toLowerCase() });
  }
  return out;
}

/** `#tags` (not only digits, at most 64 characters, trailing punctuation dropped). */
export function detectTags(text: string): TagSpan[] {
  const out: TagSpan[] = [];
  for (const match of text.matchAll(TAG_RE)) {
    const raw = match[2];
    if (raw === undefined) continue;
    const tag = raw.trim().replace(TRAILING_PUNCTUATION, '');
    if (tag.length === 0 || tag.length > 64) continue;
    const start = (match.index ?? 0) + (match[1]?.length ?? 0);
    out.push({ start, end: start + 1 + tag.length, tag });
  }
  return out;
}
