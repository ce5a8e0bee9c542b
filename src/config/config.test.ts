import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig, publicUrl } from './config.ts';

/** Returns the ConfigError's problems (fails if loading succeeds). */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('an empty environment gives the documented defaults', () => {
  const c = loadConfig({});
  assert.deepEqual(c, {
    port: 3000, host: '0.0.0.0', databaseUrl: undefined, dataDir: path.resolve('./data'), secretKey: undefined, publicUrl: undefined,
    allowPrivateNetwork: false, trustProxy: false, publishGraceMinutes: 60, workerConcurrency: 8,
    googleClient: null, googleApiUrl: null, networkStreams: { bluesky: 'wss://jetstream2.us-east.bsky.network/subscribe' }, smtpUrl: undefined,
    mailFrom: 'Passerelle <passerelle@localhost>', logLevel: 'info',
  });
  assert.equal(publicUrl(c), 'http://localhost:3000');
});

test('an unknown PASSERELLE_* setting is refused by name (a typo must not be ignored)', () => {
  const found = problems({ PASSERELLE_DATADIR: '/tmp/x' });
  assert.equal(found.length, 1);
  assert.match(found[0]!, /^PASSERELLE_DATADIR: unknown setting/);
  assert.match(found[0]!, /PASSERELLE_DATA_DIR/, 'lists the known settings');
});

test('other unknown variables are none of our business', () => {
  assert.equal(loadConfig({ HOME: '/root', PATH: '/bin', FOO: 'bar' }).port, 3000);
});

test('a malformed PORT is refused by name', () => {
  for (const port of ['abc', '70000', '-1', '3.5']) {
    const found = problems({ PORT: port });
    assert.equal(found.length, 1, port);
    assert.match(found[0]!, /^PORT: /, port);
    assert.ok(found[0]!.includes(JSON.stringify(port)), 'quotes the value given');
  }
});

test('a DATABASE_URL that is not a PostgreSQL URL is refused by name', () => {
  const [problem] = problems({ DATABASE_URL: 'mysql://root@localhost/db' });
  assert.match(problem!, /^DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u:p@db:5432/x' }).databaseUrl, 'postgres://u:p@db:5432/x');
});

test('an SMTP_URL that is not smtp:// or smtps:// is refused by name', () => {
  const [problem] = problems({ SMTP_URL: 'mail.example.com:587' });
  assert.match(problem!, /^SMTP_URL: /);
  assert.equal(loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com' }).smtpUrl, 'smtps://u:p@mail.example.com');
});

test('the Jetstream URL: ws:// or wss://, or off; anything else is refused by name', () => {
  assert.equal(loadConfig({ PASSERELLE_BLUESKY_JETSTREAM_URL: 'wss://jetstream1.us-west.bsky.network/subscribe' }).networkStreams.bluesky, 'wss://jetstream1.us-west.bsky.network/subscribe');
  assert.equal(loadConfig({ PASSERELLE_BLUESKY_JETSTREAM_URL: 'off' }).networkStreams.bluesky, null);
  for (const bad of ['https://jetstream.example/subscribe', 'jetstream.example', 'wss://']) {
    const [problem] = problems({ PASSERELLE_BLUESKY_JETSTREAM_URL: bad });
    assert.match(problem!, /^PASSERELLE_BLUESKY_JETSTREAM_URL: must be a ws:\/\/ or wss:\/\/ URL, or off/, bad);
  }
});

test('every problem is reported at once', () => {
  const found = problems({ PORT: 'x', SMTP_URL: 'nope', PASSERELLE_FOO: '1', PASSERELLE_PUBLIC_URL: 'not a url' });
  assert.deepEqual(found.map((p) => p.split(':')[0]).sort(), ['PASSERELLE_FOO', 'PASSERELLE_PUBLIC_URL', 'PORT', 'SMTP_URL']);
});

test('the error message lists each problem on its own line', () => {
  assert.throws(() => loadConfig({ PORT: 'x', PASSERELLE_FOO: '1' }), (err: Error) =>
    err instanceof ConfigError && /^Invalid configuration:\n {2}- /.test(err.message) && err.message.split('\n').length === 3);
});

test('an empty value means unset, so the default applies', () => {
  const c = loadConfig({ PORT: '', DATABASE_URL: '', SMTP_URL: '', LOG_LEVEL: '' });
  assert.equal(c.port, 3000);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.smtpUrl, undefined);
  assert.equal(c.logLevel, 'info');
});

test('yes/no style booleans are read, anything else refused', () => {
  assert.equal(loadConfig({ PASSERELLE_TRUST_PROXY: 'yes' }).trustProxy, true);
  assert.equal(loadConfig({ PASSERELLE_TRUST_PROXY: '0' }).trustProxy, false);
  assert.match(problems({ PASSERELLE_TRUST_PROXY: 'maybe' })[0]!, /^PASSERELLE_TRUST_PROXY: /);
});

test('the public URL loses its trailing slash and becomes the base of links', () => {
  const c = loadConfig({ PASSERELLE_PUBLIC_URL: 'https://passerelle.example.com/', PORT: '8080' });
  assert.equal(c.publicUrl, 'https://passerelle.example.com');
  assert.equal(publicUrl(c), 'https://passerelle.example.com');
  assert.equal(publicUrl(loadConfig({ PORT: '8080' })), 'http://localhost:8080');
});

test('a secret key that is not 32 bytes of base64 or hex is refused by name', () => {
  assert.match(problems({ PASSERELLE_SECRET_KEY: 'short' })[0]!, /^PASSERELLE_SECRET_KEY: /);
});

test('the Google OAuth client is both settings or none, and absent by default', () => {
  assert.equal(loadConfig({}).googleClient, null);
  assert.deepEqual(loadConfig({ PASSERELLE_GOOGLE_CLIENT_ID: '123-abc.apps.googleusercontent.com', PASSERELLE_GOOGLE_CLIENT_SECRET: 'GOCSPX-secret' }).googleClient,
    { clientId: '123-abc.apps.googleusercontent.com', clientSecret: 'GOCSPX-secret' });
  assert.match(problems({ PASSERELLE_GOOGLE_CLIENT_ID: '123-abc.apps.googleusercontent.com' })[0]!, /set both or neither/);
  assert.match(problems({ PASSERELLE_GOOGLE_API_URL: 'ftp://x' })[0]!, /^PASSERELLE_GOOGLE_API_URL: /);
});

test('the data directory is made absolute', () => {
  assert.equal(loadConfig({ PASSERELLE_DATA_DIR: 'rel/dir' }).dataDir, path.resolve('rel/dir'));
});
