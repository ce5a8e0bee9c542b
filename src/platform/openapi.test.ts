import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, startTestApp, type TestApp } from '../../test/support/app.ts';

/** The OpenAPI document is generated from the same zod schemas that validate requests. */
describe('OpenAPI 3.1 at /api/openapi.json', () => {
  let t: TestApp;
  let doc: { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>> };
  before(async () => {
    t = await startTestApp();
    const res = await new Client(t.app).get('/api/openapi.json');
    assert.equal(res.statusCode, 200);
    doc = res.data;
  });
  after(() => t.close());

  test('is OpenAPI 3.1 and lists every API route the app registers', () => {
    assert.equal(doc.openapi, '3.1.0');
    const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`)));
    const missing = t.routes
      .filter((r) => r.url.startsWith('/api/') && r.url !== '/api/openapi.json' && r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !documented.has(k));
    assert.deepEqual(missing, []);
  });

  test('request bodies and path parameters come from the zod schemas', () => {
    const signin = doc.paths['/api/auth/signin']!['post']!;
    assert.ok(JSON.stringify(signin.requestBody).includes('"email"'));
    const member = doc.paths['/api/workspaces/{wid}/members/{userId}']!['patch']!;
    assert.deepEqual(member.parameters?.map((p) => p.name).sort(), ['userId', 'wid']);
  });
});
