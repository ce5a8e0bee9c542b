// Account security and workspace administration in the browser: password reset from the logged link,
// two-factor sign-in, API tokens shown once, and the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startApp } from './app.ts';
import type { RunningApp } from './app.ts';
import { totp } from './totp.ts';

const owner = { name: 'Inès Moreau', email: 'ines@example.com', password: 'first long passphrase' };
const newPassword = 'second long passphrase';

describe('account security and administration in the browser', { timeout: 240_000 }, () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'America/Montreal' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    // Set-up through the API (covered in the browser by onboarding.test.ts); the context keeps the cookie.
    const signup = await context.request.post('/api/auth/signup', { data: owner });
    assert.equal(signup.status(), 201, await signup.text());
    const created = await context.request.post('/api/workspaces', {
      data: { name: 'Librairie du Port', timezone: 'America/Montreal', language: 'en' },
    });
    assert.equal(created.status(), 201, await created.text());
    wid = ((await created.json()) as { workspace: { id: string } }).workspace.id;
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('an API token is created with a role and its secret is shown once', async () => {
    await page.goto(`/w/${wid}/settings/tokens`);
    await page.getByRole('textbox', { name: 'Token name' }).fill('Reporting script');
    await page.getByRole('button', { name: 'Create the token' }).click();
    const secret = await page.getByTestId('token-secret').inputValue();
    assert.match(secret, /^psl_/);
    await page.getByRole('button', { name: 'I have copied it' }).click();
    assert.equal(await page.getByTestId('token-secret').count(), 0, 'the secret is gone once dismissed');
    await page.getByRole('cell', { name: 'Reporting script', exact: true }).waitFor();

    const withToken = await fetch(`${app.url}/api/workspaces/${wid}/members`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(withToken.status, 200, 'the secret works as a bearer token');
  });

  test('the audit log lists the changes and expands one', async () => {
    await page.goto(`/w/${wid}/settings/audit`);
    const table = page.getByTestId('audit-table');
    await table.getByText('token.create').waitFor();
    await table.getByText('workspace.create').waitFor();
    await table.getByRole('button', { name: 'Details' }).first().click();
    await page.getByText('After', { exact: true }).first().waitFor();

    await page.getByRole('searchbox', { name: 'Search' }).fill('no entry has this text');
    await page.getByText('No entries match.').waitFor();
    const csv = page.getByRole('link', { name: 'Export CSV' });
    assert.match((await csv.getAttribute('href')) ?? '', /\/audit\.csv\?q=no\+entry/);
  });

  test('two-factor sign-in is turned on with a code from the app, then asked at sign-in', async () => {
    await page.goto(`/w/${wid}/settings/profile`);
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
    const secret = await page.getByTestId('totp-secret').inputValue();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    await page.getByRole('textbox', { name: 'Code from the app' }).fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('This code is wrong or has expired.').waitFor();
    const enableCode = totp(secret);
    await page.getByRole('textbox', { name: 'Code from the app' }).fill(enableCode);
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Two-factor sign-in is on: a code from your app is asked at every sign-in.').waitFor();

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(owner.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(owner.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // A code is accepted once: wait for the app to show the next one.
    while (totp(secret) === enableCode) await new Promise((resolve) => setTimeout(resolve, 500));
    await page.getByRole('textbox', { name: 'Authentication code' }).fill(totp(secret));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/[^/]+\/calendar$/);

    // Turn it off again so the password-reset test signs in with a password only.
    await page.goto(`/w/${wid}/settings/profile`);
    await page.getByRole('textbox', { name: 'Your password' }).fill(owner.password);
    await page.getByRole('button', { name: 'Turn off' }).click();
    await page.getByRole('button', { name: 'Set up two-factor sign-in' }).waitFor();
  });

  test('a forgotten password is reset from the emailed link, which then stops working', async () => {
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill(owner.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.getByText(`If an account exists for ${owner.email}`).waitFor();

    // Without SMTP the server logs the mail; the link is in its output.
    const [, path] = await app.waitForOutput(/(\/reset\/[A-Za-z0-9_\-.~%]+)/);
    await page.goto(path!);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword);
    await page.getByRole('textbox', { name: 'Confirm the new password' }).fill(newPassword);
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('Your password has been changed.').waitFor();

    await page.goto(path!);
    await page.getByRole('textbox', { name: 'New password', exact: true }).fill('third long passphrase');
    await page.getByRole('textbox', { name: 'Confirm the new password' }).fill('third long passphrase');
    await page.getByRole('button', { name: 'Set the password' }).click();
    await page.getByText('This link no longer works').waitFor();

    await page.goto('/signin');
    await page.getByRole('textbox', { name: 'Email', exact: true }).fill(owner.email);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/w\/[^/]+\/calendar$/);
  });
});
