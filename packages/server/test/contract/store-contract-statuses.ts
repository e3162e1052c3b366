import { describe, expect } from 'vitest';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../src/domain/idempotency.js';
import type { StatusRecord } from '../../src/ports/store.js';
import { T0, sid, status, job, type CoreContractHooks } from './store-fixtures.js';

/** The Store contract for statuses: create (idempotency keys, delivery record, outbox), reads, delete. */
export function runStatusesContract(hooks: CoreContractHooks): void {
  const { test, expectJobs, store } = hooks;
  describe('statuses', () => {
    test('create then get round-trips the record, segments included', async () => {
      const s: StatusRecord = {
        id: sid(1),
        author: 'ann',
        post: 'hi @bob see https://x.io',
        segments: [
          { type: 'text', text: 'hi ', start: 0, end: 3 },
          { type: 'mention', text: '@bob', start: 3, end: 7, alias: 'bob' },
          { type: 'text', text: ' see ', start: 7, end: 12 },
          { type: 'url', text: 'https://x.io', start: 12, end: 24 },
        ],
        createdAt: T0,
      };
      expect(await store.statuses.create(s, { audience: 0 })).toEqual({ status: s, created: true });
      expect(await store.statuses.get(s.id)).toEqual(s);
      expect(await store.statuses.get(sid(2))).toBeNull();
    });

    test('create writes a queued delivery record with the given audience', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 42 });
      expect(await store.deliveries.get(sid(1))).toEqual({
        statusId: sid(1),
        author: 'ann',
        state: 'queued',
        audience: 42,
        delivered: 0,
        planned: 0,
        cursor: null,
        planDone: false,
        createdAt: T0 + 1,
        finishedAt: null,
      });
    });

    test('create with an outbox enqueues its jobs', async (ctx) => {
      const plan = job('fanout.plan', { statusId: sid(1), author: 'ann' });
      await store.statuses.create(status(1, 'ann'), { audience: 0, outbox: [plan, job('other', { n: 1 })] });
      await expectJobs(ctx, [plan, job('other', { n: 1 })]);
    });

    test('a reused idempotency key returns the first status and writes nothing, outbox included', async (ctx) => {
      const first = status(1, 'ann', 'first');
      const plan1 = job('fanout.plan', { statusId: sid(1), author: 'ann' });
      expect(await store.statuses.create(first, { idempotencyKey: 'k1', audience: 3, outbox: [plan1] })).toEqual({
        status: first,
        created: true,
      });
      const again = await store.statuses.create(status(2, 'ann', 'second'), {
        idempotencyKey: 'k1',
        audience: 9,
        outbox: [job('fanout.plan', { statusId: sid(2), author: 'ann' })],
      });
      expect(again).toEqual({ status: first, created: false });
      expect(await store.statuses.get(sid(2))).toBeNull();
      expect(await store.deliveries.get(sid(2))).toBeNull();
      expect((await store.deliveries.get(sid(1)))?.audience).toBe(3);
      expect(await store.statuses.byAuthor('ann', { limit: 10 })).toEqual([first]);
      await expectJobs(ctx, [plan1]);
    });

    test('idempotency keys belong to one author; creates without a key never collide', async () => {
      expect((await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 })).created).toBe(true);
      expect((await store.statuses.create(status(2, 'bob'), { idempotencyKey: 'k', audience: 0 })).created).toBe(true);
      expect((await store.statuses.create(status(3, 'ann'), { audience: 0 })).created).toBe(true);
      expect((await store.statuses.create(status(4, 'ann'), { audience: 0 })).created).toBe(true);
      expect((await store.statuses.getMany([sid(1), sid(2), sid(3), sid(4)])).size).toBe(4);
    });

    test('getMany returns the statuses found, keyed by id', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.statuses.create(status(2, 'bob'), { audience: 0 });
      const found = await store.statuses.getMany([sid(2), sid(9), sid(1), sid(2)]);
      expect([...found.keys()].sort()).toEqual([sid(1), sid(2)]);
      expect(found.get(sid(2))).toEqual(status(2, 'bob'));
      expect((await store.statuses.getMany([])).size).toBe(0);
    });

    test('byAuthor lists newest first and pages with an exclusive before', async () => {
      for (const n of [3, 1, 5, 2, 4]) await store.statuses.create(status(n, 'ann'), { audience: 0 });
      await store.statuses.create(status(6, 'bob'), { audience: 0 });
      const ids = async (range: { before?: string; limit: number }): Promise<string[]> =>
        (await store.statuses.byAuthor('ann', range)).map((s) => s.id);
      expect(await ids({ limit: 10 })).toEqual([sid(5), sid(4), sid(3), sid(2), sid(1)]);
      expect(await ids({ limit: 2 })).toEqual([sid(5), sid(4)]);
      expect(await ids({ before: sid(4), limit: 2 })).toEqual([sid(3), sid(2)]);
      expect(await ids({ before: sid(2), limit: 2 })).toEqual([sid(1)]);
      expect(await ids({ before: sid(1), limit: 2 })).toEqual([]);
      expect(await store.statuses.byAuthor('nobody', { limit: 2 })).toEqual([]);
    });

    test('delete removes the status and its delivery record; a second delete returns false', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      await store.statuses.create(status(2, 'ann'), { audience: 0 });
      expect(await store.statuses.delete(sid(1))).toBe(true);
      expect(await store.statuses.get(sid(1))).toBeNull();
      expect(await store.deliveries.get(sid(1))).toBeNull();
      expect((await store.statuses.getMany([sid(1), sid(2)])).size).toBe(1);
      expect((await store.statuses.byAuthor('ann', { limit: 10 })).map((s) => s.id)).toEqual([sid(2)]);
      expect(await store.statuses.delete(sid(1))).toBe(false);
    });

    test('a deleted status no longer answers to its idempotency key', async () => {
      await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 });
      await store.statuses.delete(sid(1));
      expect(await store.statuses.create(status(2, 'ann'), { idempotencyKey: 'k', audience: 0 })).toEqual({
        status: status(2, 'ann'),
        created: true,
      });
    });

    test('an idempotency key older than its lifetime counts as unused', async () => {
      await store.statuses.create(status(1, 'ann'), { idempotencyKey: 'k', audience: 0 });
      const later = { ...status(2, 'ann'), createdAt: T0 + 1 + IDEMPOTENCY_KEY_TTL_MS };
      expect(await store.statuses.create(later, { idempotencyKey: 'k', audience: 0 })).toEqual({
        status: later,
        created: true,
      });
      const again = { ...status(3, 'ann'), createdAt: later.createdAt + 1 };
      expect((await store.statuses.create(again, { idempotencyKey: 'k', audience: 0 })).status).toEqual(later);
    });

    test('deleteExpiredKeys removes at most limit keys, oldest first, and never a status', async () => {
      for (const n of [1, 2, 3]) {
        await store.statuses.create(status(n, 'ann'), { idempotencyKey: `k${n}`, audience: 0 });
      }
      expect(await store.statuses.deleteExpiredKeys(T0 + 2, 1)).toBe(1);
      expect(await store.statuses.deleteExpiredKeys(T0 + 2, 10)).toBe(1);
      expect(await store.statuses.deleteExpiredKeys(T0 + 2, 10)).toBe(0);
      expect((await store.statuses.getMany([sid(1), sid(2), sid(3)])).size).toBe(3);
      expect((await store.statuses.create(status(4, 'ann'), { idempotencyKey: 'k1', audience: 0 })).created).toBe(true);
      expect((await store.statuses.create(status(5, 'ann'), { idempotencyKey: 'k3', audience: 0 })).created).toBe(
        false,
      );
    });

    test('delete with an outbox enqueues its jobs; deleting a missing status enqueues none', async (ctx) => {
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      const retract = job('status.retract', { statusId: sid(1), author: 'ann' });
      expect(await store.statuses.delete(sid(1), { outbox: [retract] })).toBe(true);
      expect(await store.statuses.delete(sid(1), { outbox: [retract] })).toBe(false);
      await expectJobs(ctx, [retract]);
    });
  });
}
