import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Limits, MediaInput } from '../connector.ts';
import { countMastodon, validateVariant } from './validate.ts';

const bluesky: Limits = {
  text: { maxLength: 300, counting: 'graphemes', maxBytes: 3000, urlLength: null },
  media: { maxCount: 4, maxImageBytes: 1_000_000, imageMimeTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'], maxAltTextLength: 2000 },
  maxThreadParts: 25,
  maxLanguages: 3,
};
const mastodon: Limits = {
  text: { maxLength: 500, counting: 'mastodon', maxBytes: null, urlLength: 23 },
  media: { maxCount: 4, maxImageBytes: 16_777_216, imageMimeTypes: ['image/jpeg', 'image/png'], maxAltTextLength: 1500 },
  maxThreadParts: 25,
  maxLanguages: 1,
};
const all = { thread: true, reply: true, contentWarning: true };
const image = (bytes: number, mimeType = 'image/png', altText?: string): MediaInput => ({ bytes: new Uint8Array(bytes), mimeType, ...(altText === undefined ? {} : { altText }) });

describe('validateVariant with Bluesky limits (300 graphemes, 3,000 bytes)', () => {
  test('accepts exactly 300 graphemes', () => {
    assert.deepEqual(validateVariant({ text: 'a'.repeat(300) }, bluesky, all), []);
  });

  test('refuses 301 graphemes, saying 1 over', () => {
    const [issue, ...rest] = validateVariant({ text: 'a'.repeat(301) }, bluesky, all);
    assert.deepEqual(rest, []);
    assert.equal(issue?.code, 'text_too_long');
    assert.equal(issue?.field, 'text');
    assert.equal(issue?.limit, 300);
    assert.equal(issue?.actual, 301);
    assert.equal(issue?.over, 1);
    assert.match(issue?.message ?? '', /301 graphemes long; the limit is 300: remove 1 grapheme$/);
  });

  test('counts a ZWJ family as one grapheme: 300 families fit in graphemes but not in bytes', () => {
    const family = '👩‍👩‍👧‍👦'; // 25 bytes
    const issues = validateVariant({ text: family.repeat(300) }, bluesky, all);
    assert.deepEqual(issues.map((i) => i.code), ['text_too_many_bytes']);
    assert.equal(issues[0]?.actual, 7500);
    assert.equal(issues[0]?.over, 4500);
  });

  test('counts emoji, accents and CJK by grapheme', () => {
    assert.deepEqual(validateVariant({ text: '😀'.repeat(300) }, bluesky, all), []);
    assert.deepEqual(validateVariant({ text: 'e\u0301'.repeat(300) }, bluesky, all), []);
    assert.deepEqual(validateVariant({ text: '日'.repeat(300) }, bluesky, all), []);
    assert.equal(validateVariant({ text: '日'.repeat(301) }, bluesky, all)[0]?.over, 1);
  });

  test('refuses an empty post without media but accepts media alone', () => {
    assert.deepEqual(validateVariant({ text: '  ' }, bluesky, all).map((i) => i.code), ['text_empty']);
    assert.deepEqual(validateVariant({ text: '', media: [image(10, 'image/png', 'a cat')] }, bluesky, all), []);
  });

  test('refuses a fifth image, an image over 1 MB and an unsupported type, naming each attachment', () => {
    const issues = validateVariant(
      { text: 'x', media: [image(10), image(1_000_001), image(10, 'image/heic'), image(10), image(10)] },
      bluesky,
      all,
    );
    assert.deepEqual(
      issues.map((i) => [i.code, i.field, i.over]),
      [
        ['too_many_media', 'media', 1],
        ['media_too_large', 'media[1]', 1],
        ['media_type_unsupported', 'media[2]', 0],
      ],
    );
    assert.match(issues[2]?.message ?? '', /image\/heic; accepted types are image\/jpeg/);
  });

  test('refuses an alt text over the limit', () => {
    const issues = validateVariant({ text: 'x', media: [image(10, 'image/png', 'é'.repeat(2001))] }, bluesky, all);
    assert.deepEqual(issues.map((i) => [i.code, i.field, i.over]), [['alt_text_too_long', 'media[0].altText', 1]]);
  });

  test('checks every part of a thread and names the part', () => {
    const issues = validateVariant({ text: 'ok', thread: [{ text: 'fine' }, { text: 'b'.repeat(305) }] }, bluesky, all);
    assert.deepEqual(issues.map((i) => [i.field, i.over]), [['thread[1].text', 5]]);
    assert.match(issues[0]?.message ?? '', /^Part 3 of the thread is 305 graphemes/);
  });

  test('refuses a thread longer than the limit', () => {
    const thread = Array.from({ length: 25 }, () => ({ text: 'x' }));
    assert.deepEqual(validateVariant({ text: 'x', thread }, bluesky, all).map((i) => [i.code, i.actual, i.over]), [['thread_too_long', 26, 1]]);
  });

  test('reports threads, replies and content warnings the network does not support', () => {
    const none = { thread: false, reply: false, contentWarning: false };
    const codes = validateVariant({ text: 'x', thread: [{ text: 'y' }], replyTo: 'r', contentWarning: 'cw' }, bluesky, none).map((i) => i.code);
    assert.deepEqual(codes, ['thread_unsupported', 'reply_unsupported', 'content_warning_unsupported']);
  });
});

describe('countMastodon', () => {
  test('counts every http(s) URL as 23 characters, however long', () => {
    assert.equal(countMastodon('https://example.com/' + 'a'.repeat(200), 23), 23);
    assert.equal(countMastodon('a http://x.fr b', 23), 27);
  });

  test('does not shorten bare domains (Mastodon does not link them)', () => {
    assert.equal(countMastodon('example.com/' + 'a'.repeat(30), 23), 42);
  });

  test('counts a remote mention @user@domain as @user', () => {
    assert.equal(countMastodon('@alice@mastodon.social hi', 23), '@alice hi'.length);
    assert.equal(countMastodon('@bob hi', 23), 7);
  });

  test('does not treat an e-mail address as a mention', () => {
    assert.equal(countMastodon('mail me@example.com', 23), 19);
  });

  test('counts graphemes, so a ZWJ sequence is one character', () => {
    assert.equal(countMastodon('👩‍👩‍👧‍👦 é', 23), 3);
  });
});

describe('validateVariant with Mastodon limits (per instance, URLs as 23)', () => {
  test('accepts 500 characters where a 100-character URL counts 23', () => {
    const url = 'https://example.com/' + 'p'.repeat(80);
    const text = 'a'.repeat(500 - 23 - 1) + ' ' + url;
    assert.deepEqual(validateVariant({ text }, mastodon, all), []);
  });

  test('refuses 501 characters and mentions the URL rule in the message', () => {
    const issues = validateVariant({ text: 'a'.repeat(478) + ' https://example.com' }, mastodon, all);
    assert.equal(issues[0]?.code, 'text_too_long');
    assert.equal(issues[0]?.over, 2);
    assert.match(issues[0]?.message ?? '', /every link counting 23; the limit is 500: remove 2 characters/);
  });

  test('follows the instance limit and URL weight it is given', () => {
    const big: Limits = { ...mastodon, text: { ...mastodon.text, maxLength: 5000, urlLength: 30 } };
    assert.deepEqual(validateVariant({ text: 'a'.repeat(5000) }, big, all), []);
    assert.equal(validateVariant({ text: 'a'.repeat(4971) + ' https://x.fr' }, big, all)[0]?.over, 2);
  });

  test('counts the content warning with the text', () => {
    const issues = validateVariant({ text: 'a'.repeat(495), contentWarning: 'spoiler' }, mastodon, all);
    assert.equal(issues[0]?.over, 2);
    assert.match(issues[0]?.message ?? '', /with its content warning/);
  });

  test('has no byte limit', () => {
    assert.deepEqual(validateVariant({ text: '👩‍👩‍👧‍👦'.repeat(500) }, mastodon, all), []);
  });

  test('uses the instance media types', () => {
    assert.deepEqual(validateVariant({ text: 'x', media: [image(10, 'image/webp')] }, mastodon, all).map((i) => i.code), ['media_type_unsupported']);
  });
});
