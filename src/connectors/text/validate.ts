/**
 * Pure validation of a variant against a channel's limits, shared by the connectors: each one passes
 * its limits and what it supports. Every issue says what is over and by how much.
 */
import type { Limits, ValidationIssue, Variant, VariantPart } from '../connector.ts';
import { detectSchemeLinks } from './detect.ts';
import { countGraphemes, utf8Length } from './unicode.ts';

/** What the network supports beyond plain posts (from its capabilities). */
export interface ValidationSupport {
  thread: boolean;
  reply: boolean;
  contentWarning: boolean;
}

// Mastodon's mention syntax (app/models/account.rb MENTION_RE): only `@user` of `@user@domain` counts.
const MASTODON_MENTION = /(^|[^/\p{L}\p{N}_])@([a-z0-9_]+(?:[a-z0-9_.-]+[a-z0-9_]+)?)(?:@[\p{L}\p{N}_.-]+[\p{L}\p{N}_]+)?/giu;

/**
 * Length as Mastodon counts it: grapheme clusters, where every http(s) URL counts `urlLength`
 * characters and a remote mention `@user@domain` counts as `@user`.
 *
 * @example countMastodon('see https://example.com/a/very/long/path', 23) === 27
 */
export function countMastodon(text: string, urlLength: number): number {
  let rewritten = '';
  let last = 0;
  for (const link of detectSchemeLinks(text)) {
    rewritten += text.slice(last, link.start) + 'x'.repeat(urlLength);
    last = link.end;
  }
  rewritten += text.slice(last);
  return countGraphemes(rewritten.replace(MASTODON_MENTION, '$1@$2'));
}

/** Length of `text` as the channel counts it. */
export function countText(text: string, limits: Limits): number {
  return limits.text.counting === 'mastodon'
    ? countMastodon(text, limits.text.urlLength ?? 23)
    : countGraphemes(text);
}

function issue(code: ValidationIssue['code'], field: string, limit: number, actual: number, message: string): ValidationIssue {
  return { code, field, message, limit, actual, over: actual - limit };
}

function plural(n: number, unit: string): string {
  return `${n.toLocaleString('en')} ${unit}${n === 1 ? '' : 's'}`;
}

function validatePart(part: VariantPart, prefix: string, variant: Variant, limits: Limits, support: ValidationSupport): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const field = (name: string) => (prefix === '' ? name : `${prefix}.${name}`);
  const media = part.media ?? [];
  const where = prefix === '' ? 'The post' : `Part ${Number(/\d+/.exec(prefix)?.[0] ?? 0) + 2} of the thread`;

  if (part.text.trim() === '' && media.length === 0) {
    issues.push(issue('text_empty', field('text'), 1, 0, `${where} has no text and no media`));
  }

  const unit = limits.text.counting === 'mastodon' ? 'character' : 'grapheme';
  const cw = support.contentWarning && variant.contentWarning ? variant.contentWarning : '';
  // Mastodon counts the content warning together with the text.
  const length = countText(part.text, limits) + (limits.text.counting === 'mastodon' ? countGraphemes(cw) : 0);
  if (length > limits.text.maxLength) {
    const urlNote = limits.text.counting === 'mastodon' ? `, every link counting ${limits.text.urlLength ?? 23}` : '';
    issues.push(
      issue('text_too_long', field('text'), limits.text.maxLength, length,
        `${where} is ${plural(length, unit)} long${cw ? ' with its content warning' : ''}${urlNote}; the limit is ${limits.text.maxLength.toLocaleString('en')}: remove ${plural(length - limits.text.maxLength, unit)}`),
    );
  }
  if (limits.text.maxBytes !== null) {
    const bytes = utf8Length(part.text);
    if (bytes > limits.text.maxBytes) {
      issues.push(
        issue('text_too_many_bytes', field('text'), limits.text.maxBytes, bytes,
          `${where} is ${plural(bytes, 'byte')} in UTF-8; the limit is ${limits.text.maxBytes.toLocaleString('en')}: remove ${plural(bytes - limits.text.maxBytes, 'byte')}`),
      );
    }
  }

  if (media.length > limits.media.maxCount) {
    issues.push(
      issue('too_many_media', field('media'), limits.media.maxCount, media.length,
        `${where} has ${plural(media.length, 'attachment')}; the limit is ${limits.media.maxCount}: remove ${media.length - limits.media.maxCount}`),
    );
  }
  media.forEach((m, i) => {
    const mediaField = field(`media[${i}]`);
    if (!limits.media.imageMimeTypes.includes(m.mimeType.toLowerCase())) {
      issues.push(
        issue('media_type_unsupported', mediaField, 0, 0,
          `Attachment ${i + 1} is ${m.mimeType || 'of an unknown type'}; accepted types are ${limits.media.imageMimeTypes.join(', ')}`),
      );
    }
    if (m.bytes.byteLength > limits.media.maxImageBytes) {
      issues.push(
        issue('media_too_large', mediaField, limits.media.maxImageBytes, m.bytes.byteLength,
          `Attachment ${i + 1} is ${plural(m.bytes.byteLength, 'byte')}; the limit is ${limits.media.maxImageBytes.toLocaleString('en')}: ${plural(m.bytes.byteLength - limits.media.maxImageBytes, 'byte')} too large`),
      );
    }
    if (m.altText !== undefined) {
      const altLength = countGraphemes(m.altText);
      if (altLength > limits.media.maxAltTextLength) {
        issues.push(
          issue('alt_text_too_long', `${mediaField}.altText`, limits.media.maxAltTextLength, altLength,
            `The alt text of attachment ${i + 1} is ${plural(altLength, 'character')}; the limit is ${limits.media.maxAltTextLength.toLocaleString('en')}: remove ${plural(altLength - limits.media.maxAltTextLength, 'character')}`),
        );
      }
    }
  });
  return issues;
}

/**
 * Every issue of `variant` against `limits`; empty when it can be published.
 *
 * @example validateVariant({ text: 'x'.repeat(301) }, blueskyLimits, support)[0].over === 1
 */
export function validateVariant(variant: Variant, limits: Limits, support: ValidationSupport): ValidationIssue[] {
  const issues = validatePart(variant, '', variant, limits, support);
  const thread = variant.thread ?? [];
  if (thread.length > 0 && !support.thread) {
    issues.push(issue('thread_unsupported', 'thread', 1, thread.length + 1, 'This network does not publish threads'));
  } else if (thread.length + 1 > limits.maxThreadParts) {
    issues.push(
      issue('thread_too_long', 'thread', limits.maxThreadParts, thread.length + 1,
        `The thread has ${thread.length + 1} posts; the limit is ${limits.maxThreadParts}: remove ${thread.length + 1 - limits.maxThreadParts}`),
    );
  }
  thread.forEach((part, i) => issues.push(...validatePart(part, `thread[${i}]`, variant, limits, support)));
  if (variant.replyTo !== undefined && !support.reply) {
    issues.push(issue('reply_unsupported', 'replyTo', 0, 1, 'This network does not publish replies'));
  }
  if (variant.contentWarning && !support.contentWarning) {
    issues.push(issue('content_warning_unsupported', 'contentWarning', 0, 1, 'This network has no content warnings'));
  }
  return issues;
}
