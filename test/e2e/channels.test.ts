// Settings → Channels in a real browser, against a local server answering like Mastodon's documented API
// (a contract fake: there is no local Mastodon to run). Connect through OAuth, test page (validation,
// publish, thread, interactions rendered as text, metrics, delete), the SSRF guard, a wrong app password.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { launchBrowser, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** Set SCREENSHOT_DIR to keep pictures of the pages (for a look, not an assertion). */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Signs up the first user (the owner) and creates a workspace through the API; the context keeps the cookie. */
async function ownerWithWorkspace(context: BrowserContext, who: { name: string; email: string; password: string }, name: string) {
  const signup = await context.request.post('/api/auth/signup', { data: who });
  assert.equal(signup.status(), 201, await signup.text());
  const created = await context.request.post('/api/workspaces', { data: { name, timezone: 'Europe/Paris', language: 'en' } });
  assert.equal(created.status(), 201, await created.text());
  return ((await created.json()) as { workspace: { id: string } }).workspace.id;
}

/** Posts a status as `token` straight on the fake instance (someone else's reply). */
async function postOnFake(fake: FakeMastodon, token: string, status: string, inReplyToId: string): Promise<void> {
  const res = await fetch(`${fake.url}/api/v1/statuses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status, in_reply_to_id: inReplyToId }),
  });
  assert.equal(res.status, 200, await res.text());
}

describe('channels in the browser (Mastodon contract fake)', { timeout: 240_000 }, () => {
  let app: RunningApp;
  let fake: FakeMastodon;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';
  let brand: ReturnType<FakeMastodon['createAccount']>;
  let handle = '';

  before(async () => {
    fake = await new FakeMastodon({ maxCharacters: 500 }).start();
    brand = fake.createAccount('brand', 'La Marque');
    fake.authorizingAccountId = brand.account.id; // the instance approves /oauth/authorize at once
    handle = `brand@${new URL(fake.url).host}`;
    // The fake listens on 127.0.0.1: private addresses must be allowed; the OAuth redirect must come back here.
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, publicUrl: true });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, { name: 'Lucie Fontaine', email: 'lucie@example.com', password: 'une longue phrase de passe' }, 'Atelier Lumière');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  test('the owner connects a Mastodon account: instance address → authorization → back on the channels page', async () => {
    await page.goto(`/w/${wid}/settings/members`);
    await page.getByRole('tab', { name: 'Channels' }).click();
    await page.getByText('No channel connected yet.').waitFor();
    await page.getByRole('button', { name: 'Connect Mastodon' }).click();
    await page.getByRole('textbox', { name: 'Instance address' }).fill(fake.url);
    await page.getByRole('button', { name: 'Continue to the instance' }).click();

    await page.waitForURL(/\/settings\/channels\?connected=/);
    await page.getByText(`Channel connected: @${handle}`).waitFor();
    const card = page.getByRole('article', { name: `Channel @${handle}` });
    await card.getByText('La Marque').waitFor();
    await card.getByText('Mastodon').waitFor();
    assert.equal(await card.getByTestId('channel-health').textContent(), 'Connected');
    // The fake's avatar is plain http on another origin: it is not loaded (initials instead).
    assert.equal(await card.locator('img').count(), 0);
    assert.ok(fake.requests.some((r) => r.path === '/oauth/token'), 'the code was exchanged for a token');
    await screenshot(page, 'channels');
  });

  test('an over-limit post is blocked with the message before anything is sent', async () => {
    await page.getByRole('link', { name: `Test page of @${handle}` }).click();
    await page.getByRole('heading', { name: `Test @${handle}` }).waitFor();
    await page.getByRole('textbox', { name: 'Text', exact: true }).fill('x'.repeat(501));
    await page.getByTestId('issues').getByText('Part 1, text: 501 characters, 1 over the limit of 500.').waitFor();
    assert.match(await page.getByTestId('char-counter').innerText(), /501 \/ 500 characters/);
    assert.ok(await page.getByRole('button', { name: 'Publish now' }).isDisabled());
    assert.equal(fake.statusesOf(brand.account.id).length, 0);
  });

  let firstId = '';
  test('a post with a link, a mention and a hashtag, then a thread of two parts, are published', async () => {
    const text = 'Bonjour https://example.com/atelier @brand #passerelle';
    await page.getByRole('textbox', { name: 'Text', exact: true }).fill(text);
    await page.getByText('Ready to publish.').waitFor();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByTestId('published-part').first().waitFor();
    const statuses = fake.statusesOf(brand.account.id);
    assert.equal(statuses.length, 1);
    assert.equal(statuses[0]!.text, text);
    firstId = statuses[0]!.id;
    await page.getByTestId('published-part').getByText(firstId).waitFor();

    await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Un fil, 1/2');
    await page.getByRole('button', { name: 'Add a part to the thread' }).click();
    await page.getByRole('textbox', { name: 'Text of part 2' }).fill('Un fil, 2/2');
    await page.getByText('Ready to publish.').waitFor();
    await page.getByRole('button', { name: 'Publish the thread (2 posts)' }).click();
    await page.getByTestId('published-part').nth(2).waitFor();
    const after = fake.statusesOf(brand.account.id);
    assert.equal(after.length, 3);
    const [one, two] = [after.find((s) => s.text === 'Un fil, 1/2'), after.find((s) => s.text === 'Un fil, 2/2')];
    assert.ok(one && two);
    assert.equal(two.in_reply_to_id, one.id, 'the second part answers the first');
  });

  test('an image of an unsupported type is refused before sending; an image with alt text is published', async () => {
    const images = page.getByLabel('Images of part 1');
    await images.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    await page.getByText(/notes\.txt is text\/plain; this channel accepts image\/jpeg/).waitFor();
    await images.setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
    await page.getByRole('textbox', { name: 'Alt text of image 1' }).fill('Un point bleu');
    await page.getByRole('textbox', { name: 'Text', exact: true }).fill('Avec une image');
    await page.getByText('Ready to publish.').waitFor();
    await page.getByRole('button', { name: 'Publish now' }).click();
    await page.getByTestId('published-part').nth(3).waitFor();
    const status = fake.statusesOf(brand.account.id).find((s) => s.text === 'Avec une image');
    assert.equal(status?.media_attachments.length, 1);
    assert.equal(status?.media_attachments[0]?.description, 'Un point bleu');
  });

  test('a reply from another account shows in the interactions as text, never as HTML', async () => {
    const fan = fake.createAccount('fan', 'Une Fan');
    await postOnFake(fake, fan.token, '@brand Magnifique <b>x</b> !', firstId);
    await page.getByRole('button', { name: 'From the start' }).click();
    const panel = page.getByTestId('interactions');
    await panel.getByText('@brand Magnifique <b>x</b> !').waitFor();
    await panel.getByText(/^Une Fan \(@fan\b/).first().waitFor();
    assert.equal(await panel.locator('b').count(), 0, 'the reply’s markup is shown, not interpreted');
    // Mastodon cannot hide replies: no Hide action is offered.
    assert.equal(await panel.getByRole('button', { name: /^Hide/ }).count(), 0);

    await page.getByRole('button', { name: 'Load newer' }).click();
    await page.getByText('Nothing new since the last read.').waitFor();
  });

  test('metrics of the posts published here show the counts', async () => {
    const fan = fake.createAccount('fan2');
    const like = await fetch(`${fake.url}/api/v1/statuses/${firstId}/favourite`, { method: 'POST', headers: { authorization: `Bearer ${fan.token}` } });
    assert.equal(like.status, 200);
    await page.getByRole('button', { name: 'Fetch metrics' }).click();
    const row = page.getByTestId('metrics-table').getByRole('row').filter({ hasText: firstId });
    await row.waitFor();
    const cells = await row.getByRole('cell').allInnerTexts();
    // The instance gives no quotes_count: shown as "—", not as a made-up 0.
    assert.deepEqual(cells.slice(0, 5), [firstId, '1', '0', '1', '—'], 'likes 1, reposts 0, replies 1, quotes unknown');
    await screenshot(page, 'channel-test');
  });

  test('a published post is deleted on the network', async () => {
    await page.getByRole('button', { name: `Delete part 1 (${firstId})` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByTestId('published-part').filter({ hasText: firstId }).getByText('Deleted').waitFor();
    assert.ok(!fake.statusesOf(brand.account.id).some((s) => s.id === firstId));
    assert.equal(fake.statusesOf(brand.account.id).length, 3, 'the thread and the post with an image remain');
  });

  test('an analyst sees the channels and reads interactions, but connects and publishes nothing', async () => {
    const invited = await context.request.post(`/api/workspaces/${wid}/invitations`, { data: { email: 'paul@example.com', role: 'analyst' } });
    assert.equal(invited.status(), 201, await invited.text());
    const link = ((await invited.json()) as { invitation: { link: string } }).invitation.link;
    const other = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    other.setDefaultTimeout(15_000);
    try {
      const token = new URL(link).pathname.split('/').pop()!;
      const accepted = await other.request.post(`/api/invitations/${token}/accept`, { data: { name: 'Paul Analyste', password: 'analyste passphrase 2025' } });
      assert.equal(accepted.status(), 200, await accepted.text());
      const analyst = await other.newPage();
      await analyst.goto(`/w/${wid}/settings/channels`);
      const card = analyst.getByRole('article', { name: `Channel @${handle}` });
      await card.getByText('La Marque').waitFor();
      await analyst.getByText(/only owners and admins connect or disconnect them/).waitFor();
      assert.equal(await analyst.getByRole('button', { name: 'Connect Mastodon' }).count(), 0);
      assert.equal(await card.getByRole('button', { name: /Disconnect/ }).count(), 0);
      await card.getByRole('link', { name: 'Test page' }).click();
      await analyst.getByText('Your role does not allow writing posts.').waitFor();
      assert.equal(await analyst.getByRole('button', { name: 'Publish now' }).count(), 0);
      await analyst.getByRole('button', { name: 'From the start' }).waitFor();
      await analyst.getByRole('button', { name: 'Fetch metrics' }).waitFor();
    } finally {
      await other.close();
    }
  });

  test('the channels page in French', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Français' }).click();
    await page.getByRole('link', { name: 'Canaux' }).click();
    await page.getByRole('tab', { name: 'Canaux', selected: true }).waitFor();
    await page.getByRole('button', { name: 'Connecter Mastodon' }).waitFor();
    const card = page.getByRole('article', { name: `Canal @${handle}` });
    assert.equal(await card.getByTestId('channel-health').textContent(), 'Connecté');
    await card.getByRole('link', { name: 'Page de test' }).waitFor();
  });
});

describe('channels: the address guard and bad credentials in the browser', { timeout: 180_000 }, () => {
  let app: RunningApp;
  let browser: Browser;
  let page: Page;
  let wid = '';

  before(async () => {
    app = await startApp(); // private addresses NOT allowed, as in production
    browser = await launchBrowser();
    const context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, { name: 'Hugo Petit', email: 'hugo@example.com', password: 'encore une phrase de passe' }, 'Boulangerie Petit');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  async function channelCount(): Promise<number> {
    const res = await page.request.get(`/api/workspaces/${wid}/channels`);
    return ((await res.json()) as { channels: unknown[] }).channels.length;
  }

  test('an instance on a private address is refused with the reason and nothing is created', async () => {
    await page.goto(`/w/${wid}/settings/channels`);
    await page.getByRole('button', { name: 'Connect Mastodon' }).click();
    await page.getByRole('textbox', { name: 'Instance address' }).fill('http://10.255.255.1');
    await page.getByRole('button', { name: 'Continue to the instance' }).click();
    const alert = page.getByRole('dialog').getByRole('alert');
    await alert.getByText(/10\.255\.255\.1/).waitFor();
    assert.match(await alert.innerText(), /private/);
    assert.match(page.url(), /\/settings\/channels$/, 'the browser stayed here');
    assert.equal(await channelCount(), 0);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  test('a Bluesky account password instead of an app password gets a clear message', async () => {
    await page.getByRole('button', { name: 'Connect Bluesky' }).click();
    await page.getByRole('textbox', { name: 'Handle' }).fill('alice.bsky.social');
    await page.getByLabel('App password').fill('my real password');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('dialog').getByRole('alert');
    await alert.getByText(/Use an app password/).waitFor();
    assert.equal(await channelCount(), 0);
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });

  test('an authorization refused on the instance lands on the channels page with the message', async () => {
    await page.goto('/?channelError=access_denied');
    await page.waitForURL(/\/settings\/channels\?channelError=access_denied/);
    await page.getByText('The authorization was refused on the instance.').waitFor();
  });
});
