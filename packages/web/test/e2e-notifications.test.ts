import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Notifications in real browsers against the real server: Bob likes Ada's post in his browser and the bell in Ada's
// top bar counts it live; her notifications page groups it ("Bob Babbage and 5 others liked your post"), filters by
// type and marks read (desktop and a 360 px phone).
const FANS = ['cat', 'dan', 'eve', 'fay', 'gus'];

describe('notifications in Chromium', { timeout: 90_000 }, () => {
  let statusId = '';
  const suite = useBrowserSuite('e2e-notifications', {
    setUp: async (server) => {
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
    },
  });
  const bell = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByTestId('notification-bell');

  it('a like in one browser reaches the bell in the other live; the page groups, filters and marks read', async () => {
    const ada = await suite.signedIn('ada');
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
    const bob = await suite.signedIn('bob', PHONE);
    await bob.goto(`/statuses/${statusId}`);
    await bob.getByRole('button', { name: /^Like/ }).click();
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await ada.getByText('Bob Babbage and 5 others liked your post').waitFor();
    await suite.accessible(ada, 'notifications-desktop');
    await suite.shot(ada, 'notifications-desktop');

    // Filters: Follows keeps the follows group only.
    await ada.getByRole('button', { name: 'Follows', exact: true }).click();
    await ada.getByText('Dan Fan1 and Cat Fan0 followed you').waitFor();
    await expect.poll(() => ada.getByTestId('notification').count()).toBe(1);
    await ada.getByRole('button', { name: 'All', exact: true }).click();

    // Each group leads to its subject: the likes to the status.
    await ada.getByRole('link', { name: /Bob Babbage and 5 others liked your post/ }).click();
    await ada.waitForURL(`**/statuses/${statusId}`);

    // On a phone: the same page fits 360 px, the bell in the top bar.
    const phone = await suite.signedIn('ada', PHONE);
    await expect.poll(() => bell(phone).getAttribute('aria-label')).toBe('Notifications, 1 unread');
    await bell(phone).click();
    await phone.getByText('Bob Babbage and 5 others liked your post').waitFor();
    await suite.fitsPhone(phone, 'notifications-phone');
    await suite.shot(phone, 'notifications-phone');
    // Read on the phone: the desktop's bell hears it.
    await phone.getByRole('button', { name: 'Mark all read' }).click();
    await expect.poll(() => bell(ada).getAttribute('aria-label')).toBe('Notifications');
  });
});
