import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { base32Decode, base32Encode, newTotpSecret, otpauthUrl, totpAt, verifyTotp } from './totp.ts';

/** RFC 6238 appendix B: the SHA-1 key is the ASCII string "12345678901234567890"; codes truncated to 6 digits. */
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890', 'ascii'));
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '287082'], [1111111109, '081804'], [1111111111, '050471'], [1234567890, '005924'], [2000000000, '279037'], [20000000000, '353130'],
];
const at = (seconds: number) => new Date(seconds * 1000);

test('codes match the RFC 6238 SHA-1 test vectors', () => {
  for (const [seconds, code] of RFC_VECTORS) assert.equal(totpAt(RFC_SECRET, Math.floor(seconds / 30)), code, `T=${seconds}`);
});

test('the RFC test vectors verify at their own time', () => {
  for (const [seconds, code] of RFC_VECTORS) assert.equal(verifyTotp(RFC_SECRET, code, at(seconds), null), Math.floor(seconds / 30), `T=${seconds}`);
});

test('base32 follows RFC 4648 (without padding) and round-trips any bytes', () => {
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.equal(base32Encode(Buffer.from('f')), 'MY');
  assert.equal(RFC_SECRET, 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  for (let len = 0; len <= 41; len++) {
    const bytes = randomBytes(len);
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes, `length ${len}`);
  }
});

test('base32 decoding ignores case, spaces and padding, and refuses other characters', () => {
  assert.deepEqual(base32Decode('mzxw 6ytb oi======'), Buffer.from('foobar'));
  assert.throws(() => base32Decode('MZXW1'), /base32/);
});

test('a new secret is 160 random bits in base32', () => {
  const a = newTotpSecret();
  assert.match(a, /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(a).length, 20);
  assert.notEqual(a, newTotpSecret());
});

test('a code is accepted one step early or late, not two', () => {
  const step = 1_000_000;
  const code = totpAt(RFC_SECRET, step);
  assert.equal(verifyTotp(RFC_SECRET, code, at((step - 1) * 30), null), step);
  assert.equal(verifyTotp(RFC_SECRET, code, at((step + 1) * 30 + 29), null), step);
  assert.equal(verifyTotp(RFC_SECRET, code, at((step - 2) * 30), null), null);
  assert.equal(verifyTotp(RFC_SECRET, code, at((step + 2) * 30), null), null);
});

test('a code already used (or older than the last used one) is refused', () => {
  const step = 1_000_000;
  const now = at(step * 30);
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step), now, step), null, 'replay of the same step');
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step - 1), now, step), null, 'an earlier step');
  assert.equal(verifyTotp(RFC_SECRET, totpAt(RFC_SECRET, step + 1), now, step), step + 1, 'the next step still works');
});

test('spaces inside a typed code are ignored; anything but six digits is refused', () => {
  assert.equal(verifyTotp(RFC_SECRET, '287 082', at(59), null), 1);
  for (const bad of ['28708', '2870822', 'abcdef', '', '94287082']) assert.equal(verifyTotp(RFC_SECRET, bad, at(59), null), null, bad);
});

test('the otpauth URL carries the secret, account and issuer for authenticator apps', () => {
  const url = new URL(otpauthUrl(RFC_SECRET, 'ada@example.com'));
  assert.equal(url.protocol, 'otpauth:');
  assert.equal(url.host, 'totp');
  assert.equal(decodeURIComponent(url.pathname), '/Passerelle:ada@example.com');
  assert.equal(url.searchParams.get('secret'), RFC_SECRET);
  assert.equal(url.searchParams.get('issuer'), 'Passerelle');
  assert.equal(url.searchParams.get('digits'), '6');
  assert.equal(url.searchParams.get('period'), '30');
});
