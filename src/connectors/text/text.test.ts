import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RichText } from '@atproto/api';
import { detectLinks, detectMentions, detectSchemeLinks, detectTags } from './detect.ts';
import { buildFacets, facetText } from './facets.ts';
import { countGraphemes, truncateUtf8, utf8Length, utf8Offsets } from './unicode.ts';

describe('countGraphemes', () => {
  const cases: Array<[string, string, number]> = [
    ['ASCII', 'hello', 5],
    ['precomposed accent', 'café', 4],
    ['combining accent (e + U+0301)', 'cafe\u0301', 4],
    ['CJK', '日本語のテキスト', 8],
    ['emoji outside the BMP', '😀😀', 2],
    ['ZWJ family sequence', '👩‍👩‍👧‍👦', 1],
    ['flag (regional indicators)', '🇫🇷🇯🇵', 2],
    ['skin tone modifier', '👍🏽', 1],
    ['keycap sequence', '1️⃣', 1],
    ['Hangul jamo', '\u1100\u1161\u11A8', 1],
    ['Devanagari conjunct', 'क्षि', 1],
    ['CRLF is one grapheme', 'a\r\nb', 3],
    ['empty', '', 0],
  ];
  for (const [name, text, expected] of cases) {
    test(`counts ${name} as ${expected}`, () => assert.equal(countGraphemes(text), expected));
  }
});

describe('utf8Length and utf8Offsets', () => {
  const cases: Array<[string, number]> = [['a', 1], ['é', 2], ['€', 3], ['日', 3], ['😀', 4], ['👩‍👩‍👧', 18], ['🇫🇷', 8]];
  for (const [text, bytes] of cases) {
    test(`${JSON.stringify(text)} is ${bytes} UTF-8 bytes`, () => assert.equal(utf8Length(text), bytes));
  }

  test('maps every code point boundary to the UTF-8 length of the prefix', () => {
    const text = 'aé日😀👩‍👧 z';
    const offsets = utf8Offsets(text);
    for (let i = 0; i <= text.length; i++) {
      const code = text.charCodeAt(i - 1);
      const insidePair = i > 0 && i < text.length && code >= 0xd800 && code <= 0xdbff;
      if (!insidePair) assert.equal(offsets.toUtf8(i), utf8Length(text.slice(0, i)), `index ${i}`);
    }
  });

  test('refuses an index outside the text', () => {
    assert.throws(() => utf8Offsets('abc').toUtf8(4), RangeError);
    assert.throws(() => utf8Offsets('abc').toUtf8(-1), RangeError);
  });

  test('truncateUtf8 never cuts a grapheme', () => {
    assert.equal(truncateUtf8('ab👩‍👩‍👧', 19), 'ab');
    assert.equal(truncateUtf8('ab👩‍👩‍👧', 20), 'ab👩‍👩‍👧');
    assert.equal(truncateUtf8('ééé', 5), 'éé');
  });
});

describe('detectLinks', () => {
  test('finds scheme links and strips trailing punctuation', () => {
    const text = 'Lisez https://example.com/a?b=1. Et (https://ex.org/x) !';
    const links = detectLinks(text);
    assert.deepEqual(links.map((l) => l.uri), ['https://example.com/a?b=1', 'https://ex.org/x']);
    assert.deepEqual(links.map((l) => text.slice(l.start, l.end)), ['https://example.com/a?b=1', 'https://ex.org/x']);
  });

  test('keeps a closing parenthesis that belongs to the URL', () => {
    const links = detectLinks('see https://en.wikipedia.org/wiki/Bridge_(structure)');
    assert.equal(links[0]?.uri, 'https://en.wikipedia.org/wiki/Bridge_(structure)');
  });

  test('links bare domains with a known TLD and adds https://', () => {
    assert.deepEqual(detectLinks('va sur passerelle.fr/docs ou example.com').map((l) => l.uri), ['https://passerelle.fr/docs', 'https://example.com']);
  });

  test('does not link words with a dot and an unknown TLD', () => {
    assert.deepEqual(detectLinks('file.tsx and node.jsx'), []);
  });

  test('detectSchemeLinks ignores bare domains', () => {
    assert.deepEqual(detectSchemeLinks('example.com and http://a.fr').map((l) => l.uri), ['http://a.fr']);
  });
});

describe('detectMentions', () => {
  test('finds handles with a domain, lower-cased, trailing dot dropped', () => {
    const text = 'Merci @Alice.bsky.social et @bob.test.';
    const mentions = detectMentions(text);
    assert.deepEqual(mentions.map((m) => m.handle), ['alice.bsky.social', 'bob.test']);
    assert.deepEqual(mentions.map((m) => text.slice(m.start, m.end)), ['@Alice.bsky.social', '@bob.test']);
  });

  test('ignores bare @names and e-mail addresses', () => {
    assert.deepEqual(detectMentions('salut @alice, écris à contact@example.com'), []);
  });
});

describe('detectTags', () => {
  test('finds tags, including accented and CJK ones, without trailing punctuation', () => {
    const text = '#CommunityManager et #été, #日本!';
    assert.deepEqual(detectTags(text).map((t) => t.tag), ['CommunityManager', 'été', '日本']);
  });

  test('ignores numeric-only tags, tags glued to words, and the keycap emoji', () => {
    assert.deepEqual(detectTags('#123 a#b #️⃣'), []);
  });

  test('accepts the full-width ＃ and refuses tags over 64 characters', () => {
    assert.deepEqual(detectTags('＃tag').map((t) => t.tag), ['tag']);
    assert.deepEqual(detectTags(`#${'a'.repeat(65)}`), []);
    assert.equal(detectTags(`#${'a'.repeat(64)}`).length, 1);
  });
});

describe('buildFacets', () => {
  const resolver = async (handle: string) => (handle === 'alice.test' ? 'did:plc:alice' : null);

  test('gives UTF-8 byte offsets after emoji, accents, CJK and ZWJ sequences', async () => {
    const text = '👩‍👩‍👧 café 日本 @alice.test #été https://exemple.fr/é';
    const facets = await buildFacets(text, resolver);
    assert.deepEqual(facets.map((f) => facetText(text, f)), ['@alice.test', '#été', 'https://exemple.fr/é']);
    const mention = facets[0];
    assert.deepEqual(mention?.index, { byteStart: utf8Length('👩‍👩‍👧 café 日本 '), byteEnd: utf8Length('👩‍👩‍👧 café 日本 @alice.test') });
    assert.deepEqual(mention?.features, [{ $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:alice' }]);
  });

  test('leaves unresolvable mentions as plain text', async () => {
    assert.deepEqual(await buildFacets('hi @nobody.test', resolver), []);
  });

  test('resolves each handle once', async () => {
    let calls = 0;
    await buildFacets('@alice.test @alice.test', async () => {
      calls++;
      return 'did:plc:alice';
    });
    assert.equal(calls, 1);
  });

  test('returns facets sorted and never overlapping', async () => {
    const facets = await buildFacets('#b https://x.fr/#a @alice.test', resolver);
    const starts = facets.map((f) => f.index.byteStart);
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b));
    for (let i = 1; i < facets.length; i++) assert.ok((facets[i]?.index.byteStart ?? 0) >= (facets[i - 1]?.index.byteEnd ?? 0));
    assert.equal(facets.length, 3);
  });

  // Parity with the Bluesky app's own detection (@atproto/api RichText), so readers see what we linked.
  const corpus = [
    'Hello https://bsky.app/profile/x.',
    'Go to example.com, then (https://a.org/b).',
    '#tag1 #2024 #été! and ＃fullwidth',
    '👩‍👩‍👧 #famille https://exemple.fr/é 🇫🇷',
    '日本語 #日本 https://日本.jp/パス',
    'Voir passerelle.fr/docs?x=1; merci',
    'mix: #a, #b. #c? (#d)',
    'e\u0301te\u0301 #cafe\u0301 https://x.fr',
  ];
  for (const text of corpus) {
    test(`matches @atproto/api facets for ${JSON.stringify(text)}`, async () => {
      const rt = new RichText({ text });
      rt.detectFacetsWithoutResolution();
      const theirs = (rt.facets ?? [])
        .map((f) => ({ index: f.index, features: f.features.map(({ $type, ...rest }) => ({ $type, ...rest })) }))
        .sort((a, b) => a.index.byteStart - b.index.byteStart);
      const ours = (await buildFacets(text, resolver)).map(({ index, features }) => ({ index, features }));
      assert.deepEqual(ours, theirs);
    });
  }
});
