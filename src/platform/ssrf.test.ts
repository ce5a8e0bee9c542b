import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import zlib from 'node:zlib';
import { blockedReason, createGuardedFetch, SsrfBlocked } from './ssrf.ts';

describe('blockedReason', () => {
  const blocked: Array<[string, string]> = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.10', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['0.1.2.3', 'unspecified ("this network")'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (IPv4-mapped)'],
    ['::ffff:7f00:1', 'loopback (IPv4-mapped)'],
    ['::ffff:10.0.0.1', 'private (IPv4-mapped)'],
    ['::ffff:169.254.169.254', 'link-local (IPv4-mapped)'],
    ['64:ff9b::a00:1', 'private (IPv4-mapped)'],
  ];
  for (const [address, reason] of blocked) {
    test(`refuses ${address} as ${reason}`, () => {
      assert.equal(blockedReason(address), reason);
    });
  }

  const allowed = ['93.184.216.34', '1.1.1.1', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2606:4700::1111', '::ffff:93.184.216.34'];
  for (const address of allowed) {
    test(`allows the public address ${address}`, () => {
      assert.equal(blockedReason(address), null);
    });
  }
});

describe('createGuardedFetch against a loopback server', () => {
  let server: http.Server;
  let base: string;
  const seen: Array<{ url: string; method: string; auth: string | undefined; body: string }> = [];

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', method: req.method ?? '', auth: req.headers.authorization, body });
        const port = (server.address() as AddressInfo).port;
        if (req.url === '/redirect-local') {
          res.writeHead(302, { location: `http://localhost:${port}/ok` }).end();
        } else if (req.url === '/redirect-private') {
          res.writeHead(302, { location: 'http://10.0.0.1/secret' }).end();
        } else if (req.url === '/redirect-303') {
          res.writeHead(303, { location: '/echo' }).end();
        } else if (req.url === '/loop') {
          res.writeHead(302, { location: '/loop' }).end();
        } else if (req.url === '/gzip') {
          res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/json' }).end(zlib.gzipSync('{"zipped":true}'));
        } else if (req.url === '/echo') {
          res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] }).end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] ?? null }));
        } else {
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  test('refuses 127.0.0.1 by default with SsrfBlocked naming the host and reason', async () => {
    const guarded = createGuardedFetch();
    await assert.rejects(guarded(`${base}/ok`), (error: unknown) => {
      assert.ok(error instanceof SsrfBlocked);
      assert.equal(error.host, '127.0.0.1');
      assert.match(error.message, /127\.0\.0\.1.*loopback/);
      return true;
    });
  });

  test('refuses a hostname that resolves to loopback (localhost)', async () => {
    const guarded = createGuardedFetch();
    const port = new URL(base).port;
    await assert.rejects(guarded(`http://localhost:${port}/ok`), SsrfBlocked);
  });

  test('refuses when any resolved address is internal, even if another is public', async () => {
    const guarded = createGuardedFetch({
      lookup: async () => [
        { address: '93.184.216.34', family: 4 },
        { address: '192.168.0.5', family: 4 },
      ],
    });
    await assert.rejects(guarded('http://mixed.example/'), /192\.168\.0\.5, a private address/);
  });

  test('refuses non-http schemes', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    await assert.rejects(guarded('file:///etc/passwd'), SsrfBlocked);
  });

  test('allows loopback when allowPrivate is set', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    const res = await guarded(`${base}/ok`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
  });

  test('allows a host listed in allowHosts and no other', async () => {
    const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
    assert.equal((await guarded(`${base}/ok`)).status, 200);
    const port = new URL(base).port;
    await assert.rejects(guarded(`http://localhost:${port}/ok`), SsrfBlocked);
  });

  test('pins the connection to the checked address instead of resolving again', async () => {
    let lookups = 0;
    const guarded = createGuardedFetch({
      allowHosts: ['rebind.example'],
      lookup: async () => {
        lookups++;
        return [{ address: '127.0.0.1', family: 4 }];
      },
    });
    const port = new URL(base).port;
    const res = await guarded(`http://rebind.example:${port}/ok`);
    assert.equal(await res.text(), 'ok');
    assert.equal(lookups, 1);
  });

  test('checks every redirect hop: a redirect to a private address is refused', async () => {
    const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
    await assert.rejects(guarded(`${base}/redirect-private`), (error: unknown) => error instanceof SsrfBlocked && error.host === '10.0.0.1');
  });

  test('checks every redirect hop: a redirect to a non-allowed loopback name is refused', async () => {
    const guarded = createGuardedFetch({ allowHosts: ['127.0.0.1'] });
    await assert.rejects(guarded(`${base}/redirect-local`), (error: unknown) => error instanceof SsrfBlocked && error.host === 'localhost');
  });

  test('follows allowed redirects and drops Authorization across origins', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    seen.length = 0;
    const res = await guarded(`${base}/redirect-local`, { headers: { authorization: 'Bearer secret' } });
    assert.equal(await res.text(), 'ok');
    assert.equal(seen[0]?.auth, 'Bearer secret');
    assert.equal(seen[1]?.auth, undefined);
  });

  test('a 303 after a POST continues as a GET without body', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    const res = await guarded(`${base}/redirect-303`, { method: 'POST', body: 'x=1' });
    assert.deepEqual(await res.json(), { method: 'GET', body: '', type: null });
  });

  test('gives up after 5 redirects', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    await assert.rejects(guarded(`${base}/loop`), /more than 5 redirects/);
  });

  test('returns a manual redirect untouched when redirect is manual', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    const res = await guarded(`${base}/loop`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/loop');
  });

  test('sends JSON and FormData bodies with their content type', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    const json = await (await guarded(`${base}/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' })).json();
    assert.deepEqual(json, { method: 'POST', body: '{"a":1}', type: 'application/json' });
    const form = new FormData();
    form.set('field', 'value');
    const multipart = (await (await guarded(`${base}/echo`, { method: 'POST', body: form })).json()) as { type: string; body: string };
    assert.match(multipart.type, /^multipart\/form-data; boundary=/);
    assert.match(multipart.body, /name="field"\r\n\r\nvalue/);
  });

  test('decompresses gzip bodies and keeps repeated headers', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    assert.deepEqual(await (await guarded(`${base}/gzip`)).json(), { zipped: true });
    const echo = await guarded(`${base}/echo`);
    assert.equal(echo.headers.get('x-multi'), 'a, b');
  });

  test('honours an abort signal', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    await assert.rejects(guarded(`${base}/ok`, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  });

  test('reports an unreachable port as a fetch failure, not a block', async () => {
    const guarded = createGuardedFetch({ allowPrivate: true });
    await assert.rejects(guarded('http://127.0.0.1:1/'), (error: unknown) => error instanceof TypeError && !(error instanceof SsrfBlocked));
  });
});
