// Settings → Approvals in a real browser: the owner adds a step with an approver, saves, reloads and
// finds it again (and through the API); the page in French.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, startApp } from './app.ts';
import type { RunningApp } from './app.ts';

describe('approval steps in the browser', { timeout: 180_000 }, () => {
  let app: RunningApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let wid = '';

  before(async () => {
    app = await startApp();
    browser = await launchBrowser();
    context = await browser.newContext({ baseURL: app.url, locale: 'en-GB', timezoneId: 'Europe/Paris' });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    const signup = await context.request.post('/api/auth/signup', { data: { name: 'Lucie Fontaine', email: 'lucie@example.com', password: 'une longue phrase de passe' } });
    assert.equal(signup.status(), 201, await signup.text());
    const created = await context.request.post('/api/workspaces', { data: { name: 'Atelier Lumière', timezone: 'Europe/Paris', language: 'en' } });
    assert.equal(created.status(), 201, await created.text());
    wid = ((await created.json()) as { workspace: { id: string } }).workspace.id;
  });

  after(async () => {
    await browser?.close();
    await app?.stop();
  });

  test('the owner adds a step with an approver, saves, and finds it after a reload', async () => {
    await page.goto(`/w/${wid}/settings/members`);
    await page.getByRole('tab', { name: 'Approvals' }).click();
    await page.waitForURL(/\/settings\/approvals$/);
    await page.getByTestId('approval-flow-default').waitFor();

    await page.getByRole('button', { name: 'Add a step' }).click();
    await page.getByRole('textbox', { name: 'Name of step 1' }).fill('Legal review');
    await page.getByRole('combobox', { name: 'Approvers of step 1' }).click();
    await page.getByRole('option', { name: /Lucie Fontaine/ }).click();
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Save the steps' }).click();
    await page.getByText('Saved.').waitFor();

    const res = await context.request.get(`/api/workspaces/${wid}/approval-flow`);
    const { steps } = (await res.json()) as { steps: { name: string; approverIds: string[] }[] };
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.name, 'Legal review');
    assert.equal(steps[0]!.approverIds.length, 1);

    await page.reload();
    assert.equal(await page.getByRole('textbox', { name: 'Name of step 1' }).inputValue(), 'Legal review');
    await page.getByTestId('approval-step-0').getByText(/Lucie Fontaine/).waitFor();
  });

  test('in French', async () => {
    const fr = await context.request.patch('/api/me', { data: { locale: 'fr' } });
    assert.equal(fr.status(), 200, await fr.text());
    await page.goto(`/w/${wid}/settings/approvals`);
    await page.getByRole('tab', { name: 'Validations' }).waitFor();
    await page.getByText('Étapes de validation').waitFor();
    assert.equal(await page.getByRole('textbox', { name: 'Nom de l’étape 1' }).inputValue(), 'Legal review');
    await page.getByRole('button', { name: 'Enregistrer les étapes' }).waitFor();
  });
});
