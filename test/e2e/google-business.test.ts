// Google Business Profile in a real browser, against a local server answering like Google's OAuth
// endpoints and the Business Profile APIs (src/connectors/google-business/fake-google-business.ts — a
// contract fake: nothing talks to Google). Connect a location through the consent round trip and the
// location picker, see a review with its stars in the inbox, answer it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeGoogleBusiness } from '../../src/connectors/google-business/fake-google-business.ts';
import { launchBrowser, ownerWithWorkspace, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

describe('Google Business Profile in the browser (contract fake)', { timeout: 240_000 }, () => {
  let app: RunningApp;
  let fake: FakeGoogleBusiness;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';
  let cafe = '';
  let review = '';

  before(async () => {
    fake = await new FakeGoogleBusiness().start();
    const account = fake.addAccount('Brasserie Group');
    cafe = fake.addLocation(account, 'Café du Port');
    fake.addLocation(account, 'Boulangerie Centrale');
    review = fake.addReview(cafe, { stars: 4, comment: 'Great coffee, but the <b>terrace</b> was full', author: 'Léa Martin', at: new Date(Date.now() - 3_600_000) });
    app = await startApp({
      env: {
        PASSERELLE_ALLOW_PRIVATE_NETWORK: '1', PASSERELLE_GOOGLE_CLIENT_ID: fake.options.clientId,
        PASSERELLE_GOOGLE_CLIENT_SECRET: fake.options.clientSecret, PASSERELLE_GOOGLE_API_URL: fake.url,
      },
      publicUrl: true,
    });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, 'Brasserie du Port');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  let channelId = '';
  test('the owner connects one location: consent on Google → back on Channels → pick the location', async () => {
    await page.goto(`/w/${wid}/settings/channels`);
    await page.getByRole('button', { name: 'Connect Google Business Profile' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect Google Business Profile' });
    await dialog.getByRole('button', { name: 'Connect Google Business Profile' }).click();
    // The fake consent page approves at once and sends the browser back through our callback.
    await page.waitForURL(/\/settings\/channels\?googleConnection=/);
    const picker = page.getByRole('dialog', { name: 'Choose the locations to connect' });
    await picker.getByText('Boulangerie Centrale').waitFor();
    await picker.getByRole('checkbox', { name: 'Café du Port' }).check();
    await picker.getByRole('button', { name: 'Connect 1 location' }).click();
    await page.getByText('1 location connected.').waitFor();
    const card = page.getByRole('article', { name: 'Channel @Café du Port' });
    await card.getByText('Google Business Profile').waitFor();
    assert.equal(await card.getByTestId('channel-health').textContent(), 'Connected');
    assert.match(fake.requests.find((r) => r.path.startsWith('/o/oauth2/v2/auth'))!.path, /code_challenge_method=S256/);
    const list = await context.request.get(`/api/workspaces/${wid}/channels`);
    const channels = ((await list.json()) as { channels: { id: string; network: string }[] }).channels;
    assert.deepEqual(channels.map((c) => c.network), ['google-business']);
    channelId = channels[0]!.id;
  });

  test('the location is not offered in the composer, and its test page says it only answers', async () => {
    await page.goto(`/w/${wid}/compose`);
    // The workspace's only channel answers reviews: the composer has no channel to offer.
    await page.getByText('No channel connected yet: connect one in Settings → Channels.').waitFor();
    assert.equal(await page.getByText('Café du Port').count(), 0);
    await page.goto(`/w/${wid}/settings/channels/${channelId}`);
    await page.getByTestId('replies-only').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Publish now' }).count(), 0);
  });

  test('the review arrives in the inbox with its stars, shown as text, and is answered with one PUT', async () => {
    // "Check now" instead of waiting for the minute tick.
    assert.equal((await page.request.post(`/api/workspaces/${wid}/inbox/channels/${channelId}/sync`)).status(), 202);
    await page.goto(`/w/${wid}/inbox`);
    const row = page.getByTestId('conversation-row').first();
    await row.waitFor({ timeout: 60_000 });
    assert.equal(await row.getByTestId('review-stars').getAttribute('data-rating'), '4');
    await row.getByRole('img', { name: '4 stars out of 5' }).waitFor();
    await row.click();
    const pane = page.getByRole('region', { name: 'Conversation', exact: true });
    await pane.getByTestId('message-text').filter({ hasText: 'Great coffee, but the <b>terrace</b> was full' }).waitFor();
    assert.equal(await pane.getByTestId('message').locator('b').count(), 0, 'the review is shown as text');
    assert.equal(await pane.getByTestId('message').getByTestId('review-stars').getAttribute('data-rating'), '4');
    const text = 'Thank you Léa! We are adding tables on the terrace this summer.';
    await page.getByRole('textbox', { name: 'Your reply' }).fill(text);
    await page.keyboard.press('Control+Enter');
    await page.getByText('Reply sent.').last().waitFor();
    await pane.getByTestId('message').filter({ hasText: text }).waitFor();
    assert.equal(fake.review(review)!.reviewReply?.comment, text);
    assert.equal(fake.requests.filter((r) => r.method === 'PUT').length, 1);
  });
});
