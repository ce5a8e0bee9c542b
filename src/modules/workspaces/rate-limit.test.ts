import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';
import { makeUser, PASSWORD } from '../../../test/support/factories.ts';

describe('rate limiting of anonymous endpoints', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  test('the 11th sign-in attempt within a minute is a 429 rate_limited, even with the right password', async () => {
    const u = await makeUser(t.deps);
    for (let i = 1; i <= 10; i++) {
      const res = await new Client(t.app).post('/api/auth/signin', { email: u.email, password: 'wrong password' });
      assert.equal(res.statusCode, 401, `attempt ${i}`);
    }
    const res = await new Client(t.app).post('/api/auth/signin', { email: u.email, password: PASSWORD });
    assert.equal(res.statusCode, 429);
    assert.equal(res.data.error.code, 'rate_limited');
    assert.match(res.data.error.message, /try again in \d+ s/);
  });

  test('another address is not affected', async () => {
    const u = await makeUser(t.deps);
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/signin', remoteAddress: '192.0.2.7', payload: { email: u.email, password: PASSWORD } });
    assert.equal(res.statusCode, 200);
  });

  test('the 6th password-reset request within a minute is a 429', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', remoteAddress: '192.0.2.8', payload: { email: 'x@example.com' } });
      assert.equal(res.statusCode, 202, `request ${i}`);
    }
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/password-reset', remoteAddress: '192.0.2.8', payload: { email: 'x@example.com' } });
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error.code, 'rate_limited');
  });
});
