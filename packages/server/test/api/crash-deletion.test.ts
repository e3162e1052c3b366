import { describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { openSeedStore as openStore, seedGraph } from '../support/seed-graph.js';
import { crashLayouts, signIn, useCrashServer } from '../support/crash-server.js';
import { eventually } from '../support/test-app.js';
import type { Store } from '../../src/ports/store.js';

// Killing the server mid-deletion: the restarted one resumes the account.delete jobs and finishes, nothing left.

// dynalite answers each call in about a millisecond where SQLite takes microseconds: a smaller account there.
const FOLLOWERS = testShape() === 'aws-local' ? 600 : 3000;
const FOLLOWEES = 200;
const STATUSES = 60;
const crash = useCrashServer('tweeter-crash-delete-');

const fans = Array.from({ length: FOLLOWERS }, (_, i) => `fan_${String(i).padStart(5, '0')}`);

/** star: FOLLOWERS followers (each with some of its statuses in their feed), FOLLOWEES followees, STATUSES statuses. */
async function seed(env: Record<string, string>): Promise<void> {
  await seedGraph(
    env,
    ['star', ...fans],
    [
      ...fans.map((follower) => ({ follower, followee: 'star' })),
      ...fans.slice(0, FOLLOWEES).map((followee) => ({ follower: 'star', followee })),
    ],
  );
  const { store, close } = await openStore(env);
  try {
    const now = Date.now();
    for (let i = 0; i < STATUSES; i++) {
      const id = `01STAR${String(i).padStart(8, '0')}`;
      const post = `status ${i}`;
      const segments = [{ type: 'text' as const, text: post, start: 0, end: post.length }];
      await store.statuses.create({ id, author: 'star', post, segments, createdAt: now + i }, { audience: 0 });
      const owners = fans.filter((_, f) => f % 20 === i % 20);
      await store.feeds.addMany(owners.map((owner) => ({ owner, statusId: id, author: 'star' })));
    }
  } finally {
    await close();
  }
}

/** The fans whose follow counts are not both 0. */
async function wrongCounts(store: Store): Promise<string[]> {
  const users = await store.users.getMany(fans);
  return fans.filter((alias) => {
    const u = users.get(alias);
    return u?.followeeCount !== 0 || u.followerCount !== 0;
  });
}

/** How many account.delete chunks of `step` the server has done (its /metrics). */
async function chunks(url: string, step: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`tweeter_account_deletion_chunks_total{step="${step}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe.each(crashLayouts)('a crash mid-deletion (JOB_THREADS=%s)', (threads) => {
  it('resumes after restart and finishes: no edge, feed entry, status or count of the account left', async () => {
    // Small chunks with a pause after each, so the deletion is still running when we kill the server.
    const env = await crash.prepare({ threads, batchSize: 50, pauseMs: 30 });
    await seed(env);
    const server = await crash.start(env);
    const token = await signIn(server.url, 'star', 'password1');
    const deleted = await fetch(`${server.url}/api/v1/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: 'password1' }),
    });
    expect(deleted.status).toBe(204);
    await eventually(async () => (await chunks(crash.url(), 'followers')) >= 3, 120_000);
    await crash.crash();

    const midway = await openStore(env);
    try {
      const record = await midway.store.deletions.get('star');
      expect(record?.step).toBe('followers');
      expect((await midway.store.follows.followers('star', { limit: 1 })).items).toHaveLength(1);
    } finally {
      await midway.close();
    }

    await crash.start(env);
    await eventually(async () => (await chunks(crash.url(), 'picture')) >= 1, 240_000);
    // On DynamoDB an unfollow the kill cut short is finished when the chunk is redelivered, its counts re-counted by
    // follows.recount jobs that may still be queued: the counts are awaited while the server runs.
    await eventually(async () => {
      const { store, close } = await openStore(env);
      try {
        return (await wrongCounts(store)).length === 0;
      } finally {
        await close();
      }
    }, 60_000);
    await crash.crash();

    const { store, close } = await openStore(env);
    try {
      expect(await store.deletions.get('star')).toMatchObject({ step: 'done' });
      expect(await store.users.get('star')).toBeNull();
      expect((await store.follows.followers('star', { limit: 10 })).items).toEqual([]);
      expect((await store.follows.followees('star', { limit: 10 })).items).toEqual([]);
      expect(await store.statuses.byAuthor('star', { limit: 10 })).toEqual([]);
      const left = await Promise.all(
        fans.map(async (owner) => (await store.feeds.page(owner, { limit: 100 })).filter((e) => e.author === 'star')),
      );
      expect(left.flat()).toEqual([]);
      expect(await wrongCounts(store)).toEqual([]);
    } finally {
      await close();
    }
  }, 420_000);
});
