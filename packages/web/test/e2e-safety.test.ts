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

// Block and mute in a real browser against the real server: the profile's menu, the blocked profile, the lists in
// Settings with their undo, and what the blocked person sees (on a 360 px phone).
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';

describe('block and mute in Chromium', { timeout: 60_000 }, () => {
  let server: TestApp;
  let browser: Browser;
  let outDir: string;
  let base: string;
  const findings = new Map<string, AxeFinding[]>();
  const contexts: BrowserContext[] = [];

  async function signedIn(alias: string, viewport = DESKTOP): Promise<Page> {
    const context = await browser.newContext({ viewport, baseURL: base, reducedMotion: 'reduce' });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e-safety] page error: ${err.message}`));
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const main = (page: Page) => page.getByRole('main');

  async function choose(page: Page, item: string) {
    await page.getByRole('button', { name: 'More actions for @bob' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  }

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-safety-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    base = await server.listen();
    const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
    const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Babbage', password: PASSWORD });
    for (const [token, url] of [
      [ada, '/api/v1/me/followees/bob'],
      [bob, '/api/v1/me/followees/ada'],
    ] as const) {
      expect((await server.as(token, { method: 'PUT', url })).statusCode).toBe(200);
    }
    const res = await server.as(bob, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'Hello from Bob' } });
    expect(res.statusCode).toBe(201);
    await server.drain();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    console.log('[e2e-safety] axe findings:', JSON.stringify(Object.fromEntries(findings)));
  });

  it('mutes and blocks from the profile menu, lists both in Settings with undo, and shows the block to both', async () => {
    const ada = await signedIn('ada');
    await main(ada).getByText('Hello from Bob').waitFor();

    // Mute from the menu on Bob's profile: the menu is a real menu button, opened and left with the keyboard too.
    await ada.goto('/users/bob');
    const menuButton = ada.getByRole('button', { name: 'More actions for @bob' });
    await menuButton.click();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    await ada.getByRole('menuitem', { name: 'Mute @bob' }).waitFor();
    await expectAccessible(ada, 'profile-menu', findings);
    await shot(ada, 'safety-profile-menu-desktop');
    await ada.keyboard.press('Escape');
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    await choose(ada, 'Mute @bob');
    await ada.getByText('You muted @bob').waitFor();
    await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
    await main(ada).getByText('Your feed is empty').waitFor();
    expect(await main(ada).getByText('Hello from Bob').count()).toBe(0);

    // Block: the profile says so, with Unblock, and offers no Follow.
    await ada.goto('/users/bob');
    await choose(ada, 'Block @bob');
    await ada.getByText('You blocked @bob.').waitFor();
    expect(await ada.getByRole('button', { name: 'Follow', exact: true }).count()).toBe(0);
    expect(await ada.getByRole('button', { name: 'Unfollow', exact: true }).count()).toBe(0);
    await ada.getByRole('button', { name: 'Unblock', exact: true }).waitFor();
    await expectAccessible(ada, 'profile-blocked', findings);
    await shot(ada, 'safety-blocked-profile-desktop');

    // What Bob sees, on a phone: Ada blocked him; no Follow, no statuses of hers.
    const bob = await signedIn('bob', PHONE);
    await bob.goto('/users/ada');
    await bob.getByText('@ada blocked you').waitFor();
    expect(await bob.getByRole('button', { name: 'Follow', exact: true }).count()).toBe(0);
    await expectNoHorizontalScroll(bob);
    await expectAccessible(bob, 'profile-blocks-me-phone', findings);
    await shot(bob, 'safety-blocked-by-phone');

    // Settings from the top bar, then the lists, each with its undo.
    await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await ada.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await ada
      .getByRole('navigation', { name: 'More settings' })
      .getByRole('link', { name: 'Blocked accounts' })
      .click();
    await ada.getByRole('heading', { name: 'Blocked accounts' }).waitFor();
    await main(ada).getByText('@bob').waitFor();
    await expectAccessible(ada, 'blocked-accounts', findings);
    await shot(ada, 'safety-blocked-accounts-desktop');
    await ada.getByRole('button', { name: 'Unblock @bob' }).click();
    await ada.getByRole('button', { name: 'Block @bob again' }).waitFor();
    await ada.getByRole('link', { name: 'Settings', exact: true }).last().click();
    await ada.getByRole('navigation', { name: 'More settings' }).getByRole('link', { name: 'Muted accounts' }).click();
    await ada.getByRole('heading', { name: 'Muted accounts' }).waitFor();
    await ada.getByRole('button', { name: 'Unmute @bob' }).click();
    await ada.getByRole('button', { name: 'Mute @bob again' }).waitFor();

    // Undone on the server too: Bob's profile is plain again for both.
    const seen = (await server.as(await server.register('cyd'), { method: 'GET', url: '/api/v1/users/bob' })).json();
    expect(seen).toMatchObject({ blocksMe: false });
    await ada.goto('/users/bob');
    await ada.getByRole('button', { name: 'Follow', exact: true }).waitFor();
    expect(await ada.getByText('You blocked @bob.').count()).toBe(0);
    expect(await ada.getByText('You muted @bob').count()).toBe(0);
  });
});
