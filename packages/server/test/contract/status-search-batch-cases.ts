import { parseSegments } from '@tweeter/shared';
import { expect, it } from 'vitest';
import { newId } from '../../src/domain/ids.js';
import { IndexStatusProcessor } from '../../src/jobs/index-status.js';
import { hourOf } from '../../src/ports/status-search.js';
import type { Store } from '../../src/ports/store.js';
import { all, indexed, T0, type SearchContractHarness } from './status-search-fixtures.js';

/**
 * The status search contract's cases for a receive's index.status jobs written at once (`indexMany`) and for a delete
 * racing the job; run inside runStatusSearchContract, so on SQLite and on dynalite. `get` gives the case's harness.
 */
export function runIndexBatchCases(get: () => SearchContractHarness): void {
  it('indexMany indexes a batch once (counted once); where it checks, a status not in the store stays out', async () => {
    const { store } = get();
    await store.users.createMany([
      {
        alias: 'cat',
        firstName: 'Cat',
        lastName: 'C',
        passwordHash: 'x',
        imageKey: null,
        createdAt: T0,
        followerCount: 0,
        followeeCount: 0,
      },
    ]);
    const [a, b, missing] = [newId(T0), newId(T0 + 1), newId(T0 + 2)];
    for (const [id, text] of [
      [a, 'many one #Many'],
      [b, 'many two #Many'],
    ] as const) {
      await store.statuses.create(
        { id, author: 'cat', post: text, segments: parseSegments(text), createdAt: T0 },
        { audience: 0 },
      );
    }
    const batch = [
      indexed(a, 'cat', 'many one #Many', T0),
      indexed(b, 'cat', 'many two #Many', T0),
      indexed(missing, 'cat', 'many three #Many', T0),
    ];
    const { checked } = await get().store.search.indexMany(batch);
    await get().store.search.indexMany(batch); // at least once: a repeat changes nothing
    expect(await all(get().store.search, 'many')).toEqual(checked ? [b, a] : [missing, b, a]);
    const hour = hourOf(T0);
    expect(await get().store.search.trends({ from: hour, to: hour }, 10)).toEqual([
      { tag: 'many', statuses: checked ? 2 : 3, accounts: 1 },
    ]);
  });

  it("a status deleted between the job's read and its write ends out of the index", async () => {
    const { store } = get();
    await store.users.createMany([
      {
        alias: 'dan',
        firstName: 'Dan',
        lastName: 'D',
        passwordHash: 'x',
        imageKey: null,
        createdAt: T0,
        followerCount: 0,
        followeeCount: 0,
      },
    ]);
    const id = newId(T0);
    const text = 'raced away';
    await store.statuses.create(
      { id, author: 'dan', post: text, segments: parseSegments(text), createdAt: T0 },
      { audience: 0 },
    );
    // The delete (and its own index.status job, which finds nothing to remove yet) lands right after the job's
    // first read of the status.
    let raced = false;
    const statuses = Object.create(store.statuses) as Store['statuses'];
    statuses.get = async (statusId) => {
      const found = await store.statuses.get(statusId);
      if (!raced) {
        raced = true;
        await store.statuses.delete(statusId);
        await get().store.search.remove(statusId);
      }
      return found;
    };
    const job = new IndexStatusProcessor({ statuses, search: get().store.search });
    const outcomes = await job.performBatch([
      {
        id: 'r1',
        name: 'index.status',
        payload: { statusId: id, author: 'dan' },
        attempts: 1,
        enqueuedAt: T0,
        receipt: 'r',
      },
    ]);
    expect(outcomes).toEqual([{ ok: true }]);
    expect(raced).toBe(true);
    expect(await all(get().store.search, 'raced')).toEqual([]);
  });
}
