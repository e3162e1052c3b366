import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Deleting an account in a real browser: Settings in the top bar, the Delete account page (what happens, the
// password, the alias typed out), a refused wrong password, then the goodbye screen, signed out for good.
describe('deleting an account, in Chromium', { timeout: 60_000 }, () => {
  let bobToken: string;
  const suite = useBrowserSuite('e2e-delete', {
    setUp: async (server) => {
      const ada = await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      bobToken = await server.register('bob', { firstName: 'Bob', lastName: 'Builder', password: PASSWORD });
      await server.register('cleo', { firstName: 'Cleo', lastName: 'Patra', password: PASSWORD });
      await server.as(bobToken, { method: 'PUT', url: '/api/v1/me/followees/ada' });
      await server.as(ada, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'Hello from Ada' } });
      await server.drain();
    },
  });

  it('explains, refuses a wrong password, then deletes, signs out and says goodbye', async () => {
    const page = await suite.newPage();
    await suite.signIn(page, 'ada');
    await suite.openSettingsPage(page, 'Delete account');
    await page.getByText('Nobody can register @ada for 30 days.').waitFor();
    const button = page.getByRole('button', { name: 'Delete my account' });
    await page.getByLabel('Password').fill('not my password');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Type your alias (ada) to confirm').fill('@ad');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Type your alias (ada) to confirm').fill('@ada');
    expect(await button.isDisabled()).toBe(false);
    await suite.accessible(page, 'delete-account');
    await suite.shot(page, 'delete-account-desktop');

    await button.click();
    await page.getByText(/Failed to delete the account because of exception: the password is wrong/).waitFor();
    expect(page.url()).toMatch(/\/settings\/delete$/);
    expect((await suite.server.as(bobToken, { method: 'GET', url: '/api/v1/users/ada' })).statusCode).toBe(200);

    await page.getByLabel('Password').fill(PASSWORD);
    await button.click();
    await page.waitForURL('**/goodbye');
    await page.getByRole('heading', { name: 'Goodbye' }).waitFor();
    await suite.accessible(page, 'goodbye');
    await suite.shot(page, 'goodbye-desktop');

    // Signed out for good: the stored session is gone, and signing in again fails.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await page.goto('/feed');
    await page.waitForURL('**/login');
    await page.getByLabel('Alias').fill('ada');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByLabel('Password').press('Enter');
    await page.getByText(/Failed to log user in/).waitFor();

    // The others no longer see ada, and her status leaves bob's feed.
    expect((await suite.server.as(bobToken, { method: 'GET', url: '/api/v1/users/ada' })).statusCode).toBe(404);
    await suite.server.drain();
    const feed = await suite.server.as(bobToken, { method: 'GET', url: '/api/v1/me/feed' });
    expect(feed.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('fits a 360 px phone', async () => {
    const page = await suite.newPage(PHONE);
    await suite.signIn(page, 'cleo');
    await suite.openSettingsPage(page, 'Delete account');
    await suite.fitsPhone(page, 'delete-account-phone');
    await suite.shot(page, 'delete-account-phone');
  });
});
