import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const WEB_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = fileURLToPath(new URL('../dist', import.meta.url));
/**
 * Where the end-to-end run writes its screenshots: a folder git ignores, so `npm test` leaves the tree as it was;
 * with TWEETER_SCREENSHOTS=docs (`npm run screenshots`), docs/screenshots, the pictures the README shows.
 */
export const SCREENSHOTS = screenshotsDir(process.env.TWEETER_SCREENSHOTS);

function screenshotsDir(setting: string | undefined): string {
  if (setting === 'docs') return fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
  if (setting !== undefined && setting !== '') {
    throw new Error(`TWEETER_SCREENSHOTS=${setting}: the one value is docs (write into docs/screenshots)`);
  }
  const dir = fileURLToPath(new URL('../../../node_modules/.cache/tweeter/screenshots/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Builds the web app as `npm start` does, so the browser runs the code under test. Each e2e file builds into its
 * own `outDir` (vitest runs files in parallel; two builds into one folder would trip over each other).
 */
export function buildWebApp(outDir: string = WEB_DIST): void {
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
    cwd: WEB_ROOT,
    stdio: 'inherit',
    // vitest sets NODE_ENV=test, which would give React's development build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-sandbox',
    ],
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** Runs axe-core on the page; returns every violation (the caller decides which impacts fail). */
export async function axe(page: Page): Promise<AxeFinding[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run(): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[] }> };
    };
    const r = await w.axe.run();
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  });
}

/** Fails on serious or critical violations; returns all findings for the report. */
export async function expectAccessible(page: Page, screen: string, findings: Map<string, AxeFinding[]>) {
  const found = await axe(page);
  findings.set(screen, found);
  const bad = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad, `${screen}: ${JSON.stringify(bad)}`).toEqual([]);
}

/** The page is no wider than the viewport (no sideways scrolling at 360 px). */
export async function expectNoHorizontalScroll(page: Page) {
  const { scroll, width } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
  }));
  expect(scroll).toBeLessThanOrEqual(width);
}
