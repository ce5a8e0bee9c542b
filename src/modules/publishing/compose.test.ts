import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChannelRow } from './publishing.queries.ts';
import { checkVariant, segments, toConnectorVariant, type AssetInfo, type VariantContent } from './compose.ts';
import { parseCsv } from './import.csv.ts';
import { sniffMime } from './media.service.ts';
import { withUtm } from './links.service.ts';
import { mastodonLimits } from '../../../test/support/factories.publishing.ts';

/** The composer's live validation (network counting through the connectors), preview, CSV, media types, UTM. */
const blueskyLimits = { text: { maxLength: 300, counting: 'graphemes', maxBytes: 3000, urlLength: null }, media: { maxCount: 4, maxImageBytes: 1_000_000, imageMimeTypes: ['image/jpeg', 'image/png'], maxAltTextLength: 2000 }, maxThreadParts: 25, maxLanguages: 3 };
const channel = (network: 'bluesky' | 'mastodon', limits: unknown) => ({ id: 'c', network, handle: 'brand', displayName: 'Brand', avatarUrl: null, limits } as unknown as ChannelRow);
const content = (over: Partial<VariantContent>): VariantContent => ({ text: '', media: [], thread: [], firstComment: null, contentWarning: null, language: null, ...over });

describe('live validation', () => {
  test('Mastodon counts every link as 23 characters; Bluesky counts graphemes', () => {
    const text = `${'a'.repeat(280)} https://example.com/${'x'.repeat(100)}`;
    const m = checkVariant(channel('mastodon', mastodonLimits(310)), content({ text }), new Map(), {});
    assert.equal(m.issues.length, 0);
    assert.equal(m.counts[0]!.length, 280 + 1 + 23);
    const b = checkVariant(channel('bluesky', blueskyLimits), content({ text }), new Map(), {});
    assert.equal(b.issues[0]!.code, 'text_too_long');
    assert.equal(b.issues[0]!.over, text.length - 300);
    assert.ok(b.blocked);
  });

  test('an emoji family is one grapheme for Bluesky but many UTF-8 bytes', () => {
    const v = checkVariant(channel('bluesky', blueskyLimits), content({ text: '👨‍👩‍👧'.repeat(200) }), new Map(), {});
    assert.equal(v.counts[0]!.length, 200);
    assert.equal(v.issues[0]!.code, 'text_too_many_bytes');
  });

  test('the first comment is checked and reported as firstComment', () => {
    const v = checkVariant(channel('mastodon', mastodonLimits(20)), content({ text: 'ok', firstComment: 'x'.repeat(25) }), new Map(), {});
    assert.equal(v.issues[0]!.field, 'firstComment');
    assert.equal(v.issues[0]!.over, 5);
  });

  test('media over the network limit are reported with the size', () => {
    const assets = new Map<string, AssetInfo>([['a1', { id: 'a1', mimeType: 'image/png', sizeBytes: 2_000_000, altText: 'logo', filename: 'a.png' }]]);
    const v = checkVariant(channel('bluesky', blueskyLimits), content({ text: 'img', media: [{ assetId: 'a1' }] }), assets, {});
    assert.equal(v.issues[0]!.code, 'media_too_large');
    assert.equal(v.issues[0]!.over, 1_000_000);
  });

  test('a blocking charter rule blocks; a warning does not', () => {
    const blocked = checkVariant(channel('mastodon', mastodonLimits()), content({ text: 'promo' }), new Map(), { bannedPhrases: { level: 'block', phrases: ['promo'] } });
    assert.ok(blocked.blocked);
    const warned = checkVariant(channel('mastodon', mastodonLimits()), content({ text: 'promo' }), new Map(), { bannedPhrases: { level: 'warn', phrases: ['promo'] } });
    assert.ok(!warned.blocked);
    assert.equal(warned.charter.length, 1);
  });

  test('the preview splits text into links, mentions and tags', () => {
    assert.deepEqual(segments('Voir https://example.com avec @alice.bsky.social #launch').map((s) => s.type), ['text', 'link', 'text', 'mention', 'text', 'tag']);
  });

  test('the first comment is published as the thread’s last part', () => {
    const v = toConnectorVariant(content({ text: 'Post', thread: [{ text: 'Suite', media: [] }], firstComment: 'Lien en commentaire' }), new Map());
    assert.deepEqual(v.thread?.map((p) => p.text), ['Suite', 'Lien en commentaire']);
  });
});

describe('CSV, media types, UTM', () => {
  test('quoted fields keep commas, quotes and line breaks; the separator may be ;', () => {
    const { header, rows } = parseCsv('\uFEFFtime,channels,text\r\n2026-03-10 09:00,brand,"Bonjour, ""monde""\nligne 2"\r\n');
    assert.deepEqual(header, ['time', 'channels', 'text']);
    assert.equal(rows[0]!.cells[2], 'Bonjour, "monde"\nligne 2');
    assert.equal(parseCsv('time;channels;text\n2026-03-10 09:00;a|b;Salut\n').rows[0]!.cells[1], 'a|b');
    assert.throws(() => parseCsv('a,b\n"open'), /Unclosed quote/);
  });

  test('the media type comes from the bytes, not from the name', () => {
    assert.equal(sniffMime(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))?.mimeType, 'image/png');
    assert.equal(sniffMime(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.mimeType, 'image/jpeg');
    assert.equal(sniffMime(Buffer.from('\x00\x00\x00\x18ftypisom'))?.kind, 'video');
    assert.equal(sniffMime(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), null);
  });

  test('UTM parameters are added (replacing existing ones) and only http(s) is accepted', () => {
    assert.equal(withUtm('https://example.com/p?utm_source=old&x=1', { source: 'mastodon', campaign: 'launch' }), 'https://example.com/p?utm_source=mastodon&x=1&utm_campaign=launch');
    assert.throws(() => withUtm('javascript:alert(1)', {}), /Only http and https/);
  });
});
