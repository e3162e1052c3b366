import { describe, expect, it } from 'vitest';
import { JobThreads } from '../src/runtimes/thread/job-threads.js';
import { listThreads, PER_THREAD_PRIORITY } from '../src/os/threads.js';
import { eventually } from './support/test-app.js';
import { useTestApps } from './support/use-test-app.js';

const names = (): string[] => listThreads().map((t) => t.name);

// Node names every thread but the main one `node`; the server's own background threads name themselves so that a
// stall can be put down to a thread (perf sched, top -H, the bench's per-thread figures). The checkpoint thread
// (tweeter-ckpt) loads its built .js only, so it is not started from the sources here: background-nice.test.ts sees
// it in a built server process.
describe.runIf(PER_THREAD_PRIORITY)('the server’s background threads carry their names (Linux)', () => {
  const apps = useTestApps();

  it('a job thread is tweeter-jobs-<index>; the main thread keeps the process’s name', async () => {
    const main = listThreads().find((t) => t.tid === process.pid)?.name;
    const app = await apps.start({ JOB_THREADS: '1' });
    expect(app.ctx.workers).toBeInstanceOf(JobThreads);
    await eventually(async () => names().includes('tweeter-jobs-0'));
    expect(listThreads().find((t) => t.tid === process.pid)?.name).toBe(main);
  });
});
