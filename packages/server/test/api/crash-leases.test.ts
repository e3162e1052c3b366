import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { testShape } from '../support/aws-local.js';
import { openSeedStore as openStore, seedGraph } from '../support/seed-graph.js';
import { cleanUp, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/test-app.js';

const AUTHORS = 10;
const FANS = 20;
// Far above how long the jobs left at the kill take to run (a few seconds), far below what they waited before the
// restart released them: a visibility timeout per job of the batch (8 x 60 s), or after the fix without the release
// one timeout (60 s).
const RECOVERY_DEADLINE_MS = 20_000;

let dataDir: string | undefined;
let server: ServerProcess | undefined;

afterEach(async () => {
  await cleanUp(server, dataDir);
  server = undefined;
  dataDir = undefined;
});

async function seed(env: Record<string, string>): Promise<{ authors: string[]; fans: string[] }> {
  const authors = Array.from({ length: AUTHORS }, (_, i) => `author_${i}`);
  const fans = Array.from({ length: FANS }, (_, i) => `fan_${i}`);
  const follows = authors.flatMap((followee) => fans.map((follower) => ({ follower, followee })));
  await seedGraph(env, [...authors, ...fans], follows);
  return { authors, fans };
}

async function signIn(url: string, alias: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/v1/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ alias, password: 'password1' }),
  });
  const { token } = (await res.json()) as { token: string };
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

async function inFlight(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return Number(/^tweeter_queue_jobs\{state="inFlight"\} (\d+)$/m.exec(metrics)?.[1] ?? 0);
}

// The embedded shape: only one process holds a DATA_DIR, so the one that takes the lock over from a killed one
// releases every job lease it left. (On SQS a lease is SQS's and lapses after one job's visibility timeout.)
describe.skipIf(testShape() === 'aws-local')('a server killed with fan-out jobs in hand', () => {
  for (const threads of ['0', '1']) {
    it(`runs them as soon as it is restarted (JOB_THREADS=${threads}): every acknowledged post reaches every feed, once`, async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tweeter-leases-'));
      // Deliver jobs of 5 followers each, written one at a time with a pause: a batch of them takes a while, so the
      // kill finds jobs received and not finished. Visibility 60 s, so a lapse could not pass the deadline.
      const env = {
        DATA_DIR: dataDir,
        FANOUT_PAGE_SIZE: '5',
        FANOUT_BATCH_SIZE: '1',
        FANOUT_BATCH_PAUSE_MS: '20',
        JOB_VISIBILITY_MS: '60000',
        JOB_THREADS: threads,
      };
      const { authors, fans } = await seed(env);
      server = await startServerProcess(env);
      const url = server.url;
      const posts: { id: string; auth: Record<string, string> }[] = [];
      for (const author of authors) {
        const auth = await signIn(url, author);
        const res = await fetch(`${url}/api/v1/statuses`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ post: `from ${author}` }),
        });
        expect(res.status).toBe(201);
        posts.push({ id: ((await res.json()) as { id: string }).id, auth });
      }
      await eventually(async () => (await inFlight(url)) >= 2, 60_000);
      await server.kill('SIGKILL');

      server = await startServerProcess(env);
      const restartedAt = performance.now();
      const restarted = server.url;
      const pending = async (): Promise<number> => {
        const states = await Promise.all(
          posts.map(async ({ id, auth }) => {
            const res = await fetch(`${restarted}/api/v1/statuses/${id}/delivery`, { headers: auth });
            return (await res.json()) as { state: string; delivered: number };
          }),
        );
        return states.filter((d) => d.state !== 'done' || d.delivered !== FANS).length;
      };
      // A few seconds of work were left: all of it is done well before any lease could have lapsed.
      await eventually(async () => (await pending()) === 0, RECOVERY_DEADLINE_MS).catch(async (err: unknown) => {
        throw new Error(
          `${await pending()} of ${posts.length} posts still undelivered after ${Math.round(performance.now() - restartedAt)} ms since the restart: ${String(err)}`,
        );
      });
      // Nothing stays leased: the last jobs' acks may wait up to ACK_LINGER_MS (20 ms) to ride on a next receive.
      await eventually(async () => (await inFlight(restarted)) === 0, 5_000);
      await server.kill('SIGTERM');

      // Every fan's feed holds every post exactly once.
      const { store, close } = await openStore(env);
      try {
        for (const fan of fans) {
          const entries = await store.feeds.page(fan, { limit: 100 });
          const ids = entries.map((entry) => entry.statusId).sort();
          expect(ids).toEqual(posts.map((p) => p.id).sort());
        }
      } finally {
        await close();
      }
    }, 180_000);
  }
});
