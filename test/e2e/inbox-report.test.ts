// Inbox → Report in a real browser: two replies from the Mastodon contract fake are ingested ("check now"),
// one is answered through the API, then the report is opened from the inbox header, the period switched
// (preset, custom dates, an empty past period), a chart seen rendered, and the CSV downloaded.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeMastodon } from '../../src/connectors/mastodon/fake-mastodon.ts';
import { connectMastodonInUi, launchBrowser, ownerWithWorkspace, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

async function postOnFake(fake: FakeMastodon, token: string, status: string, inReplyToId?: string): Promise<string> {
  const res = await fetch(`${fake.url}/api/v1/statuses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(inReplyToId ? { status, in_reply_to_id: inReplyToId } : { status }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { id: string }).id;
}

/** Set SCREENSHOT_DIR to keep pictures of the pages (for a look, not an assertion). */
async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** Polls `check` every 500 ms until it answers true. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe('inbox report in the browser', { timeout: 300_000 }, () => {
  let app: RunningApp;
  let fake: FakeMastodon;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';

  before(async () => {
    fake = await new FakeMastodon({ maxCharacters: 500 }).start();
    const brand = fake.createAccount('brand', 'La Marque');
    fake.authorizingAccountId = brand.account.id;
    // Two posts of the brand, each answered by someone: two conversations.
    for (const [user, name, text] of [['alice', 'Alice Martin', '@brand Où puis-je la trouver ?'], ['bob', 'Bob Durand', '@brand Love it!']]) {
      const post = await postOnFake(fake, brand.token, `Nouvelle collection, épisode ${user}`);
      const fan = fake.createAccount(user!, name!);
      await postOnFake(fake, fan.token, text!, post);
    }
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' }, publicUrl: true });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1440, height: 1000 }, acceptDownloads: true });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, 'Atelier Lumière');
    await connectMastodonInUi(page, wid, fake.url);

    // "Check now" instead of waiting for the minute tick, then answer one conversation.
    const channels = (await (await context.request.get(`/api/workspaces/${wid}/channels`)).json()) as { channels: { id: string }[] };
    const sync = await context.request.post(`/api/workspaces/${wid}/inbox/channels/${channels.channels[0]!.id}/sync`);
    assert.equal(sync.status(), 202, await sync.text());
    let conversations: { id: string }[] = [];
    await until('two ingested conversations', async () => {
      conversations = ((await (await context.request.get(`/api/workspaces/${wid}/inbox/conversations`)).json()) as { conversations: { id: string }[] }).conversations;
      return conversations.length === 2;
    });
    const reply = await context.request.post(`/api/workspaces/${wid}/inbox/conversations/${conversations[0]!.id}/replies`, {
      data: { text: 'Merci, elle est dans toutes nos boutiques.', acknowledgeWarnings: true, confirmCollision: true },
    });
    assert.equal(reply.status(), 201, await reply.text());
    await until('the reply sent', async () => {
      const report = (await (await context.request.get(`/api/workspaces/${wid}/inbox/report?period=7d`)).json()) as { totals: { current: { repliesSent: number } } };
      return report.totals.current.repliesSent === 1;
    });
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  test('opened from the inbox header: key figures, a chart, the teammate', async () => {
    await page.goto(`/w/${wid}/inbox`);
    await page.getByRole('link', { name: 'Report', exact: true }).click();
    await page.waitForURL(/\/inbox\/report$/);
    await page.getByRole('heading', { name: 'Inbox report' }).waitFor();
    assert.equal(await page.getByTestId('kpi-inbound').textContent(), '2');
    assert.equal(await page.getByTestId('kpi-replies').textContent(), '1');
    assert.equal(await page.getByTestId('kpi-slaShare').textContent(), '—');
    const volume = page.getByRole('region', { name: 'Inbound volume per day' });
    await volume.locator('.recharts-surface').first().waitFor();
    assert.ok((await volume.locator('.recharts-bar-rectangle').count()) > 0, 'the day with messages has a bar');
    const team = page.getByRole('region', { name: 'Teammates' });
    await team.getByRole('cell', { name: 'Lucie Fontaine' }).waitFor();
    await screenshot(page, 'inbox-report');
  });

  test('switching the period: last 7 days, custom dates, an empty past period', async () => {
    await page.getByText('Last 7 days', { exact: true }).click();
    await page.getByText(/\(7 days, Europe\/Paris\)/).waitFor();
    assert.equal(await page.getByTestId('kpi-inbound').textContent(), '2');

    await page.getByText('Custom dates', { exact: true }).click();
    await page.getByRole('textbox', { name: 'From', exact: true }).fill('2020-01-01');
    await page.getByRole('textbox', { name: 'To', exact: true }).fill('2020-01-07');
    await page.getByText(/\(7 days, Europe\/Paris\)/).waitFor();
    await page.getByText('Nothing to report for this period yet').waitFor();
    assert.equal(await page.getByTestId('kpi-inbound').textContent(), '0');
    assert.equal(await page.getByRole('region', { name: 'Inbound volume per day' }).count(), 0);
    await screenshot(page, 'inbox-report-empty');

    await page.getByRole('textbox', { name: 'From', exact: true }).fill('2019-01-01');
    await page.getByText('Choose a start date and an end date, at most 366 days apart.').waitFor();
    await page.getByRole('textbox', { name: 'From', exact: true }).fill('2020-01-01');
    await page.getByText('Last 30 days', { exact: true }).click();
    await page.getByRole('region', { name: 'Inbound volume per day' }).locator('.recharts-surface').first().waitFor();
  });

  test('the CSV download: UTF-8 with a byte-order mark, one row per day', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.match(download.suggestedFilename(), /^inbox-report-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = await readFile((await download.path())!);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    assert.equal(lines[0]!.split(',')[0], 'day');
    assert.equal(lines.length, 31);
    const total = lines.slice(1).reduce((n, line) => n + Number(line.split(',')[1]), 0);
    assert.equal(total, 2);
  });

  test('a notification\'s link to a conversation (/w/:wid/inbox/:id) opens it in the inbox', async () => {
    const list = (await (await context.request.get(`/api/workspaces/${wid}/inbox/conversations?status=open,pending,snoozed,closed`)).json()) as { conversations: { id: string }[] };
    const id = list.conversations[0]!.id;
    await page.goto(`/w/${wid}/inbox/${id}`);
    await page.waitForURL(new RegExp(`/w/${wid}/inbox\\?c=${id}$`));
    await page.getByRole('button', { name: 'Close (e)' }).waitFor();
  });
});
