import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { WriteBudget } from '../src/adapters/dynamodb/client.js';
import { UNFOLLOWS, userKey } from '../src/adapters/dynamodb/core/keys.js';
import { AccountDeleteProcessor } from '../src/jobs/account-delete.js';
import { FollowCountsProcessor } from '../src/jobs/follow-counts.js';
import type { BlobStore } from '../src/ports/blob-store.js';
import type { Job, JobQueue, JobRequest } from '../src/ports/job-queue.js';
import type { UserRecord } from '../src/ports/store.js';
import { useDynamoStores, type DynamoTestStore } from './support/dynamo-store.js';

// A process that dies between a DynamoDB write and sending its jobs: the send fails here, as it would if the
// process stopped, and the outbox sweeper (Store.resendPending) must finish what the write started.

const stores = useDynamoStores();
let t: DynamoTestStore | undefined;

const LATER = Date.now() + 3_600_000;

/** A queue whose sends fail while `down` is set. */
function flaky(): { wrap: (queue: JobQueue) => JobQueue; set: (down: boolean) => void } {
  let down = false;
  return {
    set: (value) => (down = value),
    wrap: (queue) => {
      const wrapped: JobQueue = Object.create(queue) as JobQueue;
      wrapped.enqueue = (jobs: readonly JobRequest[]) =>
        down ? Promise.reject(new Error('the process died here')) : queue.enqueue(jobs);
      return wrapped;
    },
  };
}

async function readyJobs(queue: JobQueue): Promise<{ name: string; payload: Record<string, unknown> }[]> {
  const jobs = await queue.receive({ max: 50, visibilityMs: 60_000 });
  return jobs.map((j) => ({ name: j.name, payload: j.payload })).sort((a, b) => a.name.localeCompare(b.name));
}

const user = (alias: string): UserRecord => ({
  alias,
  firstName: 'A',
  lastName: 'B',
  passwordHash: 'h',
  imageKey: null,
  createdAt: 1,
  followerCount: 0,
  followeeCount: 0,
});

describe('the DynamoDB outbox after a crash', () => {
  it('a status whose jobs were never sent gets its delivery record and its jobs from the sweeper', async () => {
    const queue = flaky();
    t = await stores.create({ outboxQueue: queue.wrap });
    const status = { id: '01S1', author: 'ann', post: 'p', segments: [], createdAt: 1 };
    const plan = { name: 'fanout.plan', payload: { statusId: '01S1', author: 'ann' } };
    queue.set(true);
    await expect(t.store.statuses.create(status, { audience: 0, outbox: [plan] })).rejects.toThrow('died');
    queue.set(false);
    expect(await t.store.statuses.get('01S1')).toEqual(status);
    expect(await readyJobs(t.queue)).toEqual([]);

    expect(await t.store.resendPending(0, 10)).toBe(0); // nothing is that old
    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    expect(await t.store.resendPending(LATER, 10)).toBe(0); // finished once
    expect(await readyJobs(t.queue)).toEqual([plan]);
    expect(await t.store.deliveries.get('01S1')).toMatchObject({ state: 'queued', audience: 0 });
  });

  it('a follow whose follow-up writes died is finished, and both counts are re-counted', async () => {
    const queue = flaky();
    t = await stores.create({ outboxQueue: queue.wrap });
    await t.store.users.createMany([user('ann'), user('bob')]);
    const backfill = { name: 'follow.backfill', payload: { follower: 'ann', followee: 'bob' } };
    queue.set(true);
    await expect(t.store.follows.add('ann', 'bob', { createdAt: 1, outbox: [backfill] })).rejects.toThrow('died');
    queue.set(false);
    expect(await t.store.follows.exists('ann', 'bob')).toBe(true);

    expect(await t.store.resendPending(LATER, 10)).toBe(1);
    expect(await readyJobs(t.queue)).toEqual([
      backfill,
      { name: 'follows.recount', payload: { alias: 'ann' } },
      { name: 'follows.recount', payload: { alias: 'bob' } },
    ]);
    expect((await t.store.follows.followers('bob', { limit: 5 })).items).toEqual(['ann']);
    expect(await t.store.follows.recount('bob')).toEqual({ followers: 1, followees: 0 });
    expect((await t.store.users.get('bob'))?.followerCount).toBe(1);
  });

  it('an unfollow and a delete left half done are finished: edge, mirror, record and key gone', async () => {
    const queue = flaky();
    t = await stores.create({ outboxQueue: queue.wrap });
    await t.store.users.createMany([user('ann'), user('bob')]);
    await t.store.follows.add('ann', 'bob', { createdAt: 1 });
    const status = { id: '01S2', author: 'bob', post: 'p', segments: [], createdAt: 1 };
    await t.store.statuses.create(status, { audience: 1, idempotencyKey: 'k' });
    queue.set(true);
    const purge = { name: 'unfollow.purge', payload: { follower: 'ann', followee: 'bob' } };
    const retract = { name: 'status.retract', payload: { statusId: '01S2', author: 'bob' } };
    await expect(t.store.follows.remove('ann', 'bob', { outbox: [purge] })).rejects.toThrow('died');
    await expect(t.store.statuses.delete('01S2', { outbox: [retract] })).rejects.toThrow('died');
    queue.set(false);
    // Both already read as gone.
    expect(await t.store.follows.exists('ann', 'bob')).toBe(false);
    expect(await t.store.statuses.get('01S2')).toBeNull();

    expect(await t.store.resendPending(LATER, 10)).toBe(2);
    const jobs = await readyJobs(t.queue);
    expect(jobs).toEqual(expect.arrayContaining([purge, retract]));
    expect((await t.store.follows.followers('bob', { limit: 5 })).items).toEqual([]);
    expect(await t.store.deliveries.get('01S2')).toBeNull();
    // The key is free again, and following again works (the tombstone is gone).
    const again = { ...status, id: '01S3' };
    expect((await t.store.statuses.create(again, { audience: 0, idempotencyKey: 'k' })).created).toBe(true);
    expect(await t.store.follows.add('ann', 'bob', { createdAt: 2 })).toBe(true);
  });

  it('an unfollow that died before its follow-up writes moves the unfollow counter before its purge is sent', async () => {
    // The counter lets a fan-out page skip re-reading its edges (deliveries-repo.ts): the sweeper's path must move
    // it too, after removing the mirror and before the purge job exists.
    t = await stores.create();
    const store = t.store;
    await store.users.createMany([user('ann'), user('bob')]);
    await store.follows.add('ann', 'bob', { createdAt: 1 });
    const unfollows = async () =>
      Number(
        (await t?.doc.send(new GetCommand({ TableName: t.tables.main, Key: userKey('bob'), ConsistentRead: true })))
          ?.Item?.[UNFOLLOWS] ?? 0,
      );
    let dying = true;
    t.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (dying && context.commandName === 'DeleteItemCommand') throw new Error('the process died here');
        return next(args);
      },
      { step: 'initialize', name: 'dieBeforeTheMirror' },
    );
    const purge = { name: 'unfollow.purge', payload: { follower: 'ann', followee: 'bob' } };
    await expect(store.follows.remove('ann', 'bob', { outbox: [purge] })).rejects.toThrow('died');
    dying = false;
    expect(await unfollows()).toBe(0);
    expect(await readyJobs(t.queue)).toEqual([]);

    expect(await store.resendPending(LATER, 10)).toBe(1);
    expect(await unfollows()).toBe(1);
    expect(await readyJobs(t.queue)).toEqual(expect.arrayContaining([purge]));
    expect((await store.follows.followers('bob', { limit: 5 })).items).toEqual([]);
  });
});

describe('an account deletion redelivered after a crash', () => {
  it('finishes an unfollow the crash cut after its mirror went, which the rerun chunk can no longer list', async () => {
    t = await stores.create();
    const store = t.store;
    await store.users.createMany([user('ann'), user('bob'), user('star')]);
    await store.follows.add('ann', 'star', { createdAt: 1 });
    await store.follows.add('bob', 'star', { createdAt: 1 });
    // The deletion's chunk died in ann's unfollow between the mirror's removal and the counts' ADDs.
    let deleted = false;
    let dying = true;
    t.doc.middlewareStack.add(
      (next, context) => async (args) => {
        if (dying && deleted && context.commandName === 'UpdateItemCommand') throw new Error('the process died here');
        if (context.commandName === 'DeleteItemCommand') deleted = true;
        return next(args);
      },
      { step: 'initialize', name: 'dieAfterTheMirror' },
    );
    await expect(store.follows.remove('ann', 'star')).rejects.toThrow('died');
    dying = false;
    expect((await store.follows.followers('star', { limit: 5 })).items).toEqual(['bob']);
    expect((await store.users.get('ann'))?.followeeCount).toBe(1);

    const record = {
      alias: 'star',
      imageKey: null,
      deletedAt: 1,
      reservedUntil: LATER,
      step: 'followers',
      cursor: null,
      seq: 0,
    };
    expect(await store.deletions.begin(record, [])).toBe(true);
    const processor = new AccountDeleteProcessor({
      ...store,
      blobs: { delete: async () => undefined } as unknown as BlobStore,
      pageSize: 50,
      finishPending: (before, limit) => store.resendPending(before, limit),
      now: () => LATER,
    });
    const job = (attempts: number): Job => ({
      id: 'j',
      name: 'account.delete',
      payload: { alias: 'star', seq: 0 },
      attempts,
      enqueuedAt: 1,
      receipt: 'r',
    });
    await processor.perform(job(2));
    // The half-done unfollow is finished and both of its users re-counted by the jobs it sends.
    const recounts = new FollowCountsProcessor({ follows: store.follows });
    for (const queued of await t.queue.receive({ max: 50, visibilityMs: 60_000 })) {
      if (queued.name === 'follows.recount') await recounts.perform(queued);
    }
    expect(await store.users.get('ann')).toMatchObject({ followeeCount: 0, followerCount: 0 });
    expect(await store.users.get('bob')).toMatchObject({ followeeCount: 0, followerCount: 0 });
    expect(await store.follows.exists('ann', 'star')).toBe(false);
    expect(await store.deletions.get('star')).toMatchObject({ step: 'followees', seq: 1 });
  });
});

describe('the write budget', () => {
  it('paces writes to its items per second (a lower bound only: a busy machine is only ever slower)', async () => {
    const budget = new WriteBudget(500);
    const started = performance.now();
    for (let i = 0; i < 60; i++) await budget.take(25); // 1,500 items: the first 500 at once, then 500 a second
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_900);
  });
});

describe('an Idempotency-Key used by two requests at once on DynamoDB', () => {
  it('makes one status: the other request returns it, or is told to retry (409), never a second status', async () => {
    t = await stores.create();
    const store = t.store;
    const attempt = (n: number) =>
      store.statuses
        .create(
          { id: `01S${n}`, author: 'ann', post: 'same', segments: [], createdAt: 10 + n },
          {
            audience: 0,
            idempotencyKey: 'retry-me',
          },
        )
        .then(
          (result) => ({ created: result.created, id: result.status.id }),
          (err: unknown) => ({ error: err instanceof Error ? err.name : String(err) }),
        );
    const results = await Promise.all([1, 2, 3, 4].map(attempt));
    const created = results.filter((r) => 'created' in r && r.created);
    expect(created).toHaveLength(1);
    const winner = created[0] && 'id' in created[0] ? created[0].id : '';
    for (const r of results) {
      if ('error' in r) expect(r.error).toBe('ConflictError');
      else expect(r.id).toBe(winner);
    }
    expect((await store.statuses.byAuthor('ann', { limit: 10 })).map((s) => s.id)).toEqual([winner]);
  });
});
