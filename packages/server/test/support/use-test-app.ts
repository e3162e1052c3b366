import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createTestApp, type TestApp, type TestAppOverrides } from './test-app.js';

/** What createTestApp is given: the settings over TEST_ENV, and the context overrides. */
export interface TestAppSetup {
  env?: Record<string, string>;
  overrides?: TestAppOverrides;
}

/**
 * The test app of this file (or of the describe block it is called in): started before its tests and closed after
 * them, or with `per: 'test'` started afresh before each test and closed after it. `setup` may be a function, called
 * for every start (for overrides made anew each time, e.g. a recording live transport). The handle stands for the
 * app running now; use it inside tests and hooks. Hooks the file registers after this one run after the start, and
 * their after-hooks before the close (vitest runs after-hooks last-registered first).
 */
export function useTestApp(
  setup: TestAppSetup | (() => TestAppSetup) = {},
  options: { per?: 'suite' | 'test' } = {},
): TestApp {
  let current: TestApp | undefined;
  const start = async () => {
    const { env = {}, overrides = {} } = typeof setup === 'function' ? setup() : setup;
    current = await createTestApp(env, overrides);
  };
  const stop = async () => {
    await current?.close();
    current = undefined;
  };
  if (options.per === 'test') {
    beforeEach(start);
    afterEach(stop);
  } else {
    beforeAll(start);
    afterAll(stop);
  }
  return handle(() => current ?? fail('the test app runs only inside tests and their hooks'));
}

/** Test apps a test starts itself, and what else it opens, closed after that test. */
export interface TestApps {
  /** createTestApp, closed after this test. */
  start(env?: Record<string, string>, overrides?: TestAppOverrides): Promise<TestApp>;
  /** A new temporary folder, removed after this test (after the apps started since, which may use it). */
  tempDir(prefix: string): string;
  /** Runs `close` after this test; apps and deferred closes run last-first. */
  defer(close: () => unknown): void;
}

/** See TestApps: for tests that start apps with settings of their own, or several in one test. */
export function useTestApps(): TestApps {
  const closes: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closes.splice(0).reverse()) await close();
  });
  return {
    async start(env = {}, overrides = {}) {
      const app = await createTestApp(env, overrides);
      closes.push(() => app.close());
      return app;
    },
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      closes.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
    defer(close) {
      closes.push(close);
    },
  };
}

/** A TestApp that forwards every member to the app `current` returns when it is read. */
function handle(current: () => TestApp): TestApp {
  return new Proxy({} as TestApp, {
    get(_target, key) {
      // Not a promise: `await` and vitest look for `then`, also before the app exists.
      if (key === 'then') return undefined;
      const app = current();
      const value: unknown = Reflect.get(app, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(app) : value;
    },
  });
}

function fail(message: string): never {
  throw new Error(message);
}
