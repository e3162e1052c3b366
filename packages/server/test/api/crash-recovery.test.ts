import { describe, expect, it } from 'vitest';
import { openSeedStore as openStore, seedGraph } from '../support/seed-graph.js';
import { crashLayouts, signIn, useCrashServer } from '../support/crash-server.js';
import { eventually } from '../support/test-app.js';

const FOLLOWERS = 3000;
const crash = useCrashServer('tweeter-crash-');

async function seed(env: Record<string, string>): Promise<string[]> {
  const fans = Array.from({ length: FOLLOWERS }, (_, i) => `fan_${String(i).padStart(5, '0')}`);
  await seedGraph(
    env,
    ['star', ...fans],
    fans.map((follower) => ({ follower, followee: 'star' })),
  );
  return fans;
}

describe.each(crashLayouts)('a crash mid fan-out (JOB_THREADS=%s)', (threads) => {
  it('resumes after restart and leaves every follower with exactly one feed entry', async () => {
    // Small pages and batches with a pause between batches, so the fan-out is still running when we kill it.
    const env = await crash.prepare({ threads, batchSize: 20, pauseMs: 5 });
    const fans = await seed(env);
    const server = await crash.start(env);
    const token = await signIn(server.url, 'star', 'password1');
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const posted = await fetch(`${server.url}/api/v1/statuses`, {
      method: 'POST',
      headers: auth,
      body: '{"post":"crash me"}',
    });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    const delivery = async (url: string) =>
      (await (await fetch(`${url}/api/v1/statuses/${id}/delivery`, { headers: auth })).json()) as {
        state: string;
        delivered: number;
        audience: number;
      };

    const midway = await eventually(async () => {
      const d = await delivery(crash.url());
      return d.delivered > 0 && d;
    }, 120_000);
    await crash.crash();
    expect(midway.state).toBe('running');
    expect(midway.delivered).toBeLessThan(FOLLOWERS);

    await crash.start(env);
    const done = await eventually(async () => {
      const d = await delivery(crash.url());
      return d.state === 'done' && d;
    }, 120_000);
    expect(done).toEqual({ state: 'done', audience: FOLLOWERS, delivered: FOLLOWERS });

    // Every follower's feed holds the status exactly once (through the store's own read, in either shape).
    const { store, close } = await openStore(env);
    try {
      const counts = await Promise.all(
        fans.map(async (owner) => {
          const entries = await store.feeds.page(owner, { limit: 10 });
          return entries.filter((entry) => entry.statusId === id).length;
        }),
      );
      expect(counts.filter((n) => n !== 1)).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);
});
