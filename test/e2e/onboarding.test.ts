// The first hour of a new server, in a real browser: set-up, first workspace, inviting a teammate who
// joins from another browser, switching to French, signing out and in again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

const owner = { name: 'Camille Martin', email: 'camille@example.com', password: 'correct horse battery staple' };
const teammate = { name: 'Louis Bernard', email: 'louis@example.com', password: 'louis passphrase 2025' };
const workspaceName = 'Café Lumière';

describe('onboarding in the browser', { timeout: 180_000 }, () => {
  let app: RunningApp;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let page: Page;
  let invitationLink = '';

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    ownerContext = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    ownerContext.setDefaultTimeout(15_000);
    page = await ownerContext.newPage();
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('a first visit creates the owner account, then the first workspace', async () => {
    await page.goto('/');
    await page.waitForURL('**/setup');
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill(owner.name);
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(owner.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Create my account' }).click();

    await page.getByRole('textbox', { name: 'Workspace name' }).fill(workspaceName);
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    assert.equal(await zone.inputValue(), 'Europe/Paris', 'the time zone defaults to the browser’s');
    await page.getByRole('button', { name: 'Create the workspace' }).click();

    await page.waitForURL(/\/w\/[^/]+\/calendar$/);
    await page.getByRole('heading', { name: 'Calendar' }).waitFor();
    // Listening is not built yet: it says so plainly.
    await page.getByRole('link', { name: 'Listening' }).click();
    await page.getByText('Coming soon: this page is not built yet.').waitFor();
    assert.match(await page.getByTestId('workspace-switcher').innerText(), /Café Lumière/);
  });

  test('the owner invites a teammate and reads the link from the page', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'Members' }).click();
    await page.getByTestId('members-table').getByText(owner.email).waitFor();

    await page.getByRole('textbox', { name: 'Email' }).fill(teammate.email);
    await page.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'Editor' }).click();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();

    const link = page.getByTestId('invitation-link');
    await link.waitFor();
    invitationLink = await link.inputValue();
    assert.match(invitationLink, /\/invite\/[^/]+$/);
    await page.getByTestId('invitations-table').getByText(teammate.email).waitFor();
  });

  test('inviting the same email twice says an invitation is pending', async () => {
    await page.getByRole('textbox', { name: 'Email' }).fill(teammate.email);
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByText('An invitation is already pending for this email.').waitFor();
  });

  test('the teammate opens the link in another browser, creates an account and joins', async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    try {
      const guest = await context.newPage();
      await guest.goto(new URL(new URL(invitationLink).pathname, app.url).toString());
      await guest.getByText(workspaceName).first().waitFor();
      await guest.getByText(`This invitation is for ${teammate.email}.`).waitFor();
      await guest.getByRole('textbox', { name: 'Name', exact: true }).fill(teammate.name);
      await guest.getByRole('textbox', { name: 'Password', exact: true }).fill(teammate.password);
      await guest.getByRole('button', { name: 'Create my account and join' }).click();

      await guest.waitForURL(/\/w\/[^/]+\/calendar$/);
      assert.match(await guest.getByTestId('workspace-switcher').innerText(), /Café Lumière/);
      // An editor does not administer the workspace: no API tokens or audit log tabs.
      await guest.getByRole('link', { name: 'Settings' }).click();
      await guest.getByRole('tab', { name: 'Members' }).waitFor();
      assert.equal(await guest.getByRole('tab', { name: 'API tokens' }).count(), 0);
    } finally {
      await context.close();
    }
  });

  test('the owner sees the teammate join without reloading (live events)', async () => {
    await page.getByTestId('members-table').getByText(teammate.email).waitFor();
    assert.equal(await page.getByTestId('invitations-table').count(), 0, 'the accepted invitation is no longer pending');
  });

  test('the owner changes the teammate’s role', async () => {
    const role = page.getByRole('combobox', { name: `Role of ${teammate.name}` });
    assert.equal(await role.inputValue(), 'Editor');
    await role.click();
    await page.getByRole('option', { name: 'Analyst' }).click();
    // The change is saved through the API: poll it (the request may still be in flight).
    const membersUrl = new URL(page.url()).pathname.replace(/^\/w\/([^/]+).*/, '/api/workspaces/$1/members');
    let saved: string | undefined;
    for (let attempt = 0; attempt < 50 && saved !== 'analyst'; attempt++) {
      const body = (await (await page.request.get(membersUrl)).json()) as { members: { user: { email: string }; role: string }[] };
      saved = body.members.find((m) => m.user.email === teammate.email)?.role;
      if (saved !== 'analyst') await page.waitForTimeout(100);
    }
    assert.equal(saved, 'analyst');
    assert.equal(await role.inputValue(), 'Analyst');
  });

  test('switching the language to French translates the interface', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Français' }).click();
    await page.getByRole('link', { name: 'Calendrier' }).waitFor();
    await page.getByRole('link', { name: 'Paramètres' }).waitFor();
    await page.getByRole('tab', { name: 'Membres' }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'fr');

    await page.getByRole('link', { name: 'Veille' }).click();
    await page.getByText(/Bientôt\s*: cette page n’est pas encore construite/).waitFor();
  });

  test('signing out and in again keeps the French interface', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Se déconnecter' }).click();
    await page.waitForURL('**/signin');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();

    await page.getByRole('textbox', { name: 'Adresse e-mail', exact: true }).fill(owner.email);
    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill('not the password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByText('Adresse e-mail ou mot de passe incorrect.').waitFor();

    await page.getByRole('textbox', { name: 'Mot de passe', exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/w\/[^/]+\/calendar$/);
    await page.getByRole('heading', { name: 'Calendrier' }).waitFor();
  });
});
