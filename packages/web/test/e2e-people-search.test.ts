import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// People search and who to follow in a real browser against the real server: the top bar's search box, the People
// tab, a person's profile and Follow; a new account's empty feed offering people to follow (desktop and 360 px).

describe('people search and who to follow in Chromium', { timeout: 60_000 }, () => {
  const tokens = new Map<string, string>();
  const suite = useBrowserSuite('e2e-people-search', {
    setUp: async (server) => {
      const people: [string, string, string][] = [
        ['ada', 'Ada', 'Lovelace'],
        ['zoe', 'Zoë', 'Ångström'],
        ['zoe_park', 'Zoe', 'Park'],
        ['noor', 'Noor', 'Zoellner'],
        ['grace', 'Grace', 'Hopper'],
      ];
      for (const [alias, firstName, lastName] of people) {
        tokens.set(alias, await server.register(alias, { firstName, lastName, password: PASSWORD }));
      }
      const as = (alias: string) => tokens.get(alias) ?? '';
      // grace follows noor and zoe: noor gets a follower (ranked above the other name match), and a new account
      // following grace later is offered them.
      for (const [who, whom] of [
        ['grace', 'noor'],
        ['grace', 'zoe'],
        ['ada', 'grace'],
      ] as const) {
        expect((await server.as(as(who), { method: 'PUT', url: `/api/v1/me/followees/${whom}` })).statusCode).toBe(200);
      }
      for (const [who, post] of [
        ['zoe', 'Hej! Measuring light today.'],
        ['grace', 'Found a moth in the relay.'],
        ['noor', 'Reading about compilers.'],
      ] as const) {
        const res = await server.as(as(who), { method: 'POST', url: '/api/v1/statuses', payload: { post } });
        expect(res.statusCode).toBe(201);
      }
      await server.drain();
    },
  });
  const main = (page: Page) => page.getByRole('main');

  it('finds people from the top-bar search box, opens a profile and follows', async () => {
    const ada = await suite.signedIn('ada');
    await ada.getByRole('searchbox', { name: 'Search people and statuses' }).fill('zoe');
    await ada.getByRole('searchbox', { name: 'Search people and statuses' }).press('Enter');
    await ada.waitForURL('**/search?q=zoe&type=people');
    await expect.poll(() => ada.getByRole('tab', { name: 'People' }).getAttribute('aria-selected')).toBe('true');
    const results = main(ada).getByRole('region', { name: 'People' });
    // Exact alias, alias prefix, then names by followers (noor has one, zoe_park's name matched nothing better).
    await expect.poll(() => results.locator('.alias').allTextContents()).toEqual(['@zoe', '@zoe_park', '@noor']);
    await suite.accessible(ada, 'search-people');
    await suite.shot(ada, 'search-people-desktop');

    // The Statuses tab is there, and keyboard arrows move between the tabs.
    await ada.getByRole('tab', { name: 'People' }).press('ArrowRight');
    await ada.waitForURL('**/search?q=zoe&type=statuses');
    await ada.getByRole('tab', { name: 'Statuses' }).press('ArrowLeft');
    await ada.waitForURL('**/search?q=zoe&type=people');

    await results.getByRole('link', { name: /Zoë Ångström/ }).click();
    await ada.waitForURL('**/users/zoe');
    await main(ada).getByRole('button', { name: 'Follow', exact: true }).click();
    await expect.poll(() => main(ada).getByRole('button', { name: 'Unfollow', exact: true }).count()).toBe(1);
    const followers = await suite.server.as(tokens.get('ada') ?? '', {
      method: 'GET',
      url: '/api/v1/users/zoe/followers',
    });
    expect((followers.json() as { items: { alias: string }[] }).items.map((u) => u.alias)).toContain('ada');
  });

  it('offers people to follow on a new account’s empty feed, and follows from there (360 px)', async () => {
    await suite.server.register('newbie', { firstName: 'New', lastName: 'Comer', password: PASSWORD });
    await suite.server.drain();
    const phone = await suite.signedIn('newbie', PHONE);
    const offer = main(phone).getByRole('region', { name: 'Find people to follow' });
    // Active accounts followed by many (they posted lately); never me.
    await expect
      .poll(async () => (await offer.locator('.alias').allTextContents()).sort())
      .toEqual(['@grace', '@noor', '@zoe']);
    await offer.scrollIntoViewIfNeeded();
    await suite.fitsPhone(phone, 'empty-feed-who-to-follow-phone');
    await suite.shot(phone, 'who-to-follow-empty-feed-phone');
    await offer.getByRole('button', { name: 'Follow @grace' }).click();
    await expect.poll(() => offer.getByRole('button', { name: 'Unfollow @grace' }).count()).toBe(1);

    // Beside a feed with statuses (desktop): who to follow, first those followed by the people I follow (grace
    // follows noor and zoe).
    await suite.server.drain();
    const desk = await suite.signedIn('newbie');
    const aside = desk.getByRole('complementary', { name: 'Who to follow' });
    await expect.poll(() => desk.getByRole('region', { name: 'Feed' }).getByText('moth in the relay').count()).toBe(1);
    await expect.poll(async () => (await aside.locator('.alias').allTextContents()).sort()).toEqual(['@noor', '@zoe']);
    await suite.accessible(desk, 'feed-who-to-follow');
    await suite.shot(desk, 'who-to-follow-feed-desktop');
  });
});
