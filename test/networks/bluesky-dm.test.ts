/**
 * Real-peer tests: Bluesky DMs degrade against the reference PDS (dev-env has no chat service, so the
 * PDS cannot forward `chat.bsky.*`). A poll must still succeed with the notifications, and the channel
 * must say why DMs are missing. The DM behaviour itself is pinned by the contract tests
 * (src/connectors/bluesky/bluesky.chat.contract.test.ts). Run with `npm run test:networks`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DM_NOTICES } from '../../src/connectors/bluesky/bluesky.chat.ts';
import { connectBluesky } from '../../src/connectors/bluesky/bluesky.connect.ts';
import { createBlueskyConnector, decodeBlueskyCursor } from '../../src/connectors/bluesky/bluesky.connector.ts';
import type { BlueskyCredentials } from '../../src/connectors/bluesky/bluesky.xrpc.ts';
import { createMemoryContext } from '../../src/connectors/memory-context.ts';
import { createGuardedFetch } from '../../src/platform/ssrf.ts';
import { startBlueskyNetwork, xrpc, type TestNetworkLike } from './harness.ts';

const guarded = createGuardedFetch({ allowHosts: ['localhost'] });
const connector = createBlueskyConnector();

let network: TestNetworkLike;
let brand: { did: string; accessJwt: string };
let bob: { did: string; accessJwt: string };

before(async () => {
  network = await startBlueskyNetwork();
  const sc = network.getSeedClient();
  brand = await sc.createAccount('brand', { email: 'brand@test.com', handle: 'brand.test', password: 'brand-pass' });
  bob = await sc.createAccount('bob', { email: 'bob@test.com', handle: 'bob.test', password: 'bob-pass' });
  await network.processAll();
});

after(async () => {
  await network?.close();
});

/** Connects brand.test with a new app password, with or without DM access ("privileged"). */
async function connect(privileged: boolean) {
  const { password } = await xrpc<{ password: string }>(network.pds.url, brand.accessJwt, 'com.atproto.server.createAppPassword', { name: `passerelle-${privileged}-${Date.now()}`, privileged });
  const base = { fetch: guarded, now: () => new Date(), log: { info() {}, warn() {}, error() {} }, timeoutMs: 15_000 };
  const connected = await connectBluesky(base, { identifier: 'brand.test', appPassword: password, service: network.pds.url });
  return createMemoryContext<BlueskyCredentials>(connected.credentials, { fetch: guarded, timeoutMs: 15_000 });
}

/** bob mentions brand.test. */
async function mention(text: string) {
  const at = text.indexOf('@brand.test');
  const start = Buffer.byteLength(text.slice(0, at));
  const post = await xrpc<{ uri: string }>(network.pds.url, bob.accessJwt, 'com.atproto.repo.createRecord', {
    repo: bob.did, collection: 'app.bsky.feed.post',
    record: { $type: 'app.bsky.feed.post', text, createdAt: new Date().toISOString(), facets: [{ index: { byteStart: start, byteEnd: start + 11 }, features: [{ $type: 'app.bsky.richtext.facet#mention', did: brand.did }] }] },
  });
  await network.processAll();
  return post.uri;
}

describe('Bluesky DMs against the reference PDS (no chat service)', () => {
  test('an app password without DM access: the poll reads the notifications, calls no chat method, and the channel says DMs need DM access', async () => {
    const c = await connect(false);
    const start = await connector.fetchInteractions(c, null);
    const uri = await mention('Bonjour @brand.test, vous êtes ouverts ?');
    const page = await connector.fetchInteractions(c, start.cursor);
    assert.ok(page.items.some((i) => i.remoteId === uri && i.kind === 'mention'), JSON.stringify(page.items));
    assert.match(c.notices[DM_NOTICES.noAccess]?.message ?? '', /DM access/);
    assert.equal(decodeBlueskyCursor(page.cursor).c, null);
    assert.equal(c.saved.length, 0, 'no session renewal');
  });

  test('an app password with DM access but no reachable chat service: the poll still succeeds with the notifications, the channel says DMs could not be read, the session is untouched', async () => {
    const c = await connect(true);
    const start = await connector.fetchInteractions(c, null);
    assert.ok(c.notices[DM_NOTICES.unavailable], JSON.stringify(c.notices));
    assert.equal(c.notices[DM_NOTICES.noAccess], undefined);
    const uri = await mention('Encore moi @brand.test');
    const page = await connector.fetchInteractions(c, start.cursor);
    assert.ok(page.items.some((i) => i.remoteId === uri), JSON.stringify(page.items));
    assert.equal(decodeBlueskyCursor(page.cursor).c, null, 'DMs not started: they will backfill once chat answers');
    assert.equal(c.saved.length, 0, 'the chat failure was not taken for an expired session');
  });
});
