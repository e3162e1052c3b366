import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startAwsLocalShape, testShape } from '../support/aws-local.js';
import { openSeedStore as openStore, seedGraph } from '../support/seed-graph.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/test-app.js';

const FOLLOWERS = 3000;
let dataDir: string;
let server: ServerProcess | undefined;
// On aws-local: the emulators live in this process, and the servers (child processes) use them.
let shape: Awaited<ReturnType<typeof startAwsLocalShape>> | null = null;

afterEach(async () => {
  await server?.kill('SIGKILL');
  server = undefined;
  await shape?.stop();
  shape = null;
  rmSync(dataDir, { recursive: true, force: true });
});

async function seed(env: Record<string, string>): Promise<string[]> {
  const fans = Array.from({ length: FOLLOWERS }, (_, i) => `fan_${String(i).padStart(5, '0')}`);
  await seedGraph(
    env,
    ['star', ...fans],
    fans.map((follower) => ({ follower, followee: 'star' })),
  );
  return fans;
}

// Both layouts of the embedded shape: jobs on the HTTP thread (JOB_THREADS=0) and in a job thread of their own (1).
// On aws-local the jobs always run on the server's thread (job threads are a SQLite setting).
const layouts = testShape() === 'aws-local' ? ['0'] : ['0', '1'];

describe.each(layouts)('a crash mid fan-out (JOB_THREADS=%s)', (threads) => {
  it('resumes after restart and leaves every follower with exactly one feed entry', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tweeter-crash-'));
    shape = testShape() === 'aws-local' ? await startAwsLocalShape({}) : null;
    // Small pages and batches with a pause between batches, so the fan-out is still running when we kill it.
    const env = {
      DATA_DIR: dataDir,
      FANOUT_PAGE_SIZE: '100',
      FANOUT_BATCH_SIZE: '20',
      FANOUT_BATCH_PAUSE_MS: '5',
      JOB_VISIBILITY_MS: '500',
      JOB_THREADS: threads,
      ...shape?.env,
    };
    const fans = await seed(env);
    server = await startServerProcess(env);
    const login = await fetch(`${server.url}/api/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ alias: 'star', password: 'password1' }),
    });
    const { token } = (await login.json()) as { token: string };
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
      const d = await delivery(server?.url ?? '');
      return d.delivered > 0 && d;
    }, 120_000);
    await server.kill('SIGKILL');
    expect(midway.state).toBe('running');
    expect(midway.delivered).toBeLessThan(FOLLOWERS);

    server = await startServerProcess(env);
    const done = await eventually(async () => {
      const d = await delivery(server?.url ?? '');
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
