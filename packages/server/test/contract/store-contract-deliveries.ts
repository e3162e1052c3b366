import { describe, expect } from 'vitest';
import { T0, sid, status, entries, job, type CoreContractHooks } from './store-fixtures.js';

/** The Store contract for deliveries: a fan-out's record from queued to done, and the pages and ranges it writes. */
export function runDeliveriesContract(hooks: CoreContractHooks): void {
  const { test, expectJobs, options, store } = hooks;
  describe('deliveries', () => {
    const id = sid(1);
    const ann = { statusId: id, author: 'ann' };

    /** `names` follow ann. */
    async function fans(...names: string[]): Promise<void> {
      await store.follows.addMany(
        names.map((follower) => ({ follower, followee: 'ann' })),
        T0,
      );
    }

    async function feedOf(owner: string): Promise<string[]> {
      return (await store.feeds.page(owner, { limit: 5 })).map((e) => e.statusId);
    }

    test('get of an unknown status returns null', async () => {
      expect(await store.deliveries.get(id)).toBeNull();
    });

    test('goes queued → running → done as pages are planned and delivered', async () => {
      await fans('amy', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 3 });
      expect((await store.deliveries.get(id))?.state).toBe('queued');
      expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(true);
      expect(await store.deliveries.get(id)).toMatchObject({ state: 'running', planned: 2, cursor: 'bob' });
      const first = { now: T0 + 10, page: { key: 'bob', count: 2 } };
      expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], first)).toBe(2);
      expect(await store.deliveries.get(id)).toMatchObject({ state: 'running', delivered: 2, planDone: false });
      expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'cat', count: 1, last: true })).toBe(true);
      expect(await store.deliveries.get(id)).toMatchObject({
        state: 'running',
        planned: 3,
        audience: 3,
        planDone: true,
      });
      expect(await store.deliveries.deliverPage(ann, ['cat'], { now: T0 + 20, page: { key: 'cat', count: 1 } })).toBe(
        1,
      );
      expect(await store.deliveries.get(id)).toMatchObject({
        state: 'done',
        audience: 3,
        delivered: 3,
        planned: 3,
        cursor: 'cat',
        planDone: true,
        finishedAt: T0 + 20,
      });
      expect(await feedOf('amy')).toEqual([id]);
    });

    test('recordPlanned refuses a replayed step and any step after planning is done', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 4 });
      expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(true);
      expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false })).toBe(false);
      expect(await store.deliveries.recordPlanned(id, { from: 'amy', to: 'cat', count: 2, last: false })).toBe(false);
      expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'dan', count: 2, last: true })).toBe(true);
      expect(await store.deliveries.recordPlanned(id, { from: 'bob', to: 'dan', count: 2, last: true })).toBe(false);
      expect(await store.deliveries.recordPlanned(id, { from: 'dan', to: 'eve', count: 1, last: true })).toBe(false);
      expect(await store.deliveries.get(id)).toMatchObject({ planned: 4, cursor: 'dan', planDone: true });
    });

    test('recordPlanned on a missing record returns false', async () => {
      expect(await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 1, last: true })).toBe(false);
      expect(await store.deliveries.get(id)).toBeNull();
    });

    test('the last planned step sets the audience to the planned total', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 5 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false });
      expect((await store.deliveries.get(id))?.audience).toBe(5);
      await store.deliveries.recordPlanned(id, { from: 'bob', to: 'cid', count: 1, last: true });
      expect(await store.deliveries.get(id)).toMatchObject({ audience: 3, planned: 3, state: 'running' });
    });

    test('with no followers one empty last step goes straight to done', async () => {
      await store.statuses.create(status(1, 'ann'), { audience: 0 });
      expect(await store.deliveries.recordPlanned(id, { from: null, to: null, count: 0, last: true })).toBe(true);
      const d = await store.deliveries.get(id);
      expect(d).toMatchObject({ state: 'done', audience: 0, delivered: 0, planned: 0, planDone: true });
      expect(d?.finishedAt).toEqual(expect.any(Number));
    });

    test('done once planning ends if every page was already delivered', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 9 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: false });
      await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 10, page: { key: 'bob', count: 2 } });
      expect((await store.deliveries.get(id))?.state).toBe('running');
      await store.deliveries.recordPlanned(id, { from: 'bob', to: 'bob', count: 0, last: true });
      const d = await store.deliveries.get(id);
      expect(d).toMatchObject({ state: 'done', audience: 2, delivered: 2 });
      expect(d?.finishedAt).toEqual(expect.any(Number));
    });

    test('a replayed deliverPage writes and counts nothing twice', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
      const page = { key: 'bob', count: 2 };
      expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 10, page })).toBe(2);
      const again = await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 + 30, page });
      expect(again).toBe(options.countsRewrites ? 2 : 0);
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 2, state: 'done', finishedAt: T0 + 10 });
      expect(await feedOf('amy')).toEqual([id]);
    });

    test('batches without a page key write entries but count nothing', async () => {
      await fans('amy', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 3 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
      expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0 })).toBe(2);
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 0, state: 'running' });
      await store.deliveries.deliverPage(ann, ['cat'], { now: T0 + 5, page: { key: 'cat', count: 3 } });
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done', finishedAt: T0 + 5 });
    });

    test('a new page counts its planned followers even when some feed entries already existed', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.feeds.addMany(entries(id, 'ann', ['amy']));
      const written = await store.deliveries.deliverPage(ann, ['amy', 'bob'], {
        now: T0,
        page: { key: 'p1', count: 2 },
      });
      expect(written).toBe(options.countsRewrites ? 2 : 1);
      expect((await store.deliveries.get(id))?.delivered).toBe(2);
    });

    test('deliverPage writes only to owners who follow the author, and still counts the page', async () => {
      await fans('amy', 'cat');
      await store.follows.add('bob', 'dan', { createdAt: T0 });
      await store.statuses.create(status(1, 'ann'), { audience: 3 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
      const page = { key: 'cat', count: 3 };
      expect(await store.deliveries.deliverPage(ann, ['amy', 'bob', 'cat'], { now: T0, page })).toBe(2);
      expect(await feedOf('amy')).toEqual([id]);
      expect(await feedOf('bob')).toEqual([]);
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done' });
    });

    test('an unfollow between planning and delivery keeps the status out of that feed', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
      await store.follows.remove('bob', 'ann');
      await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0, page: { key: 'bob', count: 2 } });
      expect(await feedOf('amy')).toEqual([id]);
      expect(await feedOf('bob')).toEqual([]);
    });

    test('deliverPage after the status was deleted writes nothing', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
      await store.statuses.delete(id);
      expect(await store.deliveries.deliverPage(ann, ['amy', 'bob'], { now: T0, page: { key: 'bob', count: 2 } })).toBe(
        0,
      );
      expect(await feedOf('amy')).toEqual([]);
      expect(await store.deliveries.get(id)).toBeNull();
    });

    test('deliverRange reads the follower range in batches and counts the page with the batch that ends it', async () => {
      await fans('amy', 'bob', 'cat', 'dan', 'eve');
      await store.statuses.create(status(1, 'ann'), { audience: 4 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'dan', count: 4, last: true });
      const page = { key: 'dan', count: 4 };
      const first = await store.deliveries.deliverRange(ann, { after: null, to: 'dan', limit: 2 }, { now: T0, page });
      expect(first).toEqual({ added: 2, owners: ['amy', 'bob'], next: 'bob' });
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 0, state: 'running' });
      const rest = await store.deliveries.deliverRange(
        ann,
        { after: 'bob', to: 'dan', limit: 2 },
        { now: T0 + 5, page },
      );
      expect(rest).toEqual({ added: 2, owners: ['cat', 'dan'], next: null });
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 4, state: 'done', finishedAt: T0 + 5 });
      expect(await feedOf('dan')).toEqual([id]);
      expect(await feedOf('eve')).toEqual([]); // beyond the range
    });

    test('deliverRange skips whoever unfollowed since planning and still counts the planned followers', async () => {
      await fans('amy', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 3 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'cat', count: 3, last: true });
      await store.follows.remove('bob', 'ann');
      const page = { key: 'cat', count: 3 };
      const done = await store.deliveries.deliverRange(ann, { after: null, to: 'cat', limit: 10 }, { now: T0, page });
      expect(done).toEqual({ added: 2, owners: ['amy', 'cat'], next: null });
      expect(await feedOf('bob')).toEqual([]);
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 3, state: 'done' });
    });

    test('a replayed deliverRange writes and counts nothing twice', async () => {
      await fans('amy', 'bob', 'cat');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
      const page = { key: 'bob', count: 2 };
      const range = { after: null, to: 'bob', limit: 2 };
      // Exactly `limit` followers up to `to`, and one beyond: the range is done all the same.
      expect(await store.deliveries.deliverRange(ann, range, { now: T0 + 10, page })).toMatchObject({
        added: 2,
        next: null,
      });
      const again = await store.deliveries.deliverRange(ann, range, { now: T0 + 30, page });
      expect(again).toMatchObject({ added: options.countsRewrites ? 2 : 0, next: null });
      expect(await store.deliveries.get(id)).toMatchObject({ delivered: 2, state: 'done', finishedAt: T0 + 10 });
      expect(await feedOf('amy')).toEqual([id]);
      expect(await feedOf('cat')).toEqual([]);
    });

    test('deliverRange after the status was deleted writes nothing and ends the range', async () => {
      await fans('amy', 'bob');
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      await store.deliveries.recordPlanned(id, { from: null, to: 'bob', count: 2, last: true });
      await store.statuses.delete(id);
      const page = { key: 'bob', count: 2 };
      expect(await store.deliveries.deliverRange(ann, { after: null, to: 'bob', limit: 1 }, { now: T0, page })).toEqual(
        { added: 0, owners: [], next: null },
      );
      expect(await feedOf('amy')).toEqual([]);
      expect(await store.deliveries.get(id)).toBeNull();
    });

    test('recordPlanned enqueues its jobs only when applied', async (ctx) => {
      await store.statuses.create(status(1, 'ann'), { audience: 2 });
      const deliver = job('fanout.deliver', { statusId: id, author: 'ann', after: null, to: 'bob', count: 2 });
      const step = { from: null, to: 'bob', count: 2, last: true };
      expect(await store.deliveries.recordPlanned(id, step, { outbox: [deliver] })).toBe(true);
      expect(await store.deliveries.recordPlanned(id, step, { outbox: [deliver] })).toBe(false);
      expect(await store.deliveries.recordPlanned(sid(9), step, { outbox: [deliver] })).toBe(false);
      await expectJobs(ctx, [deliver]);
    });
  });
}
