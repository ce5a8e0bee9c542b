// Streams in a real browser: a Mastodon channel on the contract fake whose streaming server
// (fake-mastodon.stream.ts) pushes notifications. The inbox shows the channel "Live", and a mention
// posted on the instance appears in the open inbox without any poll in between (the fake records
// every request: no GET /api/v1/notifications happens from the post to the row on screen).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { FakeMastodonStreaming } from '../../src/connectors/mastodon/fake-mastodon.stream.ts';
import { connectMastodonInUi, launchBrowser, ownerWithWorkspace, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

describe('inbox live (Mastodon streaming on the contract fake)', { timeout: 300_000 }, () => {
  let app: RunningApp;
  let fake: FakeMastodon;
  let streaming: FakeMastodonStreaming;
  let browser: Browser;
  let page: Page;
  let brand: ReturnType<FakeMastodon['createAccount']>;

  before(async () => {
    fake = await new FakeMastodon().start();
    streaming = await new FakeMastodonStreaming(fake).start();
    brand = fake.createAccount('brand', 'La Marque');
    fake.authorizingAccountId = brand.account.id;
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, publicUrl: true });
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    const wid = await ownerWithWorkspace(context, 'Atelier Lumière');
    await connectMastodonInUi(page, wid, fake.url);
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await streaming?.stop();
    await fake?.stop();
  });

  test('the channel shows Live, and a mention pushed by the instance appears without a poll', async () => {
    await page.getByRole('link', { name: 'Inbox' }).click();
    const status = page.getByRole('region', { name: 'Channels' });
    // The worker's supervisor opens the stream within a few seconds and polls once to cover the gap.
    await status.getByText('Live', { exact: true }).waitFor({ timeout: 30_000 });
    assert.equal(streaming.connections(brand.account.id), 1);
    // The poll queued when the stream opened (it covers the gap) has run.
    const polled = () => fake.requests.filter((r) => r.path === '/api/v1/notifications').length;
    while (polled() === 0) await new Promise((r) => setTimeout(r, 200));

    // The tick still polls every 30 s: if one happens to fall between a post and its row, that
    // attempt proves nothing and another mention is posted (three attempts).
    const fan = fake.createAccount('alice', 'Alice Martin');
    let throughStream = false;
    for (let attempt = 1; attempt <= 3 && !throughStream; attempt++) {
      const text = `@brand Vous livrez en Belgique ? (${attempt})`;
      const before = polled();
      const res = await fetch(`${fake.url}/api/v1/statuses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${fan.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ status: text }),
      });
      assert.equal(res.status, 200);
      await page.getByTestId('conversation-row').filter({ hasText: text }).waitFor({ timeout: 10_000 });
      throughStream = polled() === before;
    }
    assert.ok(throughStream, 'a mention reached the open inbox with no poll in between');
  });
});
