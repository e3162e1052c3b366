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

// Notifications in real browsers against the real server: Bob likes Ada's post in his browser and the bell in Ada's
// top bar counts it live; her notifications page groups it ("Bob Babbage and 5 others liked your post"), filters by
// type and marks read (desktop and a 360 px phone).
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';
const FANS = ['cat', 'dan', 'eve', 'fay', 'gus'];

describe('notifications in Chromium', { timeout: 90_000 }, () => {
  let server: TestApp;
  let browser: Browser;
  let outDir: string;
  let base: string;
  let statusId: string;
  const findings = new Map<string, AxeFinding[]>();
  const contexts: BrowserContext[] = [];

  async function signedIn(alias: string, viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, baseURL: base, reducedMotion: 'reduce' });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e-notifications] page error: ${err.message}`));
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const bell = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByTestId('notification-bell');

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-notifications-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    base = await server.listen();
    const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
    await server.register('bob', { firstName: 'Bob', lastName: 'Babbage', password: PASSWORD });
    const res = await server.as(ada, {
      method: 'POST',
      url: '/api/v1/statuses',
      payload: { post: 'Notes on the engine' },
    });
    expect(res.statusCode).toBe(201);
    statusId = (res.json() as { id: string }).id;
    for (const [i, alias] of FANS.entries()) {
      const name = alias[0]?.toUpperCase() + alias.slice(1);
      const token = await server.register(alias, { firstName: name, lastName: `Fan${i}`, password: PASSWORD });
      await server.as(token, { method: 'PUT', url: `/api/v1/statuses/${statusId}/reactions/like` });
      if (i < 2) await server.as(token, { method: 'PUT', url: '/api/v1/me/followees/ada' });
    }
    await server.drain();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    console.log('[e2e-notifications] axe findings:', JSON.stringify(Object.fromEntries(findings)));
  });

  it('a like in one browser reaches the bell in the other live; the page groups, filters and marks read', async () => {
    const ada = await signedIn('ada');
    // Two groups are unread: the likes and the day's follows.
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications, 2 unread');
    await ada.getByRole('link', { name: 'Notifications, 2 unread' }).click();
    await ada.waitForURL('**/notifications');
    await ada.getByText('Gus Fan4 and 4 others liked your post').waitFor();
    await ada.getByText('Dan Fan1 and Cat Fan0 followed you').waitFor();
    const readAll = ada.getByRole('button', { name: 'Mark all read' });
    await readAll.click();
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications');

    // Bob likes the post in his own browser (a phone): Ada's bell counts it without a reload.
    const bob = await signedIn('bob', PHONE);
    await bob.goto(`/statuses/${statusId}`);
    await bob.getByRole('button', { name: /^Like/ }).click();
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await ada.getByText('Bob Babbage and 5 others liked your post').waitFor();
    await expectAccessible(ada, 'notifications-desktop', findings);
    await shot(ada, 'notifications-desktop');

    // Filters: Follows keeps the follows group only.
    await ada.getByRole('button', { name: 'Follows', exact: true }).click();
    await ada.getByText('Dan Fan1 and Cat Fan0 followed you').waitFor();
    await expect.poll(() => ada.getByTestId('notification').count()).toBe(1);
    await ada.getByRole('button', { name: 'All', exact: true }).click();

    // Each group leads to its subject: the likes to the status.
    await ada.getByRole('link', { name: /Bob Babbage and 5 others liked your post/ }).click();
    await ada.waitForURL(`**/statuses/${statusId}`);

    // On a phone: the same page fits 360 px, the bell in the top bar.
    const phone = await signedIn('ada', PHONE);
    await expect.poll(() => bell(phone).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await bell(phone).click();
    await phone.getByText('Bob Babbage and 5 others liked your post').waitFor();
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone, 'notifications-phone', findings);
    await shot(phone, 'notifications-phone');
    // Read on the phone: the desktop's bell hears it.
    await phone.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications');
  });
});
