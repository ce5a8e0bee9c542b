import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { hashPassword, loadSecretBox, parseKey, SecretBox, verifyPassword } from './crypto.ts';

test('a sealed secret opens with the same key and aad', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal({ appPassword: 'abcd-efgh' }, 'channel:1');
  assert.ok(!sealed.includes('abcd'));
  assert.deepEqual(box.open(sealed, 'channel:1'), { appPassword: 'abcd-efgh' });
});

test('a sealed secret copied to another row (other aad) fails to open', () => {
  const box = new SecretBox(randomBytes(32));
  assert.throws(() => box.decrypt(box.encrypt('x', 'channel:1'), 'channel:2'));
});

test('another key is reported as a key mismatch, not as corrupt data', () => {
  const sealed = new SecretBox(randomBytes(32)).encrypt('x');
  assert.throws(() => new SecretBox(randomBytes(32)).decrypt(sealed), /another key/);
});

test('a tampered ciphertext fails authentication', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.encrypt('hello');
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
  assert.throws(() => box.decrypt(flipped));
});

test('the generated key file is created once with mode 0600 and reused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pk-'));
  const a = loadSecretBox({ secretKey: undefined, dataDir: dir });
  const b = loadSecretBox({ secretKey: undefined, dataDir: dir });
  assert.equal(a.keyId, b.keyId);
  assert.equal(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777, 0o600);
  assert.equal(b.decrypt(a.encrypt('x')), 'x');
});

test('PASSERELLE_SECRET_KEY in hex or base64 decodes to the same key; a short key is refused', () => {
  const key = randomBytes(32);
  assert.deepEqual(parseKey(key.toString('hex')), key);
  assert.deepEqual(parseKey(key.toString('base64')), key);
  assert.throws(() => parseKey(randomBytes(16).toString('base64')), /32 bytes/);
});

test('passwords verify only against their own hash', async () => {
  const hash = await hashPassword('correct horse battery');
  assert.equal(await verifyPassword('correct horse battery', hash), true);
  assert.equal(await verifyPassword('correct horse batterY', hash), false);
  assert.equal(await verifyPassword('x', 'garbage'), false);
});
