import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { blueskyLimits, createBlueskyConnector } from './bluesky.connector.ts';
import { normalizeServiceUrl, pdsFromDidDoc } from './bluesky.connect.ts';
import { jwtExpiry, parseAtUri, parseBlueskyRateLimit, tidFor } from './bluesky.xrpc.ts';

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;

describe('tidFor (deterministic record keys)', () => {
  const at = new Date('2025-06-01T10:00:00Z');

  test('is a valid TID', () => assert.match(tidFor('k', at, 0), TID));
  test('is the same for the same key, time and part', () => assert.equal(tidFor('k', at, 1), tidFor('k', at, 1)));
  test('differs between parts and between keys', () => {
    assert.notEqual(tidFor('k', at, 0), tidFor('k', at, 1));
    assert.notEqual(tidFor('k', at, 0), tidFor('j', at, 0));
  });
  test('sorts with the scheduled time', () => {
    assert.ok(tidFor('k', at, 0) < tidFor('k', new Date(at.getTime() + 1000), 0));
  });
  test('encodes the scheduled time in microseconds', () => {
    const S32 = '234567abcdefghijklmnopqrstuvwxyz';
    let n = 0n;
    for (const ch of tidFor('k', at, 0)) n = n * 32n + BigInt(S32.indexOf(ch));
    const micros = n >> 10n;
    assert.equal(micros / 1000n, BigInt(at.getTime()));
  });
});

describe('Bluesky helpers', () => {
  test('parseAtUri splits did, collection and rkey', () => {
    assert.deepEqual(parseAtUri('at://did:plc:abc/app.bsky.feed.post/3kxyz'), { did: 'did:plc:abc', collection: 'app.bsky.feed.post', rkey: '3kxyz' });
    assert.equal(parseAtUri('https://bsky.app/x'), null);
  });

  test('jwtExpiry reads exp, and null for something that is not a JWT', () => {
    const jwt = `x.${Buffer.from(JSON.stringify({ exp: 1_700_000_000 })).toString('base64url')}.sig`;
    assert.equal(jwtExpiry(jwt), 1_700_000_000_000);
    assert.equal(jwtExpiry('opaque'), null);
  });

  test('ratelimit-* headers: reset in Unix seconds', () => {
    const h = new Headers({ 'ratelimit-limit': '3000', 'ratelimit-remaining': '12', 'ratelimit-reset': '1700000000', 'ratelimit-policy': '3000;w=300' });
    assert.deepEqual(parseBlueskyRateLimit(h, new Date()), { remaining: 12, limit: 3000, resetAt: new Date(1_700_000_000_000) });
    assert.equal(parseBlueskyRateLimit(new Headers(), new Date()), null);
  });

  test('the PDS comes from the DID document', () => {
    assert.equal(pdsFromDidDoc({ service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: 'https://morel.us-east.host.bsky.network' }] }), 'https://morel.us-east.host.bsky.network');
    assert.equal(pdsFromDidDoc(undefined), null);
  });

  test('the service defaults to bsky.social and accepts a bare host', () => {
    assert.equal(normalizeServiceUrl(''), 'https://bsky.social');
    assert.equal(normalizeServiceUrl('pds.example.org/'), 'https://pds.example.org');
  });

  test('validate applies 300 graphemes and 3,000 bytes', () => {
    const connector = createBlueskyConnector();
    assert.equal(connector.validate({ text: 'é'.repeat(301) }, blueskyLimits)[0]?.code, 'text_too_long');
    assert.deepEqual(connector.validate({ text: 'é'.repeat(300) }, blueskyLimits), []);
  });
});
