// Publishing in a real browser: compose for two channels, a charter block, a contributor submitting, an
// editor approving, a drag on the calendar, and the scheduler publishing. The issue asks for the Bluesky
// test network; here both channels are Mastodon accounts on the local contract fake (FakeMastodon),
// connected through the channels UI as channels.test.ts does — the Bluesky path is covered by test/networks.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { launchBrowser, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

const ZONE = 'Europe/Paris';

/** Set SCREENSHOT_DIR to keep pictures of the pages (for a look, not an assertion). */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Wall date and time of an instant in the workspace zone. */
function wall(date: Date): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { date: `${get('year')}-${get('month')}-${get('day')}`, time: `${get('hour')}:${get('minute')}` };
}

describe('publishing in the browser (two Mastodon channels on the contract fake)', { timeout: 480_000 }, () => {
  let app: RunningApp;
  let fake: FakeMastodon;
  let browser: Browser;
  let owner: BrowserContext;
  let editor: BrowserContext;
  let contributor: BrowserContext;
  let wid = '';
  let atelier: ReturnType<FakeMastodon['createAccount']>;
  let boutique: ReturnType<FakeMastodon['createAccount']>;
  let host = '';
  let postId = '';
  let planned = { date: '', time: '' };

  const newContext = async () => {
    const context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: ZONE, viewport: { width: 1400, height: 1000 } });
    context.setDefaultTimeout(20_000);
    return context;
  };

  async function join(role: 'editor' | 'contributor', name: string, email: string): Promise<BrowserContext> {
    const invited = await owner.request.post(`/api/workspaces/${wid}/invitations`, { data: { email, role } });
    assert.equal(invited.status(), 201, await invited.text());
    const link = ((await invited.json()) as { invitation: { link: string } }).invitation.link;
    const context = await newContext();
    const accepted = await context.request.post(`/api/invitations/${link.split('/').pop()}/accept`, { data: { name, password: `${role} passphrase 2026` } });
    assert.equal(accepted.status(), 200, await accepted.text());
    return context;
  }

  async function connect(page: Page, account: ReturnType<FakeMastodon['createAccount']>) {
    fake.authorizingAccountId = account.account.id;
    await page.goto(`/w/${wid}/settings/channels`);
    await page.getByRole('button', { name: 'Connect Mastodon' }).click();
    await page.getByRole('textbox', { name: 'Instance address' }).fill(fake.url);
    await page.getByRole('button', { name: 'Continue to the instance' }).click();
    await page.getByText(`Channel connected: @${account.account.username}@${host}`).waitFor();
  }

  before(async () => {
    fake = await new FakeMastodon({ maxCharacters: 500 }).start();
    host = new URL(fake.url).host;
    atelier = fake.createAccount('atelier', 'Atelier Lumière');
    boutique = fake.createAccount('boutique', 'La Boutique');
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, publicUrl: true });
    browser = await launchBrowser();
    owner = await newContext();
    const signup = await owner.request.post('/api/auth/signup', { data: { name: 'Lucie Fontaine', email: 'lucie@example.com', password: 'une longue phrase de passe' } });
    assert.equal(signup.status(), 201, await signup.text());
    const created = await owner.request.post('/api/workspaces', { data: { name: 'Atelier Lumière', timezone: ZONE, language: 'en' } });
    assert.equal(created.status(), 201, await created.text());
    wid = ((await created.json()) as { workspace: { id: string } }).workspace.id;
    const page = await owner.newPage();
    await connect(page, atelier);
    await connect(page, boutique);
    await page.close();
    editor = await join('editor', 'Émile Éditeur', 'emile@example.com');
    contributor = await join('contributor', 'Camille Contributrice', 'camille@example.com');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  test('the owner writes the charter: tone notes and a banned word that blocks', async () => {
    const page = await owner.newPage();
    await page.goto(`/w/${wid}/settings/workspace`);
    await page.getByRole('tab', { name: 'Charter' }).click();
    await page.getByTestId('rule-bannedPhrases').waitFor();
    await page.getByRole('textbox', { name: 'Tone notes' }).fill('Chaleureux, jamais familier.');
    const rule = page.getByTestId('rule-bannedPhrases');
    await rule.getByText('Block', { exact: true }).click();
    const phrases = rule.getByRole('combobox', { name: 'Words and phrases' });
    await phrases.fill('gratuit');
    await phrases.press('Enter');
    await page.getByRole('button', { name: 'Save the charter' }).click();
    await page.getByText('Saved.').waitFor();
    await screenshot(page, 'publishing-charter');
    const charter = await (await owner.request.get(`/api/workspaces/${wid}/charter`)).json();
    assert.deepEqual(charter.rules.bannedPhrases, { level: 'block', phrases: ['gratuit'] });
    await page.close();
  });

  test('a contributor composes for two channels: the charter blocks, then they adapt one variant and submit', async () => {
    const page = await contributor.newPage();
    await page.goto(`/w/${wid}/compose`);
    await page.getByTestId('tone-notes').getByText('Chaleureux, jamais familier.').waitFor();
    await page.getByRole('checkbox', { name: `Publish to @atelier@${host}` }).check();
    await page.getByRole('checkbox', { name: `Publish to @boutique@${host}` }).check();
    await page.getByRole('textbox', { name: 'Title (internal)' }).fill('Lancement');
    const shared = page.getByRole('textbox', { name: 'Text (All channels)' });
    await shared.fill('La livraison est gratuit aujourd’hui #automne');
    await page.getByTestId('charter-block').first().waitFor();
    await page.getByTestId('compose-status').getByText('The editorial charter blocks this post').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Submit for approval' }).isDisabled(), 'a blocked post cannot be submitted');
    await page.getByTestId('preview-mastodon').first().waitFor();
    await screenshot(page, 'publishing-compose-blocked');

    await shared.fill('La collection d’automne arrive demain. #automne');
    await page.getByRole('tab', { name: `@boutique@${host}` }).click();
    await page.getByRole('textbox', { name: `Text (@boutique@${host})` }).fill('En boutique demain : la collection d’automne !');
    await page.getByRole('tab', { name: 'All channels' }).click();
    await page.getByTestId('variant-summary').getByText('adapted').waitFor();

    // Planned for tomorrow, a couple of minutes from now: the drag on the calendar will bring it to today.
    planned = wall(new Date(Date.now() + 24 * 3_600_000 + 150_000));
    await page.getByText('Planned time', { exact: true }).click();
    await page.getByLabel('Date', { exact: true }).fill(planned.date);
    await page.getByLabel('Time', { exact: true }).fill(planned.time);
    await page.getByTestId('compose-status').getByText('Ready').waitFor();
    assert.equal(await page.getByRole('button', { name: /^(Publish now|Schedule)$/ }).count(), 0, 'a contributor cannot publish');
    await screenshot(page, 'publishing-compose');
    await page.getByRole('button', { name: 'Submit for approval' }).click();
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
    postId = page.url().split('/').pop()!;
    await page.getByTestId('variant').first().getByText('In review').waitFor();
    assert.equal(await page.getByTestId('variant').getByText('In review').count(), 2);
    await page.close();
  });

  test('an editor approves it from the approvals view: both variants are scheduled for the planned time', async () => {
    const page = await editor.newPage();
    await page.goto(`/w/${wid}/approvals`);
    const item = page.getByRole('article', { name: 'Lancement' });
    await item.getByText('En boutique demain : la collection d’automne !').waitFor();
    await screenshot(page, 'publishing-approvals');
    await item.getByRole('textbox', { name: 'Comment' }).fill('Parfait');
    await item.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Nothing is waiting for your decision.').waitFor();
    await page.goto(`/w/${wid}/posts/${postId}`);
    await page.getByTestId('variant').nth(1).getByText('Scheduled').first().waitFor();
    assert.equal(await page.getByTestId('variant').getByTestId('state').filter({ hasText: 'Scheduled' }).count(), 2);
    await page.close();
  });

  test('the editor drags the post to today on the calendar: the time changes, the post publishes once per channel', async () => {
    const page = await editor.newPage();
    await page.setViewportSize({ width: 1400, height: 1600 }); // the whole month in view: the drag stays on screen
    await page.goto(`/w/${wid}/calendar`);
    const event = page.locator(`[data-post="${postId}"]`).first();
    await event.waitFor();
    await screenshot(page, 'publishing-calendar');
    const today = wall(new Date()).date;
    const target = page.locator(`[data-date="${today}"]`).first();
    await event.scrollIntoViewIfNeeded();
    const from = (await event.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2 + 8, from.y + from.height / 2 + 8, { steps: 4 });
    await page.waitForTimeout(100);
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(from.x + from.width / 2 + ((to.x + to.width / 2 - (from.x + from.width / 2)) * i) / 12, from.y + from.height / 2 + ((to.y + to.height / 2 - (from.y + from.height / 2)) * i) / 12);
      await page.waitForTimeout(30);
    }
    await page.mouse.up();
    await page.getByText(`Moved to ${today} ${planned.time}.`).waitFor();
    const moved = await (await editor.request.get(`/api/workspaces/${wid}/posts/${postId}`)).json();
    for (const v of moved.post.variants) assert.deepEqual(wall(new Date(v.dueAt)), { date: today, time: planned.time });

    await page.goto(`/w/${wid}/posts/${postId}`);
    const variants = page.getByTestId('variant');
    await variants.getByTestId('state').filter({ hasText: 'Published' }).nth(1).waitFor({ timeout: 240_000 });
    assert.equal(fake.statusesOf(atelier.account.id).length, 1);
    assert.equal(fake.statusesOf(boutique.account.id).length, 1);
    assert.equal(fake.statusesOf(boutique.account.id)[0]!.text, 'En boutique demain : la collection d’automne !');
    const link = page.getByRole('article', { name: `Variant for @atelier@${host}` }).getByTestId('remote-link');
    assert.ok((await link.getAttribute('href'))!.startsWith(fake.url));
    await screenshot(page, 'publishing-published');
    await page.close();
  });

  test('CSV import: one bad row is reported; nothing is imported until the valid rows are chosen', async () => {
    const page = await editor.newPage();
    await page.goto(`/w/${wid}/import`);
    await screenshot(page, 'publishing-import-empty');
    const tomorrow = wall(new Date(Date.now() + 24 * 3_600_000)).date;
    await page.getByRole('textbox', { name: 'Content' }).fill(`time,channels,text,media_url,link\n${tomorrow} 10:00,atelier@${host},Import CSV un,,https://example.com\nhier,inconnu,Import CSV deux,,\n`);
    await page.getByRole('button', { name: 'Check the file' }).click();
    await page.getByTestId('import-summary').getByText('1 valid rows, 1 invalid').waitFor();
    const bad = page.getByTestId('import-row-3');
    await bad.getByText('Invalid').waitFor();
    await bad.getByText('No connected channel “inconnu”.').waitFor();
    assert.ok(await page.getByRole('button', { name: 'Import 1 row' }).isDisabled());
    await screenshot(page, 'publishing-import');
    await page.getByRole('button', { name: 'Import the valid row only' }).click();
    await page.getByTestId('import-summary').getByText('1 post imported').waitFor();
    await page.getByTestId('import-row-2').getByRole('link', { name: 'Open the post' }).click();
    await page.getByText('Import CSV un').first().waitFor();
    await page.close();
  });
});
