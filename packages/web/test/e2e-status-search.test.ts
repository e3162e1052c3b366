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

// Hashtags, tag pages, trends and status search in a real browser against the real server (desktop and a 360 px
// phone): a hashtag in a status leads to its page, the Trending panel beside the feed too, and /search lists
// statuses.
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';

describe('hashtags, trends and status search in Chromium', { timeout: 60_000 }, () => {
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
    page.on('pageerror', (err) => console.log(`[e2e-status-search] page error: ${err.message}`));
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  const main = (page: Page) => page.getByRole('main');

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'tweeter-e2e-search-'));
    buildWebApp(outDir);
    server = await createTestApp({ WEB_DIR: outDir });
    base = await server.listen();
    const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
    const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Babbage', password: PASSWORD });
    const cat = await server.register('cat', { firstName: 'Cat', lastName: 'Hopper', password: PASSWORD });
    expect((await server.as(ada, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
    const posts: [string, string][] = [
      [bob, 'Shipping the analytical engine notes today #Engines #history'],
      [cat, 'Debugging is like being the detective in a crime movie #engines'],
      [cat, 'Compilers are engines of translation #compilers'],
      [bob, 'Tea and difference engines, a quiet Sunday'],
    ];
    for (const [token, post] of posts) {
      const res = await server.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post } });
      expect(res.statusCode).toBe(201);
    }
    await server.drain();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
    console.log('[e2e-status-search] axe findings:', JSON.stringify(Object.fromEntries(findings)));
  });

  it('a hashtag in a status opens its tag page, newest first', async () => {
    const ada = await signedIn('ada');
    const status = main(ada).getByRole('article').filter({ hasText: 'analytical engine' });
    await status.getByRole('link', { name: '#Engines' }).click();
    await ada.waitForURL('**/tags/engines');
    await expect.poll(() => main(ada).getByRole('heading', { level: 1 }).textContent()).toBe('#engines');
    const list = main(ada).getByRole('article');
    await expect.poll(() => list.count()).toBe(2);
    expect(await list.first().textContent()).toContain('detective');
    await shot(ada, 'tag-page');
    await expectAccessible(ada, 'tag-page', findings);
  });

  it('the Trending panel beside the feed lists tags by people and leads to their pages', async () => {
    const ada = await signedIn('ada');
    const trends = ada.getByRole('complementary', { name: 'Trending' });
    const first = trends.getByRole('listitem').first();
    await expect.poll(() => first.textContent()).toContain('#engines');
    expect(await first.textContent()).toContain('2 people');
    await shot(ada, 'trends-panel');
    await expectAccessible(ada, 'feed-with-trends', findings);
    await trends.getByRole('link', { name: '#compilers' }).click();
    await ada.waitForURL('**/tags/compilers');
    await expect.poll(() => main(ada).getByRole('article').count()).toBe(1);
  });

  it('/search?q=...&type=statuses shows the statuses with every word, on a phone too', async () => {
    const ada = await signedIn('ada', PHONE);
    await ada.goto(`/search?q=${encodeURIComponent('Engines tea')}&type=statuses`);
    expect(await ada.getByRole('tab', { name: 'Statuses' }).getAttribute('aria-selected')).toBe('true');
    expect(await ada.getByRole('tab', { name: 'People' }).count()).toBe(1);
    const results = main(ada).getByRole('article');
    await expect.poll(() => results.count()).toBe(1);
    expect(await results.first().textContent()).toContain('difference engines');
    await expectNoHorizontalScroll(ada);
    await shot(ada, 'status-search-phone');
    await expectAccessible(ada, 'status-search-phone', findings);

    await ada.goto(`/search?q=${encodeURIComponent('"NEAR" *')}&type=statuses`);
    await expect.poll(() => main(ada).textContent()).toContain('No statuses contain every word');
  });
});
