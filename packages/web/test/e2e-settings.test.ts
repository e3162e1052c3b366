import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PASSWORD, PHONE, useBrowserSuite } from './e2e-suite.js';

// Settings in a real browser against the real server: edit the profile (the bio's mention and link become links on
// the profile), change the password (another signed-in browser is signed out), download my data.
const NEW_PASSWORD = 'staple battery horse';

describe('Settings in Chromium', { timeout: 60_000 }, () => {
  const suite = useBrowserSuite('e2e-settings', {
    context: { acceptDownloads: true },
    setUp: async (server) => {
      await server.register('ada', { firstName: 'Ada', lastName: 'Lovelace', password: PASSWORD });
      await server.register('charles', { firstName: 'Charles', lastName: 'Babbage', password: PASSWORD });
    },
  });

  let ada: Page;

  it('edits the profile from Settings; the bio shows on my profile with its mention and link as links', async () => {
    ada = await suite.newPage();
    await suite.signIn(ada, 'ada');
    await suite.openSettings(ada);
    const profile = ada.getByRole('form', { name: 'Profile' });
    await profile.getByLabel('First name').fill('Augusta Ada');
    await profile.getByLabel('Bio').fill('Notes on the engine with @charles: https://example.com/notes');
    await expect.poll(() => profile.getByText(/characters left/).textContent()).toBe('100 of 160 characters left');
    await suite.accessible(ada, 'settings');
    await suite.shot(ada, 'settings');
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
    const other = await suite.newPage();
    await suite.signIn(other, 'ada');
    const password = ada.getByRole('form', { name: 'Password' });
    await password.getByLabel('Current password').fill(PASSWORD);
    await password.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await password.getByLabel('Confirm new password').fill('not the same');
    await expect.poll(() => password.getByText('The new passwords do not match').isVisible()).toBe(true);
    await password.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await password.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => password.getByRole('status').textContent()).toMatch(/other session .* signed out/);
    await suite.shot(ada, 'settings-password');
    // The other browser is signed out without doing anything: its live connection closes with 4401.
    await other.waitForURL('**/login**');
    await expect.poll(() => other.getByLabel('Alias').isVisible()).toBe(true);
    // This one still works, and the new password signs in.
    await ada.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).click();
    await expect.poll(() => ada.url()).toMatch(/\/feed$/);
    const again = await suite.newPage();
    await suite.signIn(again, 'ada', NEW_PASSWORD);
  });

  it('downloads my data as one JSON file', async () => {
    await suite.openSettings(ada);
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
    const phone = await suite.newPage(PHONE);
    await suite.signIn(phone, 'charles');
    await suite.openSettings(phone);
    await suite.fitsPhone(phone, 'settings-phone');
    await suite.shot(phone, 'settings-phone', true);
  });
});
