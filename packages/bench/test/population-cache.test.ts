import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configFromEnvironment, countEmbeddedFeedRows, embeddedSearchIndexSize } from '@tweeter/server/tooling';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populateFromCache, populationCachePath, populationCacheRoot } from '../src/population-cache.js';
import { populateInto } from '../src/setup.js';

// The bench's population cache on a real populated file: built once per plan, copied into each run's DATA_DIR, never
// changed by what a run writes. The cache root follows the OS temp dir, pointed at a folder of this test's own.

const root = mkdtempSync(join(tmpdir(), 'tweeter-bench-cache-test-'));
const saved = process.env.TMPDIR;
beforeAll(() => {
  process.env.TMPDIR = root;
});
afterAll(() => {
  if (saved === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = saved;
  rmSync(root, { recursive: true, force: true });
});

const plan = {
  users: 30,
  celebrity: 'celebrity',
  followers: 0,
  followeesEach: 3,
  statusesEach: 2,
  password: 'password',
  seed: 3,
};

/** Statuses in the file (its search index holds every populated one) and its feed rows, read through the tooling. */
const statuses = (dir: string): number =>
  embeddedSearchIndexSize(configFromEnvironment({ DATA_DIR: dir }))?.statuses ?? -1;
const feedRows = (dir: string): number => countEmbeddedFeedRows(configFromEnvironment({ DATA_DIR: dir }));

describe('population cache', () => {
  it('is keyed by every field of the plan, under the OS temp dir', () => {
    expect(populationCacheRoot().startsWith(root)).toBe(true);
    expect(populationCachePath(plan)).toBe(populationCachePath({ ...plan }));
    expect(populationCachePath({ ...plan, seed: 4 })).not.toBe(populationCachePath(plan));
    expect(populationCachePath({ ...plan, statusesEach: 3 })).not.toBe(populationCachePath(plan));
  });

  it('populates once, then copies the same file into each run; a run changes only its copy', async () => {
    const logs: string[] = [];
    const first = mkdtempSync(join(root, 'run-'));
    await populateFromCache(first, plan, (l) => logs.push(l), populateInto);
    expect(logs.some((l) => l.startsWith('populated '))).toBe(true);
    expect(statuses(first)).toBe(60);
    // What a run writes stays in its own copy: a third round of statuses here leaves the cache at two.
    await populateInto(first, { ...plan, statusesEach: 3 }, () => undefined);
    expect(statuses(first)).toBe(90);

    logs.length = 0;
    const second = mkdtempSync(join(root, 'run-'));
    await populateFromCache(
      second,
      plan,
      (l) => logs.push(l),
      async () => {
        throw new Error('populated again');
      },
    );
    expect(logs).toEqual([expect.stringMatching(/^reusing the populated file in /)]);
    expect(statuses(second)).toBe(60);
    expect(feedRows(second)).toBe(feedRows(populationCachePath(plan)));
    expect(feedRows(second)).toBeGreaterThan(0);
  });

  it('keeps nothing from a population that failed', async () => {
    const other = { ...plan, seed: 9 };
    const dir = mkdtempSync(join(root, 'run-'));
    await expect(
      populateFromCache(
        dir,
        other,
        () => undefined,
        async () => {
          throw new Error('interrupted');
        },
      ),
    ).rejects.toThrow('interrupted');
    const again: string[] = [];
    await populateFromCache(mkdtempSync(join(root, 'run-')), other, (l) => again.push(l), populateInto);
    expect(again.some((l) => l.startsWith('populated '))).toBe(true);
  });
});
