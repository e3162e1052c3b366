import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

// Settings in a real browser against the real server: edit the profile (the bio's mention and link become links on
// the profile), change the password (another signed-in browser is signed out), download my data.
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'staple battery horse';

describe('Settings in Chromium', { timeout: 60_000 }, () => {
  let server: TestApp;
  let base: string;
  let browser: Browser;
  let outDir: string;
  const findings = new Map<string, AxeFinding[]>();
  const contexts: BrowserContext[] = [];

  async function newPage(viewport = DESKTOP) {
    const context = await browser.newContext({
      viewport,
      baseURL: base,
      reducedMotion: 'reduce',
      acceptDownloads: true,
    });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e-settings] page error: ${err.message}`));
    return page;
  }

  async function signIn(page: Page, alias: string, password = PASSWORD) {
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
  }

  async function openSettings(page: Page) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Settings' }).isVisible()).toBe(true);
  }

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-settings-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    base = await server.listen();
    await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
    await server.register('charles', { firstName: 'Charles', lastName: 'Babbage', password: PASSWORD });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    console.log('[e2e-settings] axe findings:', JSON.stringify(Object.fromEntries(findings)));
  });

  let ada: Page;

  it('edits the profile from Settings; the bio shows on my profile with its mention and link as links', async () => {
    ada = await newPage();
    await signIn(ada, 'ada');
    await openSettings(ada);
    const profile = ada.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('First name').fill('Augusta Ada');
    await profile.getByLabel('Bio').fill('Notes on the engine with @charles: https://example.com/notes');
    await expect.poll(() => profile.getByText(/characters left/).textContent()).toBe('100 of 160 characters left');
    await expectAccessible(ada, 'settings', findings);
    await ada.screenshot({ path: join(SCREENSHOTS, 'settings.png') });
    await profile.getByRole('button', { name: 'Save profile' }).click();
    await expect.poll(() => ada.getByText('Profile saved.').isVisible()).toBe(true);

    await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Story' }).click();
    const user = ada.getByRole('region', { name: 'User' });
    await expect.poll(() => user.getByRole('heading', { level: 1 }).textContent()).toBe('Augusta Ada Lovelace');
    const bio = user.getByLabel('Bio');
    expect(await bio.getByRole('link', { name: '@charles' }).getAttribute('href')).toBe('/users/charles');
    expect(await bio.getByRole('link', { name: 'https://example.com/notes' }).getAttribute('href')).toBe(
      'https://example.com/notes',
    );
    // My own profile leads back to the form.
    await user.getByRole('link', { name: 'Edit profile' }).click();
    await expect.poll(() => ada.getByLabel('First name').inputValue()).toBe('Augusta Ada');
  });

  it('changes the password: the other browser is signed out, this one stays', async () => {
    const other = await newPage();
    await signIn(other, 'ada');
    const password = ada.getByRole('form', { name: 'Password' });
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await password.getByLabel('Confirm new password').fill('not the same');
    await expect.poll(() => password.getByText('The new passwords do not match').isVisible()).toBe(true);
    await password.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => password.getByRole('status').textContent()).toMatch(/other session .* signed out/);
    await ada.screenshot({ path: join(SCREENSHOTS, 'settings-password.png') });
    // The other browser is signed out without doing anything: its live connection closes with 4401.
    await other.waitForURL('**/login**');
    await expect.poll(() => other.getByLabel('Alias').isVisible()).toBe(true);
    // This one still works, and the new password signs in.
    await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
    await expect.poll(() => ada.url()).toMatch(/\/feed$/);
    const again = await newPage();
    await signIn(again, 'ada', NEW_PASSWORD);
  });

  it('downloads my data as one JSON file', async () => {
    await openSettings(ada);
    const [download] = await Promise.all([
      ada.waitForEvent('download'),
      ada.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^tweeter-ada-\d{4}-\d{2}-\d{2}\.json$/);
    const path = await download.path();
    const doc = JSON.parse(readFileSync(path, 'utf8')) as {
      format: string;
      profile: { firstName: string; bio: string };
    };
    expect(doc.format).toBe('tweeter-export/1');
    expect(doc.profile).toMatchObject({ firstName: 'Augusta Ada', bio: expect.stringContaining('@charles') });
  });

  it('fits a 360 px phone and stays accessible there', async () => {
    const phone = await newPage(PHONE);
    await signIn(phone, 'charles');
    await openSettings(phone);
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone, 'settings-phone', findings);
    await phone.screenshot({ path: join(SCREENSHOTS, 'settings-phone.png'), fullPage: true });
  });
});
