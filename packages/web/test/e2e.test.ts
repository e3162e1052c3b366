import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, PNG_1PX, type TestApp } from '@tweeter/server/test-support';
import {
  buildWebApp,
  expectAccessible,
  expectNoHorizontalScroll,
  launchChromium,
  SCREENSHOTS,
  WEB_DIST,
  type AxeFinding,
} from './e2e-support.js';

// The whole app in a real browser against the real server (built app, temporary DATA_DIR).
// One story, in order: each step builds on the last, as a person would use it.
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 740 };
const PASSWORD = 'correct horse battery';

describe('Tweeter in Chromium', { timeout: 60_000 }, () => {
  let server: TestApp;
  let base: string;
  let browser: Browser;
  let tmp: string;
  const findings = new Map<string, AxeFinding[]>();
  const contexts: BrowserContext[] = [];
  const state: { statusId?: string; boardId?: string; firstScreenMs?: number; coldScreenMs?: number } = {};

  async function newPage(viewport = DESKTOP, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>) {
    const context = await browser.newContext({ viewport, baseURL: base, storageState, reducedMotion: 'reduce' });
    contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[e2e] page error: ${err.message}`));
    return page;
  }

  async function shot(page: Page, name: string) {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
  }

  async function signIn(page: Page, alias: string, remember = false) {
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(PASSWORD);
    if (remember) await page.getByLabel('Remember me').check();
    await page.getByLabel('Password').press('Enter');
  }

  beforeAll(async () => {
    buildWebApp();
    tmp = mkdtempSync(join(tmpdir(), 'tweeter-e2e-'));
    server = await createTestApp({ WEB_DIR: WEB_DIST });
    base = await server.listen();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    console.log('[e2e] axe findings:', JSON.stringify(Object.fromEntries(findings)));
    console.log(
      `[e2e] first screen (navigation start to sign-in form): first load ${state.coldScreenMs} ms, reload ${state.firstScreenMs} ms`,
    );
  });

  let ada: Page;
  let bob: Page;

  it('shows the sign-in screen first, quickly, and accessibly', async () => {
    const page = await newPage();
    // Navigation start to the sign-in form in the DOM, as the browser's own clock measured it.
    await page.addInitScript(() => {
      const w = window as unknown as { formAt?: number };
      new MutationObserver(() => {
        if (w.formAt === undefined && document.querySelector('form')) w.formAt = performance.now();
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('heading', { name: 'Please Sign In' }).waitFor();
    state.coldScreenMs = Math.round(await page.evaluate(() => (window as unknown as { formAt: number }).formAt));
    await page.reload(); // the second load: the server and browser warm, as for a returning visitor
    await page.getByRole('heading', { name: 'Please Sign In' }).waitFor();
    state.firstScreenMs = Math.round(await page.evaluate(() => (window as unknown as { formAt: number }).formAt));
    expect(state.firstScreenMs).toBeGreaterThan(0);
    const button = page.getByRole('button', { name: 'Sign in' });
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Alias').fill('someone');
    expect(await button.isDisabled()).toBe(true);
    await page.getByLabel('Password').fill('x');
    expect(await button.isDisabled()).toBe(false);
    await page.getByRole('link', { name: 'Register' }).waitFor();
    await expectAccessible(page, 'sign-in', findings);
    await page.getByLabel('Alias').fill('');
    await shot(page, 'sign-in-desktop');
  });

  it('registers two users, one with a picture', async () => {
    const picture = join(tmp, 'ada.png');
    writeFileSync(picture, PNG_1PX);
    ada = await newPage();
    await ada.goto('/register');
    await ada.getByRole('heading', { name: 'Please Register' }).waitFor();
    const register = ada.getByRole('button', { name: 'Register' });
    expect(await register.isDisabled()).toBe(true);
    await ada.getByLabel('First Name').fill('Ada');
    await ada.getByLabel('Last Name').fill('Lovelace');
    await ada.getByLabel('Alias').fill('ada');
    await ada.getByLabel('Password').fill(PASSWORD);
    await ada.getByLabel('Profile picture (optional)').setInputFiles(picture);
    await ada.getByAltText('Preview of your profile picture').waitFor();
    await expectAccessible(ada, 'register', findings);
    await register.click();
    await ada.waitForURL('**/feed');
    await ada.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await ada.getByAltText("Ada Lovelace's picture").first().waitFor();

    bob = await newPage();
    await bob.goto('/register');
    await bob.getByLabel('First Name').fill('Bob');
    await bob.getByLabel('Last Name').fill('Builder');
    await bob.getByLabel('Alias').fill('bob');
    await bob.getByLabel('Password').fill(PASSWORD);
    await bob.getByRole('button', { name: 'Register' }).click();
    await bob.waitForURL('**/feed');
    await bob.getByRole('heading', { name: 'Bob Builder' }).waitFor();
  });

  it('follows from the profile page', async () => {
    await bob.goto('/users/ada');
    await bob.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    await bob.getByRole('button', { name: 'Follow', exact: true }).click();
    await bob.getByRole('button', { name: 'Unfollow' }).waitFor();
    await bob.getByText('Followers: 1').waitFor();
    await bob.getByRole('link', { name: 'Back to my page' }).waitFor();
  });

  it('posts, shows the fan-out progress, and the post arrives live in the other browser', async () => {
    await bob.getByRole('link', { name: 'Feed', exact: true }).click();
    await bob.waitForURL('**/feed');
    await bob.getByText('Your feed is empty').waitFor();
    await ada.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor({ state: 'detached' });

    const box = ada.getByLabel("What's on your mind?");
    const post = ada.getByRole('button', { name: 'Post Status' });
    expect(await post.isDisabled()).toBe(true);
    expect(await ada.getByRole('button', { name: 'Clear' }).isDisabled()).toBe(true);
    await box.fill('Hello @bob, notes at https://example.com/notes.\nSecond line');
    await post.click();
    await ada.getByText('Status posted!').waitFor();
    expect(await box.inputValue()).toBe('');
    await ada.getByText('Delivered to all 1 follower.').waitFor();

    const banner = bob.getByRole('button', { name: '1 new post' });
    await banner.waitFor();
    await banner.click();
    const item = bob.getByRole('article', { name: 'Status by Ada Lovelace' }).first();
    await item.getByText('Second line', { exact: false }).waitFor();
    const text = await item.locator('.post-text').innerText();
    expect(text).toContain('\nSecond line');
    const link = item.getByRole('link', { name: 'https://example.com/notes' });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await expectAccessible(bob, 'feed', findings);
    await shot(bob, 'feed-desktop');
  });

  it('reacts, with the state kept on reload', async () => {
    const item = bob.getByRole('article', { name: 'Status by Ada Lovelace' }).first();
    await item.getByRole('button', { name: 'Like 0', exact: true }).click();
    await item.getByRole('button', { name: 'Like 1', exact: true }).waitFor();
    expect(await item.getByRole('button', { name: 'Like 1', exact: true }).getAttribute('aria-pressed')).toBe('true');
    // The author sees the count change live.
    await ada.goto('/users/ada');
    await ada
      .getByRole('article', { name: 'Status by Ada Lovelace' })
      .getByRole('button', { name: 'Like 1', exact: true })
      .waitFor();
    await bob.reload();
    const again = bob.getByRole('article', { name: 'Status by Ada Lovelace' }).first();
    expect(await again.getByRole('button', { name: 'Like 1', exact: true }).getAttribute('aria-pressed')).toBe('true');
  });

  it('a status its author deletes disappears from the other browser at once', async () => {
    await ada.getByLabel("What's on your mind?").fill('Oops, wrong window');
    await ada.getByRole('button', { name: 'Post Status' }).click();
    await ada.getByText('Status posted!').waitFor();
    await bob.getByRole('button', { name: '1 new post' }).click();
    const oops = bob.getByRole('article', { name: 'Status by Ada Lovelace' }).filter({ hasText: 'Oops, wrong window' });
    await oops.waitFor();
    await ada
      .getByRole('article', { name: 'Status by Ada Lovelace' })
      .filter({ hasText: 'Oops, wrong window' })
      .getByRole('link', { name: '0 comments' })
      .click();
    await ada.getByRole('button', { name: 'Delete status' }).click();
    await ada.waitForURL('**/users/ada');
    await oops.waitFor({ state: 'detached' });
  });

  it('comments on the status page, which survives a reload', async () => {
    await bob
      .getByRole('article', { name: 'Status by Ada Lovelace' })
      .getByRole('link', { name: '0 comments' })
      .click();
    await bob.waitForURL('**/statuses/*');
    state.statusId = bob.url().split('/').pop();
    await bob.getByLabel('Add a comment').fill('Nice notes!');
    await bob.getByRole('button', { name: 'Comment', exact: true }).click();
    await bob.getByRole('article', { name: 'Comment by Bob Builder' }).getByText('Nice notes!').waitFor();
    await bob.getByRole('link', { name: '1 comment' }).waitFor();
    await bob.reload();
    await bob.getByRole('article', { name: 'Comment by Bob Builder' }).waitFor();
    await expectAccessible(bob, 'status', findings);
    await shot(bob, 'status-desktop');
  });

  it('changes my picture on my own profile; it shows everywhere without a reload', async () => {
    await bob.evaluate(() => ((window as unknown as { sameDocument?: boolean }).sameDocument = true));
    await bob.getByRole('link', { name: 'Story' }).click();
    await bob.waitForURL('**/users/bob');
    await bob.getByRole('heading', { name: 'Bob Builder' }).waitFor();
    const input = bob.getByLabel('New profile picture');
    await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') });
    await bob.getByText('The picture must be a PNG, JPEG or WebP image').waitFor();
    expect(await bob.getByRole('button', { name: 'Upload picture' }).count()).toBe(0);
    const picture = join(tmp, 'bob.png');
    writeFileSync(picture, PNG_1PX);
    await input.setInputFiles(picture);
    await bob.getByAltText('Preview of your new profile picture').waitFor();
    await expectAccessible(bob, 'profile-own', findings);
    await bob.getByRole('button', { name: 'Upload picture' }).click();
    await bob.getByText('Profile picture updated!').waitFor();
    const panel = bob.getByRole('region', { name: 'User' });
    await panel.locator('img[alt="Bob Builder\'s picture"]').waitFor();
    // Re-encoded by the image pipeline since uploads arrived: JPEG, or WebP when it has transparency.
    expect(await panel.locator('img').first().getAttribute('src')).toMatch(/^\/media\/avatars\/bob-.+\.(jpg|webp)$/);
    // Back on the status page (in-app navigation), the comment shows the new picture too.
    await bob.goBack();
    await bob.waitForURL('**/statuses/*');
    await bob
      .getByRole('article', { name: 'Comment by Bob Builder' })
      .locator('img[alt="Bob Builder\'s picture"]')
      .waitFor();
    expect(await bob.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  });

  it('follows an @mention to its profile', async () => {
    await bob.getByRole('link', { name: '@bob' }).first().click();
    await bob.waitForURL('**/users/bob');
    await bob.getByRole('heading', { name: 'Bob Builder' }).waitFor();
  });

  it('unfollows', async () => {
    await bob.goto('/users/ada');
    await bob.getByRole('button', { name: 'Unfollow' }).click();
    await bob.getByRole('button', { name: 'Follow', exact: true }).waitFor();
    await bob.getByText('Followers: 0').waitFor();
    await expectAccessible(bob, 'profile', findings);
    await shot(ada, 'profile-desktop');
  });

  it('creates a board; a message arrives live in a second browser', async () => {
    await ada.getByRole('link', { name: 'Boards' }).click();
    await ada.getByLabel('Board name').fill('Engineering');
    await ada.getByLabel('Description (optional)').fill('Design reviews and stand-ups');
    await ada.getByRole('button', { name: 'Create board' }).click();
    await ada.waitForURL('**/boards/*');
    state.boardId = ada.url().split('/').pop();
    await ada.getByRole('heading', { name: 'Engineering' }).waitFor();

    await bob.goto(`/boards/${state.boardId}`);
    await bob.getByRole('button', { name: 'Join board' }).click();
    await bob.getByRole('button', { name: 'Leave board' }).waitFor();
    await bob.getByText('No messages yet.').waitFor();
    await bob.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor({ state: 'detached' });

    await ada.getByLabel('Message Engineering').fill('Stand-up at 10, bring questions');
    await ada.getByRole('button', { name: 'Send' }).click();
    await bob.getByRole('article', { name: 'Message by Ada Lovelace' }).getByText('Stand-up at 10').waitFor();
    await bob
      .getByRole('article', { name: 'Message by Ada Lovelace' })
      .getByRole('button', { name: 'Heart 0', exact: true })
      .click();
    await ada
      .getByRole('article', { name: 'Message by Ada Lovelace' })
      .getByRole('button', { name: 'Heart 1', exact: true })
      .waitFor();
    // The owner sees the new member live (member.updated, no reload) and makes them moderator; bob sees it live.
    await ada.getByLabel('Role of bob').selectOption('moderator');
    await ada.getByText('Bob Builder is now a moderator.').waitFor();
    await bob.getByText('you are moderator').waitFor();
    await expectAccessible(ada, 'board', findings);
    await shot(ada, 'board-desktop');
    await ada.getByRole('link', { name: 'Boards' }).click();
    await ada.getByRole('link', { name: /Engineering/ }).waitFor();
    await expectAccessible(ada, 'boards', findings);
  });

  it('lets the owner rename the board, set retention and read the audit log; others see no settings', async () => {
    await ada.goto(`/boards/${state.boardId}`);
    await ada.getByRole('link', { name: 'Board settings' }).click();
    await ada.waitForURL(`**/boards/${state.boardId}/settings`);
    await ada.getByRole('heading', { name: 'Board settings: Engineering' }).waitFor();
    const save = ada.getByRole('button', { name: 'Save settings' });
    expect(await save.isDisabled()).toBe(true);
    await ada.getByLabel('Board name').fill('Engineering team');
    await ada.getByLabel('Description').fill('Design reviews, stand-ups and release notes');
    await ada.getByLabel('Keep messages for (days)').fill('0');
    await ada.getByText('Keep messages for 1 to 3650 days, or leave it empty to keep them forever').waitFor();
    expect(await save.isDisabled()).toBe(true);
    await ada.getByLabel('Keep messages for (days)').fill('30');
    await save.click();
    await ada.getByText('Board settings saved.').waitFor();
    await ada.getByRole('heading', { name: 'Board settings: Engineering team' }).waitFor();
    const log = ada.getByRole('region', { name: 'Audit log entries' });
    await log.getByText('@ada changed how long messages are kept from forever to 30 days').waitFor();
    await log.getByText('@ada made @bob a moderator (was member)').waitFor();
    await expectAccessible(ada, 'board-settings', findings);
    await shot(ada, 'board-settings-desktop');
    await ada.getByRole('link', { name: 'Back to the board' }).click();
    await ada.getByRole('heading', { name: 'Engineering team' }).waitFor();
    await ada.getByText('Design reviews, stand-ups and release notes').waitFor();

    // A moderator is not the owner: no way in from the board, and the address alone shows no form.
    await bob.goto(`/boards/${state.boardId}`);
    await bob.getByRole('heading', { name: 'Engineering team' }).waitFor();
    await bob.getByRole('button', { name: 'Leave board' }).waitFor();
    expect(await bob.getByRole('link', { name: 'Board settings' }).count()).toBe(0);
    await bob.goto(`/boards/${state.boardId}/settings`);
    await bob.getByText("Only the board's owner can change its settings and read its audit log.").waitFor();
    expect(await bob.getByRole('button', { name: 'Save settings' }).count()).toBe(0);

    const phone = await newPage(PHONE);
    await phone.goto(`/boards/${state.boardId}/settings`);
    await signIn(phone, 'ada');
    await phone.getByRole('heading', { name: 'Board settings: Engineering team' }).waitFor();
    await phone.getByRole('region', { name: 'Audit log entries' }).getByText('@ada made @bob').waitFor();
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone, 'board-settings-phone', findings);
    await shot(phone, 'board-settings-phone');
  });

  it('keeps the screen on reload of a deep link, and sends a signed-out visitor to sign in and back', async () => {
    await bob.goto(`/statuses/${state.statusId}`);
    await bob.reload();
    await bob.getByRole('heading', { name: 'Status', exact: true }).waitFor();
    await bob.goBack();

    const visitor = await newPage();
    await visitor.goto(`/boards/${state.boardId}`);
    await visitor.waitForURL(/\/login\?next=/);
    await signIn(visitor, 'bob');
    await visitor.waitForURL(`**/boards/${state.boardId}`);
    await visitor.getByRole('heading', { name: 'Engineering' }).waitFor();
  });

  it('logs out and back in; "Remember me" keeps the session across a browser restart', async () => {
    await ada.getByRole('button', { name: 'Logout' }).click();
    await ada.waitForURL('**/login');
    await signIn(ada, 'ada', true);
    await ada.waitForURL('**/feed');
    const remembered = await newPage(DESKTOP, await ada.context().storageState());
    await remembered.goto('/feed');
    await remembered.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();

    // Without "Remember me" the session ends with the browser.
    await bob.getByRole('button', { name: 'Logout' }).click();
    await bob.waitForURL('**/login');
    await signIn(bob, 'bob', false);
    await bob.waitForURL('**/feed');
    const forgotten = await newPage(DESKTOP, await bob.context().storageState());
    await forgotten.goto('/feed');
    await forgotten.waitForURL('**/login');
  });

  it('works at 360 px wide', async () => {
    const phone = await newPage(PHONE);
    await phone.goto('/login');
    await phone.getByRole('heading', { name: 'Please Sign In' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await shot(phone, 'sign-in-phone');
    await signIn(phone, 'bob');
    await phone.waitForURL('**/feed');
    await phone.getByRole('heading', { name: 'Bob Builder' }).waitFor();
    await phone.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Feed' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone, 'feed-phone', findings);
    await shot(phone, 'feed-phone');
    await phone.goto('/users/ada');
    await phone.getByRole('article', { name: 'Status by Ada Lovelace' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await shot(phone, 'profile-phone');
    await phone.goto(`/statuses/${state.statusId}`);
    await phone.getByRole('article', { name: 'Comment by Bob Builder' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await shot(phone, 'status-phone');
    await phone.goto(`/boards/${state.boardId}`);
    await phone.getByRole('article', { name: 'Message by Ada Lovelace' }).waitFor();
    await expectNoHorizontalScroll(phone);
    await expectAccessible(phone, 'board-phone', findings);
    await shot(phone, 'board-phone');
  });
});
