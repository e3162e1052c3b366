import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';
import { expectNoHorizontalScroll } from './e2e-support.js';

// Hashtags, tag pages, trends and status search in a real browser against the real server (desktop and a 360 px
// phone): a hashtag in a status leads to its page, the Trending panel beside the feed too, and /search lists
// statuses.

describe('hashtags, trends and status search in Chromium', { timeout: 60_000 }, () => {
  const suite = useBrowserSuite('e2e-status-search', {
    setUp: async (server) => {
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
    },
  });
  const main = (page: Page) => page.getByRole('main');

  it('a hashtag in a status opens its tag page, newest first', async () => {
    const ada = await suite.signedIn('ada');
    const status = main(ada).getByRole('article').filter({ hasText: 'analytical engine' });
    await status.getByRole('link', { name: '#Engines' }).click();
    await ada.waitForURL('**/tags/engines');
    await expect.poll(() => main(ada).getByRole('heading', { level: 1 }).textContent()).toBe('#engines');
    const list = main(ada).getByRole('article');
    await expect.poll(() => list.count()).toBe(2);
    expect(await list.first().textContent()).toContain('detective');
    await suite.shot(ada, 'tag-page');
    await suite.accessible(ada, 'tag-page');
  });

  it('the Trending panel beside the feed lists tags by people and leads to their pages', async () => {
    const ada = await suite.signedIn('ada');
    const trends = ada.getByRole('complementary', { name: 'Trending' });
    const first = trends.getByRole('listitem').first();
    await expect.poll(() => first.textContent()).toContain('#engines');
    expect(await first.textContent()).toContain('2 people');
    await suite.shot(ada, 'trends-panel');
    await suite.accessible(ada, 'feed-with-trends');
    await trends.getByRole('link', { name: '#compilers' }).click();
    await ada.waitForURL('**/tags/compilers');
    await expect.poll(() => main(ada).getByRole('article').count()).toBe(1);
  });

  it('/search?q=...&type=statuses shows the statuses with every word, on a phone too', async () => {
    const ada = await suite.signedIn('ada', PHONE);
    await ada.goto(`/search?q=${encodeURIComponent('Engines tea')}&type=statuses`);
    expect(await ada.getByRole('tab', { name: 'Statuses' }).getAttribute('aria-selected')).toBe('true');
    expect(await ada.getByRole('tab', { name: 'People' }).count()).toBe(1);
    const results = main(ada).getByRole('article');
    await expect.poll(() => results.count()).toBe(1);
    expect(await results.first().textContent()).toContain('difference engines');
    await expectNoHorizontalScroll(ada);
    await suite.shot(ada, 'status-search-phone');
    await suite.accessible(ada, 'status-search-phone');

    await ada.goto(`/search?q=${encodeURIComponent('"NEAR" *')}&type=statuses`);
    await expect.poll(() => main(ada).textContent()).toContain('No statuses contain every word');
  });
});
