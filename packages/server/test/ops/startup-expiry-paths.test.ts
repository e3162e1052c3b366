import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** The built modules, as `tweeter serve` runs them (bin/tweeter.js loads dist), in a child process of their own. */
const BUILT = new URL('../../dist/runtimes/node/startup-expiry-paths.js', import.meta.url).href;
const PULLED = new URL('../../dist/adapters/pulled-accounts-cache.js', import.meta.url).href;
const LRU = import.meta.resolve('lru-cache');

/**
 * A fresh node, as start-up leaves it (after the expiry paths were run, or not), then the traffic's order: the caches
 * filled by the first page, their hits until V8 optimizes them, then the first expiry. The deoptimizations V8 reports
 * after that point (`--trace-deopt`), by function.
 */
function deoptsAtFirstExpiry(exercise: boolean): { deopts: string[]; found: number; read: number } {
  const script = `
    const { LRUCache } = await import(${JSON.stringify(LRU)});
    const { cachePulled } = await import(${JSON.stringify(PULLED)});
    const { exerciseCacheExpiryPaths } = await import(${JSON.stringify(BUILT)});
    if (${exercise}) await exerciseCacheExpiryPaths();
    // The session cache's options (SessionService) and the pulled registry's wrapper (open-sqlite.ts).
    const sessions = new LRUCache({ max: 10_000, ttl: 10_000 });
    let now = 1_000;
    class Repo { async pulledAccounts() { return new Map([['celebrity', '1']]); } async markPulled() {} }
    const users = cachePulled(new Repo(), () => now, 10_000);
    const tokens = Array.from({ length: 64 }, (_, i) => 'token ' + i);
    for (const t of tokens) sessions.set(t, { alias: t, expiresAt: 0 });
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 200_000; i++) sessions.get(tokens[i % 64]);
      for (let i = 0; i < 50_000; i++) await users.pulledAccounts();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    process.stdout.write('-- first expiry\\n');
    for (const t of tokens) sessions.set(t, { alias: t, expiresAt: 0 }, { ttl: 1, start: performance.now() - 1_000 });
    let found = 0;
    for (const t of tokens) if (sessions.get(t) !== undefined) found++;
    now += 20_000;
    const read = await Promise.all(tokens.map(() => users.pulledAccounts()));
    process.stdout.write(JSON.stringify({ found, read: read.length }) + '\\n');
  `;
  const child = spawnSync(process.execPath, ['--trace-deopt', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(child.stderr).toBe('');
  const after = child.stdout.split('-- first expiry\n')[1] ?? '';
  const lines = after.split('\n');
  const result = JSON.parse(lines.find((l) => l.startsWith('{')) ?? '{}') as { found: number; read: number };
  const deopts = lines.filter((l) => l.startsWith('[bailout')).map((l) => /<JSFunction ([^ >]+)/.exec(l)?.[1] ?? l);
  return { deopts, ...result };
}

describe('exerciseCacheExpiryPaths', () => {
  it("leaves the caches' first expiry under traffic an ordinary branch of optimized code", () => {
    const { deopts, found, read } = deoptsAtFirstExpiry(true);
    // The 64 stale sessions are misses (read from the store again), the registry read again for 64 callers.
    expect(found).toBe(0);
    expect(read).toBe(64);
    // Without the start-up step, lru-cache's `get` (and its inner get), the registry's `accounts` and its
    // `pulledAccounts` were deoptimized here ("insufficient type feedback").
    expect(deopts).toEqual([]);
  }, 30_000);
});
