import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/**
 * Authenticated encryption (AES-256-GCM) for every stored credential. Ciphertexts look like
 * `v1.<keyId>.<base64url(iv | tag | data)>`; `keyId` is a short fingerprint of the key so a wrong key
 * is reported as such instead of as corrupt data. `aad` binds a ciphertext to its row (e.g. a channel id)
 * so it cannot be copied onto another row.
 */
export class SecretBox {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secret key must be exactly 32 bytes.');
    this.#key = key;
    this.keyId = createHash('sha256').update(key).digest('base64url').slice(0, 8);
  }

  /** Encrypts a string. @example box.decrypt(box.encrypt('x')) === 'x' */
  encrypt(plain: string, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${this.keyId}.${Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64url')}`;
  }

  /** Decrypts what {@link encrypt} produced with the same key and `aad`; throws otherwise. */
  decrypt(sealed: string, aad = ''): string {
    const [version, keyId, body] = sealed.split('.');
    if (version !== 'v1' || !keyId || !body) throw new Error('Not a Passerelle ciphertext.');
    if (keyId !== this.keyId) throw new Error(`Encrypted with another key (${keyId}); check PASSERELLE_SECRET_KEY.`);
    const raw = Buffer.from(body, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  /** JSON convenience over {@link encrypt}. */
  seal(value: unknown, aad = ''): string {
    return this.encrypt(JSON.stringify(value), aad);
  }

  /** JSON convenience over {@link decrypt}. */
  open<T>(sealed: string, aad = ''): T {
    return JSON.parse(this.decrypt(sealed, aad)) as T;
  }
}

/** Parses a 32-byte key given as hex (64 chars) or base64/base64url. */
export function parseKey(text: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('PASSERELLE_SECRET_KEY must decode to exactly 32 bytes.');
  return key;
}

/**
 * The key from `PASSERELLE_SECRET_KEY`, else from `<dataDir>/secret.key` (created with mode 0600 on
 * first use). Several processes sharing one external database must share the key: set the variable.
 */
export function loadSecretBox(opts: { secretKey: string | undefined; dataDir: string }): SecretBox {
  if (opts.secretKey) return new SecretBox(parseKey(opts.secretKey));
  const file = path.join(opts.dataDir, 'secret.key');
  fs.mkdirSync(opts.dataDir, { recursive: true });
  try {
    // 'wx' fails when the file exists, so two processes starting together cannot overwrite each other's key.
    fs.writeFileSync(file, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) fs.chmodSync(file, 0o600);
  return new SecretBox(parseKey(fs.readFileSync(file, 'utf8').trim()));
}

/** A random URL-safe token, e.g. for sessions, invitations and reset links. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 of a token: what we store, so a database leak does not leak usable tokens. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };

/** Hashes a password with scrypt and a random salt; the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password.normalize('NFKC'), salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
}

/** Checks a password against {@link hashPassword}'s output in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scryptAsync(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

/** A fixed hash to verify against when the account does not exist, so timing does not reveal it. */
export const DUMMY_PASSWORD_HASH =
  'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
