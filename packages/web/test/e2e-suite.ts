import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createTestApp, type TestApp } from '@tweeter/server/test-support';
import {
  buildWebApp,
  expectAccessible,
  expectNoHorizontalScroll,
  launchChromium,
  SCREENSHOTS,
  type AxeFinding,
} from './e2e-support.js';

export const DESKTOP = { width: 1280, height: 860 } as const;
export const PHONE = { width: 360, height: 740 } as const;
export const PASSWORD = 'correct horse battery';

type Viewport = { width: number; height: number };

export interface SuiteOptions {
  /** Extra server settings (e.g. CARD_FETCH_ALLOW_LOOPBACK for the link-card test). */
  env?: Record<string, string>;
  /** Runs once the server listens and before the browser starts: register people, post, follow. */
  setUp?: (server: TestApp, base: string) => Promise<void>;
  /** Runs after the browser and server have closed (stop the test's own servers, remove its files). */
  tearDown?: () => Promise<void> | void;
  /** Options of every browser context (e.g. `acceptDownloads`). */
  context?: BrowserContextOptions;
}

/**
 * One browser suite's set-up, shared by the end-to-end files: the web app built into its own folder, the real server
 * on a random loopback port, Debian's Chromium, contexts closed and axe findings printed at the end. Call it inside
 * `describe`; it registers the suite's `beforeAll`/`afterAll`.
 */
export class BrowserSuite {
  private app: TestApp | undefined;
  private url = '';
  private chromium: Browser | undefined;
  private outDir = '';
  private readonly contexts: BrowserContext[] = [];
  readonly findings = new Map<string, AxeFinding[]>();

  constructor(
    readonly name: string,
    private readonly options: SuiteOptions = {},
  ) {}

  get server(): TestApp {
    if (!this.app) throw new Error(`${this.name}: the server starts in beforeAll`);
    return this.app;
  }

  get base(): string {
    return this.url;
  }

  get browser(): Browser {
    if (!this.chromium) throw new Error(`${this.name}: the browser starts in beforeAll`);
    return this.chromium;
  }

  async start(): Promise<void> {
    this.outDir = mkdtempSync(join(tmpdir(), `tweeter-${this.name}-`));
    buildWebApp(this.outDir);
    this.app = await createTestApp({ WEB_DIR: this.outDir, ...this.options.env });
    this.url = await this.app.listen();
    await this.options.setUp?.(this.app, this.url);
    this.chromium = await launchChromium();
  }

  async stop(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    await this.chromium?.close();
    await this.app?.close();
    if (this.outDir) rmSync(this.outDir, { recursive: true, force: true });
    await this.options.tearDown?.();
    console.log(`[${this.name}] axe findings:`, JSON.stringify(Object.fromEntries(this.findings)));
  }

  /** A fresh context (its own cookies and storage) and page; closed when the suite ends. */
  async newPage(viewport: Viewport = DESKTOP): Promise<Page> {
    const context = await this.browser.newContext({
      viewport,
      baseURL: this.url,
      reducedMotion: 'reduce',
      ...this.options.context,
    });
    this.contexts.push(context);
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => console.log(`[${this.name}] page error: ${err.message}`));
    return page;
  }

  /** Signs in through the sign-in form, as a person would, and waits for the feed. */
  async signIn(page: Page, alias: string, password = PASSWORD): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Alias').fill(alias);
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Password').press('Enter');
    await page.waitForURL('**/feed');
  }

  /** A new page signed in as `alias`. */
  async signedIn(alias: string, viewport: Viewport = DESKTOP, password = PASSWORD): Promise<Page> {
    const page = await this.newPage(viewport);
    await this.signIn(page, alias, password);
    return page;
  }

  /** Settings, reached from the top bar. */
  async openSettings(page: Page): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Settings' }).isVisible()).toBe(true);
  }

  /** A page of Settings, reached from the top bar and then Settings' own list of links. */
  async openSettingsPage(page: Page, link: string): Promise<void> {
    await this.openSettings(page);
    await page.getByRole('navigation', { name: 'More settings' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { name: link }).first().waitFor();
  }

  /** Fails on serious or critical axe findings; keeps every finding for the suite's report. */
  accessible(page: Page, screen: string): Promise<void> {
    return expectAccessible(page, screen, this.findings);
  }

  /** Accessible and no wider than a 360 px phone. */
  async fitsPhone(page: Page, screen: string): Promise<void> {
    await expectNoHorizontalScroll(page);
    await this.accessible(page, screen);
  }

  /** A screenshot into the run's screenshot folder (docs/screenshots with TWEETER_SCREENSHOTS=docs). */
  async shot(page: Page, name: string, fullPage = false): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
  }
}

/** Registers the suite's set-up and tear-down in the enclosing `describe` and returns it. */
export function useBrowserSuite(name: string, options: SuiteOptions = {}): BrowserSuite {
  const suite = new BrowserSuite(name, options);
  beforeAll(() => suite.start(), 120_000);
  afterAll(() => suite.stop());
  return suite;
}
