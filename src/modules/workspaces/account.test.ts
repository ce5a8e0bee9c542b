import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../../test/support/app.ts';

describe('owner set-up and sign-in', () => {
  let t: TestApp;
  before(async () => { t = await startTestApp(); });
  after(() => t.close());

  test('the first visitor creates the owner account and is signed in', async () => {
    const c = new Client(t.app);
    assert.deepEqual((await c.get('/api/setup')).data, { needsOwner: true });
    const res = await c.post('/api/auth/signup', { name: 'Ada', email: 'Ada@Example.com', password: 'correct horse battery' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.data.user.email, 'ada@example.com');
    const me = await c.get('/api/me');
    assert.equal(me.statusCode, 200);
    assert.deepEqual(me.data.memberships, []);
    assert.deepEqual((await c.get('/api/setup')).data, { needsOwner: false });
  });

  test('a second sign-up is refused once an owner exists', async () => {
    const res = await new Client(t.app).post('/api/auth/signup', { name: 'Eve', email: 'eve@example.com', password: 'correct horse battery' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.data.error.code, 'setup_done');
  });

  test('a wrong password and an unknown email get the same generic answer', async () => {
    const wrong = await new Client(t.app).post('/api/auth/signin', { email: 'ada@example.com', password: 'nope nope nope' });
    const unknown = await new Client(t.app).post('/api/auth/signin', { email: 'nobody@example.com', password: 'nope nope nope' });
    assert.equal(wrong.statusCode, 401);
    assert.deepEqual(wrong.data, unknown.data);
    assert.equal(wrong.data.error.code, 'invalid_credentials');
  });

  test('malformed JSON is a 400 naming the problem, not a 500', async () => {
    const res = await new Client(t.app).request('POST', '/api/auth/signin', '{"email": ', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.code, 'invalid_json');
  });

  test('a bad field is a 400 naming the field', async () => {
    const res = await new Client(t.app).post('/api/auth/signin', { email: 'not-an-email', password: 'x' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'email');
  });

  test('an unknown field is refused by name', async () => {
    const res = await new Client(t.app).post('/api/auth/signin', { email: 'ada@example.com', password: 'x', admin: true });
    assert.equal(res.statusCode, 400);
    assert.equal(res.data.error.field, 'admin');
  });

  test('signing out ends the session', async () => {
    const c = new Client(t.app);
    assert.equal((await c.post('/api/auth/signin', { email: 'ada@example.com', password: 'correct horse battery' })).statusCode, 200);
    const cookie = c.cookie;
    assert.equal((await c.post('/api/auth/signout')).statusCode, 204);
    const stale = new Client(t.app);
    stale.cookie = cookie;
    assert.equal((await stale.get('/api/me')).statusCode, 401);
  });
});
