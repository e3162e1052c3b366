import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Block and mute in a real browser against the real server: the profile's menu, the blocked profile, the lists in
// Settings with their undo, and what the blocked person sees (on a 360 px phone).
describe('block and mute in Chromium', { timeout: 60_000 }, () => {
  const suite = useBrowserSuite('e2e-safety', {
    setUp: async (server) => {
      const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      const bob = await server.register('bob', { firstName: 'Bob', lastName: 'Babbage', password: PASSWORD });
      for (const [token, url] of [
        [ada, '/api/v1/me/followees/bob'],
        [bob, '/api/v1/me/followees/ada'],
      ] as const) {
        expect((await server.as(token, { method: 'PUT', url })).statusCode).toBe(200);
      }
      const res = await server.as(bob, {
        method: 'POST',
        url: '/api/v1/statuses',
        payload: { post: 'Hello from Bob' },
      });
      expect(res.statusCode).toBe(201);
      await server.drain();
    },
  });
  const main = (page: Page) => page.getByRole('main');

  async function choose(page: Page, item: string) {
    await page.getByRole('button', { name: 'More actions for @bob' }).click();
    await page.getByRole('menuitem', { name: item }).click();
  }

  it('mutes and blocks from the profile menu, lists both in Settings with undo, and shows the block to both', async () => {
    const ada = await suite.signedIn('ada');
    await main(ada).getByText('Hello from Bob').waitFor();

    // Mute from the menu on Bob's profile: the menu is a real menu button, opened and left with the keyboard too.
    await ada.goto('/users/bob');
    const menuButton = ada.getByRole('button', { name: 'More actions for @bob' });
    await menuButton.click();
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    await ada.getByRole('menuitem', { name: 'Mute @bob' }).waitFor();
    await suite.accessible(ada, 'profile-menu');
    await suite.shot(ada, 'safety-profile-menu-desktop');
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
    await suite.accessible(ada, 'profile-blocked');
    await suite.shot(ada, 'safety-blocked-profile-desktop');

    // What Bob sees, on a phone: Ada blocked him; no Follow, no statuses of hers.
    const bob = await suite.signedIn('bob', PHONE);
    await bob.goto('/users/ada');
    await bob.getByText('@ada blocked you').waitFor();
    expect(await bob.getByRole('button', { name: 'Follow', exact: true }).count()).toBe(0);
    await suite.fitsPhone(bob, 'profile-blocks-me-phone');
    await suite.shot(bob, 'safety-blocked-by-phone');

    // Settings from the top bar, then the lists, each with its undo.
    await suite.openSettingsPage(ada, 'Blocked accounts');
    await main(ada).getByText('@bob').waitFor();
    await suite.accessible(ada, 'blocked-accounts');
    await suite.shot(ada, 'safety-blocked-accounts-desktop');
    await ada.getByRole('button', { name: 'Unblock @bob' }).click();
    await ada.getByRole('button', { name: 'Block @bob again' }).waitFor();
    await ada.getByRole('link', { name: 'Settings', exact: true }).last().click();
    await ada.getByRole('navigation', { name: 'More settings' }).getByRole('link', { name: 'Muted accounts' }).click();
    await ada.getByRole('heading', { name: 'Muted accounts' }).waitFor();
    await ada.getByRole('button', { name: 'Unmute @bob' }).click();
    await ada.getByRole('button', { name: 'Mute @bob again' }).waitFor();

    // Undone on the server too: Bob's profile is plain again for both.
    const seen = (
      await suite.server.as(await suite.server.register('cyd'), { method: 'GET', url: '/api/v1/users/bob' })
    ).json();
    expect(seen).toMatchObject({ blocksMe: false });
    await ada.goto('/users/bob');
    await ada.getByRole('button', { name: 'Follow', exact: true }).waitFor();
    expect(await ada.getByText('You blocked @bob.').count()).toBe(0);
    expect(await ada.getByText('You muted @bob').count()).toBe(0);
  });
});
