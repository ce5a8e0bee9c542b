import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeUser, PASSWORD, signedIn } from '../../../test/support/factories.ts';

const RESET_LINK = /http:\/\/passerelle\.test\/reset\/([A-Za-z0-9_-]{20,})/;

async function signIn(t: TestApp, email: string, password: string) {
  return new Client(t.app).post('/api/auth/signin', { email, password });
}

describe('changing one’s password', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  test('a wrong current password is refused, naming the field', async () => {
    const u = await makeUser(t.deps);
    const res = await (await signedIn(t, u.id)).post('/api/me/password', { currentPassword: 'not my password', newPassword: 'another good password' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.data.error.code, 'invalid_credentials');
    assert.equal(res.data.error.field, 'currentPassword');
  });

  test('the new password works, the old one no longer does, and other sessions are signed out', async () => {
    const u = await makeUser(t.deps);
    const here = await signedIn(t, u.id);
    const elsewhere = await signedIn(t, u.id);
    const res = await here.post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'another good password' });
    assert.equal(res.statusCode, 204);
    assert.equal((await here.get('/api/me')).statusCode, 200, 'this session stays');
    assert.equal((await elsewhere.get('/api/me')).statusCode, 401, 'the other session is gone');
    assert.equal((await signIn(t, u.email, PASSWORD)).statusCode, 401);
    assert.equal((await signIn(t, u.email, 'another good password')).statusCode, 200);
  });

  test('a new password under 10 characters is a 400 naming the field', async () => {
    const u = await makeUser(t.deps);
    const res = await (await signedIn(t, u.id)).post('/api/me/password', { currentPassword: PASSWORD, newPassword: 'short' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'newPassword');
  });
});

describe('password reset without SMTP: the link is written to the log', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp({ captureLogs: true, env: { LOG_LEVEL: 'info' } }); });
  after(() => t.close());

  function linksFor(email: string): string[] {
    return t.logs.map((l) => JSON.parse(l)).filter((l) => l.passwordResetFor === email).map((l) => RESET_LINK.exec(l.msg)?.[1]).filter((x): x is string => Boolean(x));
  }

  test('the link appears in the log, works once, and signs out every session', async () => {
    const u = await makeUser(t.deps);
    const session = await signedIn(t, u.id);
    const res = await new Client(t.app).post('/api/auth/password-reset', { email: u.email.toUpperCase() });
    assert.equal(res.statusCode, 202);
    const [token] = linksFor(u.email);
    assert.ok(token, `no reset link in the log:\n${t.logs.join('')}`);
    const confirm = await new Client(t.app).post('/api/auth/password-reset/confirm', { token, password: 'reset good password' });
    assert.equal(confirm.statusCode, 204);
    assert.equal((await session.get('/api/me')).statusCode, 401);
    assert.equal((await signIn(t, u.email, 'reset good password')).statusCode, 200);
    const again = await new Client(t.app).post('/api/auth/password-reset/confirm', { token, password: 'yet another password' });
    assert.equal(again.statusCode, 400);
    assert.equal(again.data.error.code, 'reset_token_invalid');
    assert.equal((await signIn(t, u.email, 'reset good password')).statusCode, 200);
  });

  test('an unknown email gets the same answer and no link', async () => {
    const before = t.logs.length;
    const res = await new Client(t.app).post('/api/auth/password-reset', { email: 'nobody@example.com' });
    assert.equal(res.statusCode, 202);
    assert.ok(!t.logs.slice(before).some((l) => RESET_LINK.test(l)));
  });

  test('a link older than an hour is refused with reset_token_invalid', async () => {
    const u = await makeUser(t.deps);
    await new Client(t.app).post('/api/auth/password-reset', { email: u.email });
    const [token] = linksFor(u.email);
    t.clock.advance(60 * 60_000 + 1000);
    const res = await new Client(t.app).post('/api/auth/password-reset/confirm', { token, password: 'reset good password' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.code, 'reset_token_invalid');
    assert.equal(res.data.error.field, 'token');
    assert.equal((await signIn(t, u.email, PASSWORD)).statusCode, 200, 'the password is unchanged');
  });
});

describe('password reset with SMTP: the link is mailed', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const inbox: { to: string[]; data: string }[] = [];
  let delivered: () => void = () => {};

  before(async () => {
    smtp = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, session, callback) {
        let data = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => { data += chunk; });
        stream.on('end', () => {
          inbox.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
          delivered();
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    t = await startTestApp({ work: true, env: { SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Passerelle <noreply@passerelle.test>' } });
  });
  after(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  test('the reset mail reaches the SMTP server with a link that works exactly once', async () => {
    const u = await makeUser(t.deps, { name: 'Mailed Person' });
    const arrived = new Promise<void>((resolve) => { delivered = resolve; });
    const res = await new Client(t.app).post('/api/auth/password-reset', { email: u.email });
    assert.equal(res.statusCode, 202);
    await Promise.race([arrived, new Promise((_, reject) => setTimeout(() => reject(new Error('no mail within 15 s')), 15_000))]);
    const mail = inbox.at(-1)!;
    assert.deepEqual(mail.to, [u.email]);
    assert.match(mail.data, /^Subject: Reset your Passerelle password\r?$/m);
    assert.match(mail.data, /^From: Passerelle <noreply@passerelle\.test>\r?$/m);
    const token = RESET_LINK.exec(mail.data.replace(/=\r?\n/g, ''))?.[1];
    assert.ok(token, mail.data);
    const first = await new Client(t.app).post('/api/auth/password-reset/confirm', { token, password: 'mailed new password' });
    assert.equal(first.statusCode, 204);
    const second = await new Client(t.app).post('/api/auth/password-reset/confirm', { token, password: 'mailed newer password' });
    assert.equal(second.statusCode, 400);
    assert.equal(second.data.error.code, 'reset_token_invalid');
    assert.equal((await signIn(t, u.email, 'mailed new password')).statusCode, 200);
  });
});
