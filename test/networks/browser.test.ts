/**
 * Passerelle in a real browser against the real AT Protocol servers (PLC + PDS + AppView from
 * @atproto/dev-env): the owner connects the Bluesky channel through Settings → Channels, composes a post
 * and publishes it now, and sees it published on the Bluesky test network; then a moderation rule hides a
 * toxic reply through the post's threadgate and the inbox shows it hidden.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { Passerelle, startBlueskyNetwork, xrpc, type TestNetworkLike } from './harness.ts';

const TEXT = 'Publié depuis le navigateur de Passerelle 🌐';
const TOXIC = 'Bande d’abrutis, vous êtes nuls';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Debian's chromium, headless (as test/e2e/app.ts launches it). */
function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

describe('Passerelle × Bluesky in the browser (real PDS + AppView)', { timeout: 480_000 }, () => {
  let network: TestNetworkLike;
  let app: Passerelle;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid: string;
  let brand: { did: string; accessJwt: string };
  let bob: { did: string; accessJwt: string };
  let appPassword: string;
  let channelId: string;
  let remoteId: string;

  before(async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    await promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'ensure-web.mjs')], { cwd: root });
    network = await startBlueskyNetwork();
    const sc = network.getSeedClient();
    brand = await sc.createAccount('brand', { email: 'brand@test.com', handle: 'brand.test', password: 'brand-pass' });
    bob = await sc.createAccount('bob', { email: 'bob@test.com', handle: 'bob.test', password: 'bob-pass' });
    appPassword = (await xrpc<{ password: string }>(network.pds.url, brand.accessJwt, 'com.atproto.server.createAppPassword', { name: 'passerelle' })).password;
    await network.processAll();
    app = await Passerelle.start();
    wid = await app.setUp();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1440, height: 1000 } });
    context.setDefaultTimeout(20_000);
    const signin = await context.request.post('/api/auth/signin', { data: { email: 'camille@example.com', password: 'correct horse battery' } });
    assert.equal(signin.status(), 200, await signin.text());
    const locale = await context.request.patch('/api/me', { data: { locale: 'en' } });
    assert.equal(locale.status(), 200, await locale.text());
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await app?.stop().catch(() => {});
    await network?.close().catch(() => {});
  });

  test('connects brand.test through Settings → Channels, composes and publishes now: the post lands on the PDS once', async () => {
    await page.goto(`/w/${wid}/settings/channels`);
    await page.getByRole('button', { name: 'Connect Bluesky' }).click();
    const modal = page.getByRole('dialog', { name: 'Connect a Bluesky account' });
    await modal.getByRole('textbox', { name: 'Handle' }).fill('brand.test');
    await modal.getByLabel('App password').fill(appPassword);
    await modal.getByText('Advanced: hosting provider (PDS)').click();
    await modal.getByRole('textbox', { name: 'PDS address' }).fill(network.pds.url);
    await modal.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Channel connected: @brand.test').waitFor();
    const channels = (await (await context.request.get(`/api/workspaces/${wid}/channels`)).json()) as { channels: { id: string; network: string; remoteId: string }[] };
    assert.equal(channels.channels.length, 1);
    assert.equal(channels.channels[0]!.remoteId, brand.did);
    channelId = channels.channels[0]!.id;

    await page.goto(`/w/${wid}/compose`);
    await page.getByRole('checkbox', { name: 'Publish to @brand.test' }).check();
    await page.getByRole('textbox', { name: 'Text (All channels)' }).fill(TEXT);
    await page.getByText('Now', { exact: true }).click();
    await page.getByTestId('compose-status').getByText('Ready').waitFor();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
    const variant = page.getByRole('article', { name: 'Variant for @brand.test' });
    await variant.getByTestId('state').filter({ hasText: 'Published' }).waitFor({ timeout: 60_000 });
    const href = await variant.getByTestId('remote-link').getAttribute('href');
    assert.match(href ?? '', /^https:\/\/bsky\.app\/profile\/.+\/post\/[a-z0-9]+$/);

    const feed = await xrpc<{ records: { uri: string; value: { text: string } }[] }>(network.pds.url, null, 'com.atproto.repo.listRecords', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', limit: '100' });
    const mine = feed.records.filter((r) => r.value.text === TEXT);
    assert.equal(mine.length, 1, JSON.stringify(feed.records));
    remoteId = mine[0]!.uri;
    assert.ok(href!.endsWith(`/post/${remoteId.split('/').pop()}`), `${href} links ${remoteId}`);
  });

  test('a hide rule hides bob’s toxic reply through the threadgate, and the inbox shows it hidden', async () => {
    assert.ok(remoteId, 'the post was published');
    const rule = await app.api('POST', `/api/workspaces/${wid}/moderation/rules`, {
      name: 'Insultes', enabled: true, match: 'any',
      conditions: [{ type: 'keywords', words: ['abrutis', 'nuls'] }, { type: 'toxicity', min: 0.8 }],
      actions: [{ type: 'hide' }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.data));
    const rkey = remoteId.split('/').pop()!;
    const root = await xrpc<{ uri: string; cid: string }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.post', rkey });
    const ref = { uri: root.uri, cid: root.cid };
    // The AppView must index the brand's post before bob's reply: a reply indexed first never notifies
    // the post's author (docs/connectors.md, "Network tests: indexing order").
    await network.processAll();
    const toxic = await xrpc<{ uri: string }>(network.pds.url, bob.accessJwt, 'com.atproto.repo.createRecord', {
      repo: bob.did, collection: 'app.bsky.feed.post',
      record: { $type: 'app.bsky.feed.post', text: TOXIC, createdAt: new Date().toISOString(), reply: { root: ref, parent: ref } },
    });
    await network.processAll();

    // "Check now" until the reply is ingested.
    const deadline = Date.now() + 90_000;
    let ingested = false;
    while (!ingested) {
      assert.ok(Date.now() < deadline, 'the reply was not ingested within 90 s');
      await network.processAll();
      // "Check now" is limited to 30 a minute per user: past that, wait for the next window's polls.
      const sync = await app.api('POST', `/api/workspaces/${wid}/inbox/channels/${channelId}/sync`);
      assert.ok(sync.status === 202 || sync.status === 429, `check now: ${sync.status}`);
      const list = await app.api('GET', `/api/workspaces/${wid}/inbox/conversations?q=${encodeURIComponent('abrutis')}`);
      for (const conv of (list.data?.conversations ?? []) as { id: string }[]) {
        const detail = await app.api('GET', `/api/workspaces/${wid}/inbox/conversations/${conv.id}`);
        if ((detail.data?.messages ?? []).some((m: { remoteId: string }) => m.remoteId === toxic.uri)) ingested = true;
      }
      if (!ingested) await sleep(1000);
    }

    await page.goto(`/w/${wid}/inbox`);
    const row = page.getByTestId('conversation-row').filter({ hasText: TOXIC });
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button').first().click();
    const message = page.getByTestId('message').filter({ hasText: TOXIC });
    // The rule runs right after ingest; the hide shows live.
    await message.getByTestId('hidden-badge').waitFor({ timeout: 60_000 });
    assert.equal(await message.getAttribute('data-hidden'), 'true');

    const gate = await xrpc<{ value: { hiddenReplies?: string[] } }>(network.pds.url, null, 'com.atproto.repo.getRecord', undefined, { repo: brand.did, collection: 'app.bsky.feed.threadgate', rkey });
    assert.ok(gate.value.hiddenReplies?.includes(toxic.uri), JSON.stringify(gate.value));
  });
});
