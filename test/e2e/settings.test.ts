// The inbox's settings pages and the profile page in a real browser, as a community manager uses them:
// SLA policies, business hours and holidays; the reply guard (also in French); a saved reply with the
// author's first name, inserted from the inbox's reply box on a Bluesky DM (local PDS + chat contract
// fake, src/connectors/bluesky/fake-bluesky-chat.ts) and sent; relay routes to a Slack-compatible webhook
// with a new signing secret; the password change. Each step checks the page and what the API stored.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FakeBlueskyChat } from '../../src/connectors/bluesky/fake-bluesky-chat.ts';
import { launchBrowser, ownerWithWorkspace, startApp } from './app.ts';
import type { RunningApp } from './app.ts';
import { connectBluesky, openConversations, syncChannel, until } from './bluesky.ts';

const owner = { name: 'Lucie Fontaine', email: 'lucie@example.com', password: 'une longue phrase de passe' };

describe('settings pages in the browser', { timeout: 150_000 }, () => {
  let app: RunningApp;
  let fake: FakeBlueskyChat;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';
  let convo = '';
  let conversationId = '';

  /** GET on the API with the page's session; answers the JSON body. */
  async function stored<T>(path: string): Promise<T> {
    const res = await context.request.get(`/api/workspaces/${wid}${path}`);
    assert.equal(res.status(), 200, await res.text());
    return (await res.json()) as T;
  }

  before(async () => {
    fake = await new FakeBlueskyChat().start();
    const brand = fake.createAccount('cafe.test', 'Café Passerelle');
    const fan = fake.createAccount('fanny.test', 'Fanny Durand');
    convo = fake.createConvo(brand, fan);
    fake.send(fan, convo, 'Bonjour, vous livrez à Lyon ?');
    app = await startApp({ env: { PASSERELLE_ALLOW_PRIVATE_NETWORK: '1' } });
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris', viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    wid = await ownerWithWorkspace(context, 'Café Passerelle', owner);
    // The channel and its DM through the API (the browser flow is channel-notices.test.ts).
    const channelId = await connectBluesky(context, wid, { handle: 'cafe.test', appPassword: fake.appPassword(brand), pdsUrl: fake.url });
    await syncChannel(context, wid, channelId);
    conversationId = (await until('the DM in the inbox', async () => (await openConversations(context, wid)).find((c) => c.kind === 'dm'))).id;
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
  });

  test('SLA & hours: a policy is created, edited and deleted; Monday closes earlier; a holiday is added and removed', async () => {
    await page.goto(`/w/${wid}/settings/workspace`);
    await page.getByRole('tab', { name: 'SLA & hours' }).click();
    await page.getByText('No policy: conversations have no response-time target.').waitFor();

    await page.getByRole('button', { name: 'New policy' }).click();
    // The policy editor opens under the list, above the holidays' own "Name".
    await page.getByRole('textbox', { name: 'Name' }).first().fill('Complaints first');
    await page.getByRole('combobox', { name: 'Priorities (none: all)' }).click({ force: true });
    await page.getByRole('option', { name: 'Urgent' }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('textbox', { name: 'First response within (business minutes)' }).fill('30');
    await page.getByRole('textbox', { name: 'Resolution within (business minutes, optional)' }).fill('240');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'Complaints first' });
    await row.getByRole('cell', { name: '30 business minutes' }).waitFor();
    await row.getByRole('cell', { name: '240 business minutes' }).waitFor();
    await row.getByRole('cell', { name: 'Urgent' }).waitFor();
    type Policies = { policies: { id: string; name: string; priorities: string[]; firstResponseMinutes: number; resolutionMinutes: number | null }[] };
    let policies = (await stored<Policies>('/inbox/sla-policies')).policies;
    assert.deepEqual(
      policies.map(({ name, priorities, firstResponseMinutes, resolutionMinutes }) => ({ name, priorities, firstResponseMinutes, resolutionMinutes })),
      [{ name: 'Complaints first', priorities: ['urgent'], firstResponseMinutes: 30, resolutionMinutes: 240 }],
    );

    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit the policy' }).waitFor();
    await page.getByRole('textbox', { name: 'First response within (business minutes)' }).fill('45');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await row.getByRole('cell', { name: '45 business minutes' }).waitFor();
    policies = (await stored<Policies>('/inbox/sla-policies')).policies;
    assert.equal(policies[0]?.firstResponseMinutes, 45);

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Delete the policy Complaints first?').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No policy: conversations have no response-time target.').waitFor();
    assert.deepEqual((await stored<Policies>('/inbox/sla-policies')).policies, []);

    // Business hours: Monday closes at 17:30, Sunday stays closed.
    type Calendar = { week: Record<string, [string, string][] | undefined>; holidays: { day: string; name: string }[] };
    const monday = page.getByLabel('Monday closes at');
    if ((await monday.count()) === 0) await page.getByRole('checkbox', { name: 'Monday' }).check();
    await monday.fill('17:30');
    await page.getByRole('button', { name: 'Save the hours' }).click();
    await page.getByText('Business hours saved.').waitFor();
    const calendar = await stored<Calendar>('/inbox/business-hours');
    assert.deepEqual(calendar.week.mon, [['09:00', '17:30']]);

    await page.getByLabel(/^Day\b/).fill('2026-12-25');
    await page.getByRole('textbox', { name: 'Name' }).fill('Noël'); // the editor is closed: only the holiday's
    await page.getByRole('button', { name: 'Add the holiday' }).click();
    await page.getByText('2026-12-25').waitFor();
    assert.deepEqual((await stored<Calendar>('/inbox/business-hours')).holidays.map((h) => [h.day, h.name]), [['2026-12-25', 'Noël']]);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByText('Delete the holiday Noël?').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No holiday.').waitFor();
    assert.deepEqual((await stored<Calendar>('/inbox/business-hours')).holidays, []);
  });

  test('Reply guard: delay with undo, a forbidden phrase; shown again in French', async () => {
    await page.getByRole('tab', { name: 'Reply guard' }).click();
    await page.getByText('Delay with undo', { exact: true }).click();
    await page.getByText('Every reply waits a few seconds, with an Undo button, before it is sent.').waitFor();
    await page.getByRole('textbox', { name: 'Delay (seconds)' }).fill('20');
    const phrases = page.getByRole('combobox', { name: 'Forbidden phrases' });
    await phrases.fill('remboursement garanti');
    await phrases.press('Enter');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Reply guard saved.').waitFor();
    const guard = await stored<{ mode: string; delaySeconds: number; forbiddenPhrases: string[] }>('/inbox/guard');
    assert.deepEqual({ mode: guard.mode, delaySeconds: guard.delaySeconds, forbiddenPhrases: guard.forbiddenPhrases }, {
      mode: 'delay',
      delaySeconds: 20,
      forbiddenPhrases: ['remboursement garanti'],
    });

    const fr = await context.request.patch('/api/me', { data: { locale: 'fr' } });
    assert.equal(fr.status(), 200, await fr.text());
    try {
      await page.reload();
      await page.getByRole('tab', { name: 'Garde-fou des réponses' }).waitFor();
      await page.getByText('Chaque réponse attend quelques secondes, avec un bouton Annuler, avant d’être envoyée.').waitFor();
      assert.equal(await page.getByRole('textbox', { name: 'Délai (secondes)' }).inputValue(), '20');
      await page.getByText('remboursement garanti').waitFor();
      // Back to "off", in French, so the reply below leaves at once.
      await page.getByText('Désactivé', { exact: true }).click();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Garde-fou enregistré.').waitFor();
      assert.equal((await stored<{ mode: string }>('/inbox/guard')).mode, 'off');
    } finally {
      await context.request.patch('/api/me', { data: { locale: 'en' } });
    }
  });

  test('Saved replies: one with {{first_name}}, inserted in the reply box with the author’s first name, then sent', async () => {
    await page.goto(`/w/${wid}/settings/saved-replies`);
    await page.getByText('No saved reply yet.').waitFor();
    await page.getByRole('button', { name: 'New saved reply' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Livraison');
    await page.getByRole('textbox', { name: 'Shortcut' }).fill('livraison');
    await page.getByRole('textbox', { name: 'Text' }).fill('Bonjour {{first_name}}, oui, nous livrons partout en France.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('cell', { name: 'Bonjour {{first_name}}, oui, nous livrons partout en France.' }).waitFor();
    const saved = await stored<{ savedReplies: { name: string; shortcut: string | null; body: string }[] }>('/inbox/saved-replies');
    assert.deepEqual(saved.savedReplies.map(({ name, shortcut, body }) => ({ name, shortcut, body })), [
      { name: 'Livraison', shortcut: 'livraison', body: 'Bonjour {{first_name}}, oui, nous livrons partout en France.' },
    ]);

    await page.goto(`/w/${wid}/inbox?c=${conversationId}`);
    await page.getByTestId('message').filter({ hasText: 'Bonjour, vous livrez à Lyon ?' }).waitFor();
    await page.getByRole('combobox', { name: 'Saved reply' }).click();
    await page.getByRole('option', { name: 'Livraison (/livraison)' }).click();
    const reply = page.getByRole('textbox', { name: 'Your reply' });
    await until('the saved reply in the box', async () => ((await reply.inputValue()) !== '' ? true : undefined), 10_000);
    assert.equal(await reply.inputValue(), 'Bonjour Fanny, oui, nous livrons partout en France.');
    await reply.press('Control+Enter');
    await page.getByText('Reply sent.').waitFor();
    assert.equal(fake.messagesOf(convo).at(-1)?.text, 'Bonjour Fanny, oui, nous livrons partout en France.', 'sent as a DM');
  });

  test('a reply the guard delays (a forbidden phrase) shows once, with one Undo, under the reply box', async () => {
    const put = await context.request.put(`/api/workspaces/${wid}/inbox/guard`, { data: { mode: 'delay', delaySeconds: 60, collisionSeconds: 0, forbiddenPhrases: ['revenons vers vous'] } });
    assert.equal(put.status(), 200, await put.text());
    try {
      await page.goto(`/w/${wid}/inbox?c=${conversationId}`);
      const reply = page.getByRole('textbox', { name: 'Your reply' });
      await reply.fill('Nous vérifions et revenons vers vous.');
      await reply.press('Control+Enter');
      await page.getByTestId('guard-delayed').waitFor();
      // The pending list refreshes from the server meanwhile: it must not list the same reply again.
      await until('the conversation re-read', async () => ((await stored<{ replies: { state: string }[] }>(`/inbox/conversations/${conversationId}`)).replies.some((r) => r.state === 'delayed') ? true : undefined), 10_000);
      await new Promise((r) => setTimeout(r, 1_000));
      assert.equal(await page.getByTestId('pending-reply').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Undo' }).count(), 1);
      await page.getByRole('button', { name: 'Undo' }).click();
      await page.getByTestId('guard-delayed').waitFor({ state: 'detached' });
    } finally {
      await context.request.put(`/api/workspaces/${wid}/inbox/guard`, { data: { mode: 'off', forbiddenPhrases: [] } });
    }
  });

  test('Relay: a route to a Slack-compatible webhook is created (secret shown once), edited with a new secret, deleted', async () => {
    await page.goto(`/w/${wid}/settings/relay`);
    await page.getByText('No route yet.').waitFor();
    await page.getByRole('button', { name: 'New route' }).click();
    await page.getByRole('textbox', { name: 'Name' }).fill('Réclamations');
    await page.getByRole('textbox', { name: 'Team' }).fill('Service client');
    await page.getByRole('combobox', { name: 'Intents' }).click({ force: true }); // Mantine's pill box covers the input
    await page.getByRole('option', { name: 'Complaint' }).click();
    await page.keyboard.press('Escape');
    await page.getByText('Webhook', { exact: true }).click();
    const hook = 'https://hooks.slack.example/services/T000/B000/XXXX';
    await page.getByRole('textbox', { name: 'Webhook URL' }).fill(hook);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'Réclamations' });
    await row.getByRole('cell', { name: `Webhook ${hook}` }).waitFor();
    await row.getByRole('cell', { name: 'Complaint' }).waitFor();
    const secretBox = page.getByRole('alert').filter({ hasText: 'Signing secret' }).getByRole('textbox');
    const first = await secretBox.inputValue();
    assert.ok(first.length >= 16, `a secret is shown: ${first}`);
    type Routes = { routes: { id: string; name: string; team: string; intents: string[]; delivery: string; webhookUrl: string | null }[] };
    let routes = (await stored<Routes>('/relay/routes')).routes;
    assert.deepEqual(routes.map(({ name, team, intents, delivery, webhookUrl }) => ({ name, team, intents, delivery, webhookUrl })), [
      { name: 'Réclamations', team: 'Service client', intents: ['complaint'], delivery: 'webhook', webhookUrl: hook },
    ]);
    assert.ok(!JSON.stringify(routes).includes(first), 'the secret is not listed');

    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('textbox', { name: 'Team' }).fill('Support');
    await page.getByRole('button', { name: 'New secret' }).click();
    await row.getByRole('cell', { name: 'Support' }).waitFor();
    const second = await secretBox.inputValue();
    assert.ok(second.length >= 16 && second !== first, 'a different secret is shown');
    routes = (await stored<Routes>('/relay/routes')).routes;
    assert.equal(routes[0]?.team, 'Support');

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No route yet.').waitFor();
    assert.deepEqual((await stored<Routes>('/relay/routes')).routes, []);
  });

  test('Contacts: the CRM webhook is set (secret shown once), offered on a contact, then removed', async () => {
    await page.goto(`/w/${wid}/contacts`);
    const card = page.getByRole('region', { name: 'CRM webhook' });
    const hook = 'https://crm.example.com/hooks/passerelle';
    await card.getByRole('textbox', { name: 'Webhook address' }).fill(hook);
    await card.getByRole('button', { name: 'Save' }).click();
    const secret = await page.getByTestId('crm-secret').inputValue();
    assert.ok(secret.length >= 16, `a secret is shown: ${secret}`);
    type Guard = { crmWebhookUrl: string | null };
    assert.equal((await stored<Guard>('/inbox/guard')).crmWebhookUrl, hook);
    assert.ok(!JSON.stringify(await stored<Guard>('/inbox/guard')).includes(secret), 'the secret is not readable afterwards');

    await page.getByRole('table').getByRole('link').first().click();
    await page.getByRole('button', { name: 'Send to the CRM' }).waitFor();

    await page.goto(`/w/${wid}/contacts`);
    await card.getByRole('button', { name: 'Remove' }).click();
    await card.getByRole('button', { name: 'Remove' }).waitFor({ state: 'detached' });
    assert.equal((await stored<Guard>('/inbox/guard')).crmWebhookUrl, null);
    await page.getByRole('table').getByRole('link').first().click();
    await page.getByText('No CRM webhook is set: a manager sets one on the Contacts page.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Send to the CRM' }).count(), 0);
  });

  test('Profile and security: the new password typed twice differently is refused, then changed', async () => {
    await page.goto(`/w/${wid}/settings/profile`);
    const next = 'une autre phrase de passe';
    await page.getByRole('textbox', { name: 'Current password' }).fill(owner.password);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill(next);
    await page.getByRole('textbox', { name: 'Confirm the new password' }).fill('une autre phrase de pass');
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('The two passwords differ.').waitFor();
    await page.getByRole('textbox', { name: 'Confirm the new password' }).fill(next);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByText('Your password has been changed.').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Current password' }).inputValue(), '', 'the form is emptied');

    // Stored: the new password signs in, the old one no longer does (from a fresh context).
    const other = await browser.newContext({ baseURL: app.url });
    try {
      const old = await other.request.post('/api/auth/signin', { data: { email: owner.email, password: owner.password } });
      assert.equal(old.status(), 401, await old.text());
      const fresh = await other.request.post('/api/auth/signin', { data: { email: owner.email, password: next } });
      assert.equal(fresh.status(), 200, await fresh.text());
    } finally {
      await other.close();
    }
  });
});
