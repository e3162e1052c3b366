import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '@tweeter/server/test-support';
import {
  buildWebApp,
  expectAccessible,
  expectNoHorizontalScroll,
  launchChromium,
  SCREENSHOTS,
  type AxeFinding,
} from './e2e-support.js';

// Deleting an account in a real browser: Settings in the top bar, the Delete account page (what happens, the
// password, the alias typed out), a refused wrong password, then the goodbye screen, signed out for good.
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';

describe('deleting an account, in Chromium', { timeout: 60_000 }, () => {
  let server: TestApp;
  let browser: Browser;
  let outDir: string;
  let bobToken: string;
  let base: string;
  const findings = new Map<string, AxeFinding[]>();
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, baseURL: base, reducedMotion: 'reduce' });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e-delete] page error: ${err.message}`));
    return page;
  }

  async function signIn(page: Page, alias: string) {
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
  }

  /** From the feed to the Delete account page, through the app's own navigation. */
  async function openDeletePage(page: Page) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await page.getByRole('navigation', { name: 'More settings' }).getByRole('link', { name: 'Delete account' }).click();
    await page.getByRole('heading', { name: 'Delete account' }).waitFor();
  }

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-delete-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    base = await server.listen();
    const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
    bobToken = await server.register('bob', { firstName: 'Bob', lastName: 'Builder', password: PASSWORD });
    await server.register('cleo', { firstName: 'Cleo', lastName: 'Patra', password: PASSWORD });
    await server.as(bobToken, { method: 'PUT', url: '/api/v1/me/followees/ada' });
    await server.as(ada, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'Hello from Ada' } });
    await server.drain();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    console.log('[e2e-delete] axe findings:', JSON.stringify(Object.fromEntries(findings)));
  });

  it('explains, refuses a wrong password, then deletes, signs out and says goodbye', async () => {
    const page = await newPage();
    await signIn(page, 'ada');
    await openDeletePage(page);
    await page.getByText('Nobody can register @ada for 30 days.').waitFor();
    const button = page.getByRole('button', { name: 'Delete my account' });
    await page.getByLabel('Password').fill('not my password');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Type your alias (ada) to confirm').fill('@ad');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Type your alias (ada) to confirm').fill('@ada');
    expect(await button.isDisabled()).toBe(false);
    await expectAccessible(page, 'delete-account', findings);
    await page.screenshot({ path: join(SCREENSHOTS, 'delete-account-desktop.png'), fullPage: false });

    await button.click();
    await page.getByText(/Failed to delete the account because of exception: the password is wrong/).waitFor();
    expect(page.url()).toMatch(/\/settings\/delete$/);
    expect((await server.as(bobToken, { method: 'GET', url: '/api/v1/users/ada' })).statusCode).toBe(200);

    await page.getByLabel('Password').fill(PASSWORD);
    await button.click();
    await page.waitForURL('**/goodbye');
    await page.getByRole('heading', { name: 'Goodbye' }).waitFor();
    await expectAccessible(page, 'goodbye', findings);
    await page.screenshot({ path: join(SCREENSHOTS, 'goodbye-desktop.png'), fullPage: false });

    // Signed out for good: the stored session is gone, and signing in again fails.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await page.goto('/feed');
    await page.waitForURL('**/login');
    await page.getByLabel('Alias').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByText(/Failed to log user in/).waitFor();

    // The others no longer see ada, and her status leaves bob's feed.
    expect((await server.as(bobToken, { method: 'GET', url: '/api/v1/users/ada' })).statusCode).toBe(404);
    await server.drain();
    const feed = await server.as(bobToken, { method: 'GET', url: '/api/v1/me/feed' });
    expect(feed.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('fits a 360 px phone', async () => {
    const page = await newPage(PHONE);
    await signIn(page, 'cleo');
    await openDeletePage(page);
    await expectNoHorizontalScroll(page);
    await expectAccessible(page, 'delete-account-phone', findings);
    await page.screenshot({ path: join(SCREENSHOTS, 'delete-account-phone.png'), fullPage: false });
  });
});
