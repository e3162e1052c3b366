import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job, JobQueue } from '../../src/ports/job-queue.js';
import { ManualClock } from '../support/manual-clock.js';
import type { QueueContractOptions } from './queue-contract.js';

// As in queue-contract.ts: a visibility that never ends within a case, and how long to keep receiving for jobs that
// should be there (only a failing test waits this long).
const HOLD_MS = 600_000;
const REAL_TIME_WAIT_MS = 20_000;

/** The JobQueue contract's case for the optional ackAndReceive: run by runQueueContract for every adapter. */
export function runQueueAckReceiveContract(options: QueueContractOptions): void {
  describe(`JobQueue contract, acks with a receive: ${options.name}`, () => {
    let queue: JobQueue;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ queue, cleanup } = await options.create({ clock: options.manualClock ? new ManualClock() : null }));
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function receiveAll(count: number, receive: () => Promise<Job[]>): Promise<Job[]> {
      const jobs: Job[] = [];
      const deadline = performance.now() + REAL_TIME_WAIT_MS;
      while (jobs.length < count && performance.now() < deadline) {
        jobs.push(...(await receive()));
        if (jobs.length < count && !options.manualClock) await sleep(20);
      }
      return jobs;
    }

    it('ackAndReceive acks the current receipts, then receives only what is ready', async () => {
      const ackAndReceive = queue.ackAndReceive?.bind(queue);
      if (!ackAndReceive) return; // optional: this adapter acks apart from its receives
      await queue.enqueue([1, 2].map((n) => ({ name: 'contract.ack-receive', payload: { n } })));
      const held = await receiveAll(2, () => queue.receive({ max: 2, visibilityMs: HOLD_MS }));
      expect(held).toHaveLength(2);
      const [first, second] = held;
      if (!first || !second) throw new Error('two jobs expected');
      await queue.enqueue([{ name: 'contract.ack-receive', payload: { n: 3 } }]);
      const stale: Job = { ...second, receipt: `${second.receipt}-stale` };

      // The first is acked, the stale receipt changes nothing, the held second is not received again.
      const third = await receiveAll(1, () => ackAndReceive([first, stale], { max: 10, visibilityMs: HOLD_MS }));
      expect(third.map((job) => job.payload['n'])).toEqual([3]);
      expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 2, dead: 0 });

      expect(await ackAndReceive([second, ...third], { max: 10, visibilityMs: HOLD_MS })).toEqual([]);
      expect(await queue.stats()).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    });
  });
}
