import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listThreads, PER_THREAD_PRIORITY } from '../src/os/threads.js';
import { cleanUp, startServerProcess, type ServerProcess } from './support/server-process.js';

let dataDir: string;
let server: ServerProcess | undefined;
afterEach(async () => {
  await cleanUp(server, dataDir);
  server = undefined;
});

/** A sign-up: the server answers a write, which went through the job thread's writer. */
async function signUpThroughWriter(url: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ alias: 'nia', firstName: 'Nia', lastName: 'Long', password: 'correct horse' }),
  });
  expect(res.status).toBe(201);
}

// Nice values are per thread on Linux, and /proc shows them.
describe.runIf(PER_THREAD_PRIORITY)(
  'BACKGROUND_NICE: the job and checkpoint threads below the HTTP thread (Linux)',
  () => {
    it('`tweeter serve` runs its job thread and its checkpoint thread at BACKGROUND_NICE, the HTTP thread at 0', async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tweeter-nice-'));
      server = await startServerProcess({
        DATA_DIR: dataDir,
        JOB_THREADS: '1',
        BACKGROUND_NICE: '9',
        V8_HELPERS_NICE: '0',
      });
      const pid = server.child.pid ?? 0;
      await signUpThroughWriter(server.url);
      const threads = listThreads(pid);
      expect(threads.find((t) => t.tid === pid)?.nice).toBe(0);
      // The job thread and the checkpoint thread (threads they start inherit it); nothing else was lowered.
      expect(threads.filter((t) => t.nice === 9).length).toBeGreaterThanOrEqual(2);
      expect(threads.filter((t) => t.nice !== 9 && t.nice !== 0)).toEqual([]);
      // Each names itself (os/threads.ts), the checkpointer from its own built entry.
      expect(threads.find((t) => t.name === 'tweeter-jobs-0')?.nice).toBe(9);
      expect(threads.find((t) => t.name === 'tweeter-ckpt')?.nice).toBe(9);
    });

    it("`tweeter serve` runs V8's helper threads at V8_HELPERS_NICE, every other thread as it was", async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'tweeter-nice-'));
      server = await startServerProcess({ DATA_DIR: dataDir, JOB_THREADS: '1', V8_HELPERS_NICE: '12' });
      const pid = server.child.pid ?? 0;
      await signUpThroughWriter(server.url);
      const threads = listThreads(pid).sort((a, b) => a.tid - b.tid);
      // The HTTP thread, the job thread and the checkpoint thread at the process's priority; V8's pool (node's
      // default, 4 threads, started right after the main thread and the platform's delayed-task thread) lowered.
      expect(threads[0]).toMatchObject({ tid: pid, nice: 0 });
      expect(threads.find((t) => t.name === 'tweeter-jobs-0')?.nice).toBe(0);
      expect(threads.find((t) => t.name === 'tweeter-ckpt')?.nice).toBe(0);
      expect(threads.filter((t) => t.nice === 12).map((t) => t.tid)).toEqual(threads.slice(2, 6).map((t) => t.tid));
      expect(threads.filter((t) => t.nice !== 12 && t.nice !== 0)).toEqual([]);
    });
  },
);
