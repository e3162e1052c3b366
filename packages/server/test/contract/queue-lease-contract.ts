import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobQueue } from '../../src/ports/job-queue.js';
import { ManualClock } from '../support/manual-clock.js';
import type { QueueContractOptions } from './queue-contract.js';

// As in queue-contract.ts: how long a real-time case keeps receiving for jobs that should be there (only a failing
// test waits this long), a visibility that never ends within a case, and the slack of millisecond clocks.
const REAL_TIME_WAIT_MS = 20_000;
const HOLD_MS = 600_000;
const CLOCK_SLACK_MS = 5;

/** The JobQueue contract's lease cases (extend, release): run by runQueueContract for every adapter. */
export function runQueueLeaseContract(options: QueueContractOptions): void {
  const { manualClock } = options;
  const visibilityMs = options.visibilityMs ?? (manualClock ? 30_000 : 1_000);

  describe(`JobQueue contract, leases: ${options.name}`, () => {
    let queue: JobQueue;
    let clock: ManualClock | null;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      clock = manualClock ? new ManualClock() : null;
      ({ queue, cleanup } = await options.create({ clock }));
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function elapse(ms: number): Promise<void> {
      if (clock) clock.advance(ms);
      else await sleep(ms);
    }

    /** True while a window of `ms` opened at `since` is surely still open (always on the manual clock). */
    function stillWithin(since: number, ms: number): boolean {
      return clock !== null || performance.now() - since < ms;
    }

    /** Receives until `count` jobs came (one receive on the manual clock); `returnedAt` is when the last came. */
    async function receiveSoon(count: number, visibility: number): Promise<{ jobs: Job[]; returnedAt: number }> {
      const jobs: Job[] = [];
      const deadline = performance.now() + REAL_TIME_WAIT_MS;
      do {
        jobs.push(
          ...(await queue.receive({ max: Math.min(Math.max(count - jobs.length, 1), 10), visibilityMs: visibility })),
        );
        if (clock || jobs.length >= count) break;
        await sleep(20);
      } while (performance.now() < deadline);
      return { jobs, returnedAt: performance.now() };
    }

    function ids(jobs: readonly Job[]): string[] {
      return jobs.map((job) => job.id).sort();
    }

    it('extend keeps held jobs invisible past their visibility timeout, until the new one ends', async () => {
      await queue.enqueue([1, 2].map((n) => ({ name: 'contract.extend', payload: { n } })));
      const { jobs } = await receiveSoon(2, visibilityMs);
      expect(jobs).toHaveLength(2);
      const extendedAt = performance.now();
      const extended = await queue.extend(jobs, 3 * visibilityMs);
      expect(ids(extended)).toEqual(ids(jobs));
      // Past the visibility they were received with: still hidden.
      await elapse(visibilityMs);
      const meanwhile = await queue.receive({ max: 10, visibilityMs: HOLD_MS });
      if (stillWithin(extendedAt, 3 * visibilityMs)) expect(meanwhile).toEqual([]);
      if (clock) {
        clock.advance(2 * visibilityMs - 1);
        expect(await queue.receive({ max: 10, visibilityMs: HOLD_MS })).toEqual([]);
        clock.advance(1);
      } else {
        await elapse(2 * visibilityMs);
      }
      const { jobs: later, returnedAt } = await receiveSoon(2 - meanwhile.length, HOLD_MS);
      const again = [...meanwhile, ...later];
      if (!clock && meanwhile.length === 0) {
        expect(returnedAt - extendedAt).toBeGreaterThanOrEqual(3 * visibilityMs - CLOCK_SLACK_MS);
      }
      expect(ids(again)).toEqual(ids(jobs));
      for (const job of again) expect(job.attempts).toBe(2);
    });

    it('extend leaves out a job whose receipt is stale, and changes nothing for its holder', async () => {
      await queue.enqueue([{ name: 'contract.extend-stale', payload: {} }]);
      const [stale] = (await receiveSoon(1, visibilityMs)).jobs;
      if (!stale) throw new Error('no job received');
      await elapse(visibilityMs);
      const [current] = (await receiveSoon(1, HOLD_MS)).jobs;
      if (!current) throw new Error('job not received again');
      expect(current.id).toBe(stale.id);

      expect(await queue.extend([stale], HOLD_MS)).toEqual([]);
      expect(ids(await queue.extend([stale, current], HOLD_MS))).toEqual([current.id]);
      expect(await queue.extend([], HOLD_MS)).toEqual([]);
      // The holder's receipt still works: the ack removes the job.
      await queue.ack(current);
      await elapse(visibilityMs);
      expect(await queue.receive({ max: 10, visibilityMs: HOLD_MS })).toEqual([]);
      expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0 });
    });

    it('release gives jobs back at once, and a stale receipt changes nothing', async () => {
      await queue.enqueue([1, 2, 3].map((n) => ({ name: 'contract.release', payload: { n } })));
      const { jobs } = await receiveSoon(3, HOLD_MS);
      expect(jobs).toHaveLength(3);
      const given = jobs.filter((job) => job.payload['n'] !== 3);
      await queue.release(given);
      await queue.release([]);
      // Received for ten minutes, so only the release can have made them receivable.
      const { jobs: again } = await receiveSoon(2, HOLD_MS);
      expect(ids(again)).toEqual(ids(given));
      const attempts = options.releaseCountsAttempt ? 2 : 1;
      for (const job of again) expect(job.attempts).toBe(attempts);

      // The first receipts are stale now: releasing them again leaves the jobs with their new holder.
      await queue.release(given);
      expect(await queue.receive({ max: 10, visibilityMs: HOLD_MS })).toEqual([]);
      for (const job of [...again, ...jobs.filter((job) => job.payload['n'] === 3)]) await queue.ack(job);
      expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0 });
    });
  });
}
