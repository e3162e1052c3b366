import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESKTOP, PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Reposts in a real browser: Bob reposts Ada's status from his feed (the count moves, the button says it is his),
// Cat, who follows Bob but not Ada, gets it live as "Reposted by Bob Builder", the status page lists who reposted
// it, and Bob's undo takes it out of Cat's feed.

describe('reposts in Chromium', { timeout: 120_000 }, () => {
  const suite = useBrowserSuite('e2e-reposts', {
    setUp: async (server) => {
      const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Builder', password: PASSWORD });
      const cat = await server.register('cat', { firstName: 'Cat', lastName: 'Stevens', password: PASSWORD });
      expect((await server.as(bob, { method: 'PUT', url: '/api/v1/me/followees/ada' })).statusCode).toBe(200);
      expect((await server.as(cat, { method: 'PUT', url: '/api/v1/me/followees/bob' })).statusCode).toBe(200);
      const res = await server.as(ada, {
        method: 'POST',
        url: '/api/v1/statuses',
        payload: { post: 'The engine might compose elaborate pieces of music.' },
      });
      expect(res.statusCode).toBe(201);
      await server.drain();
    },
  });

  /** Resolves once the page's feed subscription is acknowledged: live events reach it from then on. */
  function feedSubscribed(page: Page): Promise<void> {
    return new Promise<void>((resolve) => {
      page.on('websocket', (ws) =>
        ws.on('framereceived', (f) => {
          const frame = JSON.parse(String(f.payload)) as { type?: string; op?: string; channel?: string };
          if (frame.type === 'ack' && frame.op === 'subscribe' && frame.channel === 'feed') resolve();
        }),
      );
    });
  }

  it("Bob reposts from his feed; it reaches Cat's feed live as reposted by Bob, and the undo takes it out", async () => {
    const catPage = await suite.newPage(DESKTOP);
    const subscribed = feedSubscribed(catPage);
    await suite.signIn(catPage, 'cat');
    await catPage.getByText('Your feed is empty').waitFor();
    await subscribed;

    const bobPage = await suite.newPage(DESKTOP);
    await suite.signIn(bobPage, 'bob');
    const status = bobPage.getByRole('article', { name: 'Status by Ada Lovelace' });
    const button = status.getByRole('button', { name: 'Repost' });
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    expect((await button.textContent())?.trim()).toBe('Repost 0');
    await button.click();
    const undo = status.getByRole('button', { name: 'Undo repost' });
    await undo.waitFor();
    expect(await undo.getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => undo.textContent()).toContain('1');
    await suite.accessible(bobPage, 'feed with my repost');

    // Live on Cat's feed: behind the "new posts" banner, then on top with who reposted it.
    const banner = catPage.getByRole('button', { name: '1 new post' });
    await banner.waitFor();
    await banner.click();
    const reposted = catPage.getByRole('article', { name: 'Status by Ada Lovelace' });
    await reposted.getByRole('link', { name: 'Reposted by Bob Builder' }).waitFor();
    await suite.accessible(catPage, 'feed with a repost');
    await suite.shot(catPage, 'repost-desktop');

    // The status page lists who reposted it.
    await reposted.locator('time').click();
    await catPage.waitForURL('**/statuses/*');
    const list = catPage.getByRole('region', { name: 'Reposted by' });
    await list.getByRole('link', { name: /Bob Builder/ }).waitFor();
    await suite.accessible(catPage, 'status page with its reposts');

    // Bob's undo: the count goes back, and after a reload Cat's feed no longer holds it.
    await undo.click();
    await status.getByRole('button', { name: 'Repost' }).waitFor();
    await expect.poll(() => status.getByRole('button', { name: 'Repost' }).textContent()).toContain('0');
    await suite.server.drain();
    await catPage.goto('/feed');
    await catPage.getByText('Your feed is empty').waitFor();
  });

  it('fits a 360 px screen with a repost in the feed', async () => {
    // Bob reposts again, through the API this time; Cat reads her feed on a phone.
    const login = await suite.server.inject({
      method: 'POST',
      url: '/api/v1/sessions',
      payload: { alias: 'bob', password: PASSWORD },
    });
    const token = login.json<{ token: string }>().token;
    const feed = await suite.server.as(token, { method: 'GET', url: '/api/v1/me/feed' });
    const id = feed.json<{ items: { id: string }[] }>().items[0]?.id ?? '';
    expect((await suite.server.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(
      200,
    );
    await suite.server.drain();
    const page = await suite.newPage(PHONE);
    await suite.signIn(page, 'cat');
    const reposted = page.getByRole('article', { name: 'Status by Ada Lovelace' });
    await reposted.getByRole('link', { name: 'Reposted by Bob Builder' }).waitFor();
    await suite.fitsPhone(page, 'feed with a repost (360 px)');
    await suite.shot(page, 'repost-phone');
  });
});
