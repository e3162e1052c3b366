import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { batchWrite, DEFAULT_RETRY, type WriteRequest } from '../src/adapters/dynamodb/client.js';
import { followerKey, followsKey } from '../src/adapters/dynamodb/core/keys.js';
import { createDynamoStore } from '../src/adapters/dynamodb/store.js';
import { systemClock } from '../src/ports/clock.js';
import type { JobQueue, JobRequest } from '../src/ports/job-queue.js';
import type { Store } from '../src/ports/store.js';
import { useDynamoStores, type DynamoTestStore } from './support/dynamo-store.js';
import type { TestApp } from './support/test-app.js';
import { useTestApps } from './support/use-test-app.js';

// Fan-out through the real app, its worker pool and the DynamoDB store on dynalite. Faults are injected at the
// network edge: a middleware on the SDK client's stack that answers some BatchWriteItem calls with a throttling
// error, and writes only part of others, reporting the rest as UnprocessedItems, as DynamoDB does under load.

// After each test: its apps close first, then its stores (useTestApps is registered last, so its hook runs first).
const stores = useDynamoStores();
const apps = useTestApps();
let t: TestApp | undefined;
let dyn: DynamoTestStore | undefined;

/** Quick retries: the fault tests inject many. */
const RETRY = { maxAttempts: 40, baseMs: 1, maxMs: 20 };

/** Pages of 1,000 in batches of 500 unless `env` says otherwise (the AWS shape's defaults are 2,500 and 2,500). */
async function start(env: Record<string, string> = {}): Promise<{ app: TestApp; d: DynamoTestStore }> {
  dyn = await stores.create({ retry: RETRY });
  t = await apps.start(
    // Visibility well above a deliver job's time on a loaded machine, so no job is received twice by accident.
    {
      FANOUT_PAGE_SIZE: '1000',
      FANOUT_BATCH_SIZE: '500',
      WORKER_CONCURRENCY: '4',
      JOB_VISIBILITY_MS: '300000',
      ...env,
    },
    { stores: { store: dyn.store, queue: dyn.queue } },
  );
  return { app: t, d: dyn };
}

/** Waits for the queue to empty (no time limit that a busy machine could miss: the test's own timeout bounds it). */
function drain(app: TestApp): Promise<void> {
  return app.ctx.workers.drain(280_000);
}

function fanAliases(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `fan${String(i).padStart(5, '0')}`);
}

/** Seeds `fans` as followers of `star` (both edge items, batch-written), then re-counts star's counts. */
async function seedFollowers(d: DynamoTestStore, star: string, fans: readonly string[]): Promise<void> {
  const requests: WriteRequest[] = fans.flatMap((fan) => [
    { PutRequest: { Item: { ...followsKey(fan, star), follower: fan, followee: star, createdAt: 1 } } },
    { PutRequest: { Item: { ...followerKey(star, fan), follower: fan, createdAt: 1 } } },
  ]);
  const deps = { doc: d.doc, tables: d.tables, retry: DEFAULT_RETRY, batchConcurrency: 8 };
  await batchWrite(deps, d.tables.main, requests);
  expect(await d.store.follows.recount(star)).toEqual({ followers: fans.length, followees: 0 });
}

/** How many feed entries each owner holds for `statusId` (a Scan: test inspection only). */
async function entriesByOwner(d: DynamoTestStore, statusId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const out = await d.doc.send(new ScanCommand({ TableName: d.tables.feeds, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) {
      if (item.sk === statusId) counts.set(String(item.pk), (counts.get(String(item.pk)) ?? 0) + 1);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return counts;
}

async function post(app: TestApp, token: string, text: string): Promise<string> {
  const res = await app.as(token, { method: 'POST', url: '/api/v1/statuses', payload: { post: text } });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
}

async function delivery(app: TestApp, token: string, id: string): Promise<unknown> {
  return (await app.as(token, { method: 'GET', url: `/api/v1/statuses/${id}/delivery` })).json();
}

function expectEveryFanOnce(byOwner: Map<string, number>, fans: readonly string[]): void {
  expect(byOwner.size).toBe(fans.length);
  for (const fan of fans) expect(byOwner.get(fan), fan).toBe(1);
}

interface Faults {
  calls: number;
  throttled: number;
  unprocessed: number;
}

/**
 * Every 3rd BatchWriteItem fails with ThrottlingException (before reaching dynalite); every other one writes only
 * its first half and returns the rest as UnprocessedItems. Added at the initialize step, outside the SDK's own
 * retries, so the adapter's retry is what must cope.
 */
function injectFaults(doc: DynamoDBDocumentClient): Faults {
  const faults: Faults = { calls: 0, throttled: 0, unprocessed: 0 };
  doc.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { RequestItems?: Record<string, unknown[]> };
      const tables = Object.entries(input.RequestItems ?? {});
      const [entry] = tables;
      const isBatchWrite =
        entry !== undefined &&
        Array.isArray(entry[1]) &&
        entry[1].some((r) => typeof r === 'object' && r !== null && ('PutRequest' in r || 'DeleteRequest' in r));
      if (!isBatchWrite || !entry) return next(args);
      faults.calls++;
      if (faults.calls % 3 === 0) {
        faults.throttled++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
          $fault: 'client',
        });
      }
      const [table, requests] = entry;
      if (requests.length < 2) return next(args);
      const keep = requests.slice(0, Math.ceil(requests.length / 2));
      const left = requests.slice(keep.length);
      faults.unprocessed += left.length;
      const result = await next({ ...args, input: { ...input, RequestItems: { [table]: keep } } });
      const output = result.output as { UnprocessedItems?: Record<string, unknown[]> };
      const already = output.UnprocessedItems?.[table] ?? [];
      output.UnprocessedItems = { [table]: [...already, ...left] };
      return result;
    },
    { step: 'initialize', name: 'injectBatchWriteFaults' },
  );
  return faults;
}

/** Profiles for `aliases` (the unfollow counter lives on the author's). */
async function createUsers(store: Store, aliases: readonly string[]): Promise<void> {
  for (const alias of aliases) {
    const user = { alias, firstName: 'F', lastName: 'L', passwordHash: 'x', imageKey: null, createdAt: 1 };
    expect(await store.users.create({ ...user, followerCount: 0, followeeCount: 0 })).toBe(true);
  }
}

/** Counts the write requests (by command) the store sends from now on. */
function countWrites(doc: DynamoDBDocumentClient): Map<string, number> {
  const writes = new Map<string, number>();
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      if (/^(BatchWrite|Put|Update|Delete)/.test(name)) writes.set(name, (writes.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countWrites' },
  );
  return writes;
}

describe('fan-out on DynamoDB (dynalite)', () => {
  it('a post to 10,000 followers leaves exactly one entry in each follower feed, in about 410 write requests', async () => {
    // The test app's config is the embedded shape's, so the DynamoDB store's page and batch defaults are set here.
    // Search indexing off: its own job writes the status's terms, which is not the fan-out's cost.
    const { app, d } = await start({ FANOUT_PAGE_SIZE: '2500', FANOUT_BATCH_SIZE: '2500', SEARCH_INDEX: 'off' });
    const star = await app.register('star');
    const fans = fanAliases(10_000);
    await seedFollowers(d, 'star', fans);
    const writes = countWrites(d.doc);
    const started = performance.now();
    const id = await post(app, star, 'to everyone');
    await drain(app);
    const seconds = (performance.now() - started) / 1000;
    expect(await delivery(app, star, id)).toEqual({ state: 'done', audience: 10_000, delivered: 10_000 });
    expectEveryFanOnce(await entriesByOwner(d, id), fans);
    // 400 BatchWriteItem calls of 25 entries; the post's status, delivery record and clear (3); per page of 2,500
    // one planning update, and one clear after the last (5); one count per page (4); one finish stamp (1).
    // Nothing retried: dynalite does not throttle.
    const total = [...writes.values()].reduce((a, b) => a + b, 0);
    expect(writes.get('BatchWriteItemCommand')).toBe(400);
    expect(total).toBe(413);
    console.info(`10,000-follower fan-out on dynalite: ${seconds.toFixed(1)} s, ${total} write requests`, writes);
  }, 300_000);

  /**
   * @bob and @cat follow @ann, whose status `statusId` is planned as one page; right after the page's entries are
   * written (before the edge check), bob unfollows and his unfollow.purge runs to the end. Returns whether it ran.
   */
  async function unfollowMidPage(statusId: string): Promise<{ store: Store; hooked: () => boolean }> {
    dyn = await stores.create({ retry: RETRY });
    const store = dyn.store;
    await createUsers(store, ['ann', 'bob', 'cat']);
    await store.follows.add('bob', 'ann', { createdAt: 1 });
    await store.follows.add('cat', 'ann', { createdAt: 1 });
    await store.statuses.create(
      { id: statusId, author: 'ann', post: 'p', segments: [], createdAt: 1 },
      { audience: 2 },
    );
    await store.deliveries.recordPlanned(statusId, { from: null, to: 'cat', count: 2, last: true });
    let hooked = false;
    dyn.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (!hooked && context.commandName === 'BatchWriteItemCommand') {
          hooked = true;
          await store.follows.remove('bob', 'ann');
          await store.feeds.removeByAuthor('bob', 'ann');
        }
        return result;
      },
      { step: 'initialize', name: 'unfollowMidPage' },
    );
    return { store, hooked: () => hooked };
  }

  /** After unfollowMidPage's page: only cat has the status, and the page counted both planned followers. */
  async function expectOnlyCat(store: Store, statusId: string): Promise<void> {
    expect(await store.feeds.page('bob', { limit: 5 })).toEqual([]);
    expect((await store.feeds.page('cat', { limit: 5 })).map((e) => e.statusId)).toEqual([statusId]);
    expect(await store.deliveries.get(statusId)).toMatchObject({ state: 'done', delivered: 2 });
  }

  it('an unfollow whose purge runs between the page write and its edge re-read leaves nothing behind', async () => {
    // The purge finds the entry and removes it, or deliverPage's re-read must.
    const { store, hooked } = await unfollowMidPage('01S1');
    const page = { key: 'cat', count: 2 };
    expect(
      await store.deliveries.deliverPage({ statusId: '01S1', author: 'ann' }, ['bob', 'cat'], { now: 5, page }),
    ).toBe(1);
    expect(hooked()).toBe(true);
    await expectOnlyCat(store, '01S1');
  });

  it('deliverRange: an unfollow whose purge runs between the page write and its check leaves nothing behind', async () => {
    // Bob was read with the range, so his unfollow moved the author's unfollow counter: the edges are read again.
    const { store, hooked } = await unfollowMidPage('01S2');
    const page = { key: 'cat', count: 2 };
    const range = { after: null, to: 'cat', limit: 10 };
    expect(await store.deliveries.deliverRange({ statusId: '01S2', author: 'ann' }, range, { now: 5, page })).toEqual({
      added: 1,
      owners: ['cat'],
      next: null,
    });
    expect(hooked()).toBe(true);
    await expectOnlyCat(store, '01S2');
  });

  it('deliverRange reads the follower range once when no unfollow of the author happened meanwhile', async () => {
    dyn = await stores.create({ retry: RETRY });
    const store = dyn.store;
    await createUsers(store, ['ann', 'bob', 'cat', 'dan']);
    for (const fan of ['bob', 'cat', 'dan']) await store.follows.add(fan, 'ann', { createdAt: 1 });
    await store.follows.remove('dan', 'ann'); // an unfollow before the page: the counter is not 0, but stays put
    await store.statuses.create({ id: '01S3', author: 'ann', post: 'p', segments: [], createdAt: 1 }, { audience: 2 });
    await store.deliveries.recordPlanned('01S3', { from: null, to: 'cat', count: 2, last: true });
    const reads = new Map<string, number>();
    dyn.doc.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ExpressionAttributeValues?: Record<string, unknown> };
        const values = Object.values(input.ExpressionAttributeValues ?? {});
        const name = context.commandName ?? '';
        const what =
          name === 'QueryCommand' && values.some((v) => typeof v === 'string' && v.startsWith('FOLLOWER#'))
            ? 'follower range Query'
            : name;
        reads.set(what, (reads.get(what) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countReads' },
    );
    const page = { key: 'cat', count: 2 };
    const range = { after: null, to: 'cat', limit: 10 };
    expect(await store.deliveries.deliverRange({ statusId: '01S3', author: 'ann' }, range, { now: 5, page })).toEqual({
      added: 2,
      owners: ['bob', 'cat'],
      next: null,
    });
    // Before: the range read and its re-read after the write (2 Queries of up to a page of edges); now the range
    // read and two GetItems of the author's profile (its unfollow counter, before and after).
    expect(reads.get('follower range Query')).toBe(1);
    expect(reads.get('GetItemCommand')).toBe(3); // the delivery record (is the status still there?) and the counter twice
    expect(await store.feeds.page('dan', { limit: 5 })).toEqual([]);
    expect(await store.deliveries.get('01S3')).toMatchObject({ state: 'done', delivered: 2 });
    console.info('deliverRange of one page, no unfollow meanwhile:', reads);
  });

  it('a planner taking over half way sends the job whose marker the first planner left, then carries on', async () => {
    dyn = await stores.create({ retry: RETRY });
    const first = dyn.store;
    await first.statuses.create({ id: '01S2', author: 'ann', post: 'p', segments: [], createdAt: 1 }, { audience: 3 });
    const job = (to: string): JobRequest => ({ name: 'fanout.deliver', payload: { statusId: '01S2', to } });
    // The first planner sends its page's job and leaves the marker for its own next step, then goes away.
    expect(
      await first.deliveries.recordPlanned(
        '01S2',
        { from: null, to: 'b', count: 2, last: false },
        { outbox: [job('b')] },
      ),
    ).toBe(true);
    // A second process (its own store on the same tables) plans the next page.
    const sent: JobRequest[] = [];
    const queue = dyn.queue;
    const recording: JobQueue = Object.assign(Object.create(queue) as JobQueue, {
      enqueue: (jobs: readonly JobRequest[]) => {
        sent.push(...jobs);
        return queue.enqueue(jobs);
      },
    });
    const second = createDynamoStore({
      doc: dyn.doc,
      tables: dyn.tables,
      clock: systemClock,
      retry: RETRY,
      queue: recording,
    });
    expect(
      await second.deliveries.recordPlanned(
        '01S2',
        { from: 'b', to: 'c', count: 1, last: true },
        { outbox: [job('c')] },
      ),
    ).toBe(true);
    // The first page's job again (finishing the stranded marker), then its own; nothing left pending.
    expect(sent).toEqual([job('b'), job('c')]);
    expect(await second.deliveries.get('01S2')).toMatchObject({ planned: 3, planDone: true, cursor: 'c' });
    expect(await second.resendPending(Date.now() + 120_000, 10)).toBe(0);
  });

  it('a planner that keeps going replaces its own marker: one write a page, the last step clears it', async () => {
    dyn = await stores.create({ retry: RETRY });
    const store = dyn.store;
    await store.statuses.create({ id: '01S3', author: 'ann', post: 'p', segments: [], createdAt: 1 }, { audience: 3 });
    const writes = countWrites(dyn.doc);
    const job = (to: string): JobRequest => ({ name: 'fanout.deliver', payload: { statusId: '01S3', to } });
    for (const [from, to] of [
      [null, 'a'],
      ['a', 'b'],
      ['b', 'c'],
    ] as const) {
      await store.deliveries.recordPlanned('01S3', { from, to, count: 1, last: false }, { outbox: [job(to)] });
    }
    await store.deliveries.recordPlanned('01S3', { from: 'c', to: 'c', count: 0, last: true });
    expect(writes.get('UpdateItemCommand')).toBe(4);
    expect(await store.resendPending(Date.now() + 120_000, 10)).toBe(0);
    expect(await store.deliveries.get('01S3')).toMatchObject({ planned: 3, planDone: true, audience: 3 });
  });

  it('injected throttling and UnprocessedItems lose nothing', async () => {
    const { app, d } = await start();
    const star = await app.register('star');
    const fans = fanAliases(1_500);
    await seedFollowers(d, 'star', fans);
    const faults = injectFaults(d.doc);
    const id = await post(app, star, 'through the storm');
    await drain(app);
    expect(faults.throttled).toBeGreaterThan(5);
    expect(faults.unprocessed).toBeGreaterThan(500);
    expect(await delivery(app, star, id)).toEqual({ state: 'done', audience: 1_500, delivered: 1_500 });
    expectEveryFanOnce(await entriesByOwner(d, id), fans);
  }, 300_000);

  it('the same deliver jobs processed twice change nothing', async () => {
    const { app, d } = await start();
    const star = await app.register('star');
    const fans = fanAliases(2_100);
    await seedFollowers(d, 'star', fans);
    // Keep a copy of every deliver job the planner enqueues.
    const delivers: JobRequest[] = [];
    const enqueue = d.queue.enqueue.bind(d.queue);
    d.queue.enqueue = async (jobs) => {
      delivers.push(...jobs.filter((j) => j.name === 'fanout.deliver'));
      return enqueue(jobs);
    };
    const id = await post(app, star, 'once only');
    await drain(app);
    const first = await d.store.deliveries.get(id);
    expect(first).toMatchObject({ state: 'done', audience: 2_100, delivered: 2_100 });
    expect(delivers).toHaveLength(3);

    await enqueue(delivers);
    await drain(app);
    expect(await d.store.deliveries.get(id)).toEqual(first);
    expectEveryFanOnce(await entriesByOwner(d, id), fans);
  }, 300_000);
});
