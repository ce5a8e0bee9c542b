// Channel notices in a real browser: a Bluesky account connected with an app password that lacks DM
// access. The account lives on the local PDS + chat fake (src/connectors/bluesky/fake-bluesky-chat.ts, a
// contract fake: the PDS refuses chat calls from such a session with "Bad token method"). The poll reads
// the mentions and leaves a notice on the channel; the card and the test page show it (in English and
// French); reconnecting with an app password that has DM access clears it and the DMs arrive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeBlueskyChat } from '../../src/connectors/bluesky/fake-bluesky-chat.ts';
import type { FakeChatAccount } from '../../src/connectors/bluesky/fake-bluesky-chat.ts';
import { launchBrowser, ownerWithWorkspace, startApp } from './app.ts';
import type { RunningApp } from './app.ts';
import { openConversations, storedChannel, syncChannel, until } from './bluesky.ts';

const NOTICE_TITLE = 'Direct messages are not read';

describe('channel notices in the browser (Bluesky contract fake)', { timeout: 150_000 }, () => {
  let app: RunningApp;
  let fake: FakeBlueskyChat;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';
  let channelId = '';
  let brand: FakeChatAccount;
  let convo = '';

  before(async () => {
    fake = await new FakeBlueskyChat().start();
    brand = fake.createAccount('cafe.test', 'Café Passerelle');
    const fan = fake.createAccount('fanny.test', 'Fanny Durand');
    convo = fake.createConvo(brand, fan);
    fake.send(fan, convo, 'Bonjour, ma commande 1234 n’est pas arrivée');
    fake.notify(brand, fan, '@cafe.test vous ouvrez dimanche ?');
    // The fake listens on 127.0.0.1: private addresses must be allowed.
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, 'Café Passerelle');
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  const card = () => page.getByRole('article', { name: 'Channel @cafe.test' });

  test('connected with an app password without DM access: the card says DMs are not read, mentions still arrive', async () => {
    await page.goto(`/w/${wid}/settings/channels`);
    await page.getByRole('button', { name: 'Connect Bluesky' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a Bluesky account' });
    await dialog.getByRole('textbox', { name: 'Handle' }).fill('@cafe.test');
    await dialog.getByLabel('App password').fill(fake.appPassword(brand, { dmAccess: false }));
    await dialog.getByRole('button', { name: /Advanced: hosting provider/ }).click();
    await dialog.getByRole('textbox', { name: 'PDS address' }).fill(fake.url);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Channel connected: @cafe.test').waitFor();
    assert.equal(await card().getByTestId('channel-health').textContent(), 'Connected');
    assert.equal(await card().getByTestId('channel-notices').count(), 0, 'no notice before the first poll');

    const listed = await context.request.get(`/api/workspaces/${wid}/channels`);
    channelId = ((await listed.json()) as { channels: { id: string }[] }).channels[0]!.id;
    await syncChannel(context, wid, channelId);
    const stored = await until('the notice to be stored', async () => {
      const channel = await storedChannel(context, wid, channelId);
      return channel.notices.length > 0 ? channel : undefined;
    });
    assert.deepEqual(stored.notices.map((n) => n.code), ['dm_access_missing']);
    assert.ok(fake.count('app.bsky.notification.listNotifications') > 0, 'the mentions were read');
    assert.equal(fake.requests.filter((r) => r.nsid.startsWith('chat.bsky.')).length, 0, 'the session scope says no DM access: chat is not even tried');

    await page.reload();
    const notice = card().getByTestId('channel-notices');
    await notice.getByText(NOTICE_TITLE).waitFor();
    await notice.getByText(/create one with “Allow access to your direct messages” checked, then reconnect the channel/).waitFor();
    assert.equal(await card().getByTestId('channel-health').textContent(), 'Connected', 'the channel still works');

    // The mention is in the inbox; the DM is not.
    const conversations = await until('the mention in the inbox', async () => {
      const list = await openConversations(context, wid);
      return list.length > 0 ? list : undefined;
    });
    assert.deepEqual(conversations.map((c) => c.kind), ['mention']);
  });

  test('the test page shows the same notice', async () => {
    await page.getByRole('link', { name: 'Test page of @cafe.test' }).click();
    await page.getByRole('heading', { name: 'Test @cafe.test' }).waitFor();
    await page.getByTestId('channel-notices').getByText(NOTICE_TITLE).waitFor();
  });

  test('in French, the notice is translated on the card and the test page', async () => {
    const fr = await context.request.patch('/api/me', { data: { locale: 'fr' } });
    assert.equal(fr.status(), 200, await fr.text());
    try {
      await page.reload();
      await page.getByTestId('channel-notices').getByText('Les messages privés ne sont pas lus').waitFor();
      await page.goto(`/w/${wid}/settings/channels`);
      const notice = page.getByRole('article', { name: 'Canal @cafe.test' }).getByTestId('channel-notices');
      await notice.getByText('Les messages privés ne sont pas lus').waitFor();
      await notice.getByText(/Autoriser l’accès à vos messages privés.*puis reconnectez le canal avec celui-ci/).waitFor();
    } finally {
      // Back to English for the next test, even when this one fails.
      await context.request.patch('/api/me', { data: { locale: 'en' } });
    }
  });

  test('reconnected with an app password that has DM access: the notice goes away and the DM arrives', async () => {
    await page.goto(`/w/${wid}/settings/channels`);
    await card().getByRole('button', { name: 'Reconnect' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect a Bluesky account' });
    assert.equal(await dialog.getByRole('textbox', { name: 'Handle' }).inputValue(), 'cafe.test');
    assert.equal(await dialog.getByRole('textbox', { name: 'PDS address' }).inputValue(), fake.url, 'the PDS is kept');
    await dialog.getByLabel('App password').fill(fake.appPassword(brand, { dmAccess: true }));
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Channel connected: @cafe.test').waitFor();

    // Asked until it shows: a poll begun before the reconnect (the minute tick's) can still finish with
    // the old credentials after the first ask's poll.
    let asked = 0;
    await until('the notice to be cleared', async () => {
      if (Date.now() - asked > 3_000) { // "check now" allows 30 a minute
        await syncChannel(context, wid, channelId);
        asked = Date.now();
      }
      return (await storedChannel(context, wid, channelId)).notices.length === 0 ? true : undefined;
    });
    await page.reload();
    await card().getByTestId('channel-health').waitFor();
    assert.equal(await card().getByTestId('channel-notices').count(), 0);
    const dm = await until('the DM in the inbox', async () => (await openConversations(context, wid)).find((c) => c.kind === 'dm'));
    assert.equal(dm.preview, 'Bonjour, ma commande 1234 n’est pas arrivée');
  });
});
