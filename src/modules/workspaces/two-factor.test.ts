import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeUser, PASSWORD, signedIn } from '../../../test/support/factories.ts';
import { totpAt } from '../../platform/totp.ts';

describe('two-factor authentication (TOTP)', () => {
  let t: TestApp;
  let email: string;
  let session: Client;
  let secret: string;
  const step = () => Math.floor(t.clock.now.getTime() / 30_000);
  /** A six-digit code valid at none of the steps the server accepts now. */
  const wrongCode = () => ['000000', '111111', '222222', '333333'].find((c) => ![-1, 0, 1].some((d) => totpAt(secret, step() + d) === c))!;
  const signIn = (body: Record<string, string>) => new Client(t.app).post('/api/auth/signin', { email, password: PASSWORD, ...body });

  before(async () => {
    t = await startTestApp();
    const u = await makeUser(t.deps);
    email = u.email;
    session = await signedIn(t, u.id);
  });
  after(() => t.close());

  test('set-up gives a secret and an otpauth URL, but sign-in does not need a code yet', async () => {
    const res = await session.post('/api/me/totp/setup');
    assert.equal(res.statusCode, 200);
    secret = res.data.secret;
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.ok(res.data.otpauthUrl.startsWith('otpauth://totp/'));
    assert.ok(res.data.otpauthUrl.includes(`secret=${secret}`));
    assert.equal((await signIn({})).statusCode, 200);
  });

  test('enabling with a wrong code is refused', async () => {
    const res = await session.post('/api/me/totp/enable', { code: wrongCode() });
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'totp_invalid');
    assert.equal((await session.get('/api/me')).data.user.totpEnabled, false);
  });

  test('enabling with a code from the authenticator turns it on', async () => {
    const res = await session.post('/api/me/totp/enable', { code: totpAt(secret, step()) });
    assert.equal(res.statusCode, 204);
    assert.equal((await session.get('/api/me')).data.user.totpEnabled, true);
  });

  test('sign-in now requires the code, naming the field totp', async () => {
    const res = await signIn({});
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'totp_required');
    assert.equal(res.data.error.field, 'totp');
  });

  test('a wrong code is a 401 totp_invalid; the code used to enable cannot sign in', async () => {
    const wrong = await signIn({ totp: wrongCode() });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.data.error.code, 'totp_invalid');
    const replayOfEnable = await signIn({ totp: totpAt(secret, step()) });
    assert.equal(replayOfEnable.data.error?.code, 'totp_invalid');
  });

  test('the next code signs in once; replaying it is refused', async () => {
    t.clock.advance(30_000);
    const code = totpAt(secret, step());
    assert.equal((await signIn({ totp: code })).statusCode, 200);
    const replay = await signIn({ totp: code });
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.data.error.code, 'totp_invalid');
  });

  test('a correct code with a wrong password still says invalid_credentials', async () => {
    t.clock.advance(30_000);
    const res = await new Client(t.app).post('/api/auth/signin', { email, password: 'wrong password', totp: totpAt(secret, step()) });
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'invalid_credentials');
  });

  test('disabling needs the password; afterwards sign-in needs no code', async () => {
    const wrong = await session.post('/api/me/totp/disable', { password: 'not my password' });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.data.error.field, 'password');
    assert.equal((await session.get('/api/me')).data.user.totpEnabled, true);
    assert.equal((await session.post('/api/me/totp/disable', { password: PASSWORD })).statusCode, 204);
    assert.equal((await session.get('/api/me')).data.user.totpEnabled, false);
    assert.equal((await signIn({})).statusCode, 200);
  });
});
