import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Job, JobQueue, JobRequest, QueueRetryPolicy } from '../../src/ports/job-queue.js';
import { ManualClock } from '../support/manual-clock.js';
import { runQueueAckReceiveContract } from './queue-ack-receive-contract.js';
import { runQueueLeaseContract } from './queue-lease-contract.js';

export interface QueueContractOptions {
  name: string;
  create: (ctx: { clock: ManualClock | null }) => Promise<{ queue: JobQueue; cleanup: () => Promise<void> }>;
  /** The policy the created queue was given. */
  retry: QueueRetryPolicy;
  /** True: the queue reads the ManualClock it is given. False: the suite waits real time (an emulator). */
  manualClock: boolean;
  /** Visibility timeout the cases use: default 30 s on a manual clock, 1 s in real time (SQS counts whole seconds). */
  visibilityMs?: number;
  /** True where a job backing off after a failure is counted as in flight, not delayed (SQS keeps it invisible). */
  backoffCountsAsInFlight?: boolean;
  /** True where a released job's receive still counts as an attempt (SQS's ApproximateReceiveCount). */
  releaseCountsAttempt?: boolean;
  /** Case name → why this adapter cannot pass it. */
  skip?: Partial<Record<string, string>>;
}

// In real time, how long to keep receiving for a job that should be there. Only a test that is failing anyway waits
// this long: every real-time case waits for its event, and asserts a time only as a lower bound (which a loaded
// machine can only make truer) or when it has measured that the window it depends on has not yet closed.
const REAL_TIME_WAIT_MS = 20_000;
// Visibility for receives that are not about visibility, so a stalled test never sees a job come back.
const HOLD_MS = 600_000;
// Timers and the adapters' own clocks round to the millisecond: lower bounds allow this much.
const CLOCK_SLACK_MS = 5;

/** The JobQueue contract: every queue adapter's test calls this. */
export function runQueueContract(options: QueueContractOptions): void {
  runQueueLeaseContract(options);
  runQueueAckReceiveContract(options);
  const { retry, manualClock } = options;
  const backoffAs = options.backoffCountsAsInFlight ? 'inFlight' : 'delayed';
  const visibilityMs = options.visibilityMs ?? (manualClock ? 30_000 : 1_000);
  const skip = options.skip ?? {};
  const caseNames = new Set<string>();

  describe(`JobQueue contract: ${options.name}`, () => {
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

    function testCase(name: string, fn: () => Promise<void>): void {
      caseNames.add(name);
      const reason = skip[name];
      if (reason !== undefined) it.skip(`${name} (skipped: ${reason})`, fn);
      else it(name, fn);
    }

    /** Lets `ms` pass: on the manual clock at once, otherwise for real. */
    async function elapse(ms: number): Promise<void> {
      if (clock) clock.advance(ms);
      else await sleep(ms);
    }

    function receiveNow(max = 10, visibility = visibilityMs): Promise<Job[]> {
      return queue.receive({ max, visibilityMs: visibility });
    }

    /** Real time: ms since `since` (a performance.now() taken before the step that opened a window). */
    function elapsedSince(since: number): number {
      return performance.now() - since;
    }

    /** True while a window of `ms` opened at `since` is surely still open (always on the manual clock). */
    function stillWithin(since: number, ms: number): boolean {
      return clock !== null || elapsedSince(since) < ms;
    }

    /**
     * Receives jobs expected to be ready: one receive on a manual clock, in real time until `count` arrive.
     * `calledAt` is when the receive that returned the last of them was called (a job's visibility starts after it).
     */
    async function receiveTimed(
      count: number,
      visibility = visibilityMs,
    ): Promise<{ jobs: Job[]; calledAt: number; returnedAt: number }> {
      if (clock) {
        const jobs = await receiveNow(Math.max(count, 10), visibility);
        return { jobs, calledAt: 0, returnedAt: 0 };
      }
      const received: Job[] = [];
      let calledAt = performance.now();
      const deadline = calledAt + REAL_TIME_WAIT_MS;
      while (received.length < count && performance.now() < deadline) {
        calledAt = performance.now();
        received.push(...(await receiveNow(Math.min(Math.max(count - received.length, 1), 10), visibility)));
        if (received.length < count) await sleep(20);
      }
      return { jobs: received, calledAt, returnedAt: performance.now() };
    }

    async function receiveSoon(count: number, visibility = visibilityMs): Promise<Job[]> {
      return (await receiveTimed(count, visibility)).jobs;
    }

    function backoffCap(attempts: number): number {
      return Math.min(retry.maxBackoffMs, retry.backoffBaseMs * 2 ** (attempts - 1));
    }

    /** Enqueues the jobs and fails them until they are all dead; returns their ids. */
    async function killAll(requests: JobRequest[]): Promise<string[]> {
      await queue.enqueue(requests);
      let ids: string[] = [];
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
        const jobs = await receiveSoon(requests.length, HOLD_MS);
        expect(jobs).toHaveLength(requests.length);
        for (const job of jobs) {
          expect(job.attempts).toBe(attempt);
          expect(await queue.fail(job, `failure ${attempt}`)).toBe(attempt === retry.maxAttempts ? 'dead' : 'retry');
        }
        ids = jobs.map((job) => job.id);
        if (attempt < retry.maxAttempts) await elapse(backoffCap(attempt));
      }
      return ids;
    }

    async function expectStats(expected: { ready: number; inFlight: number; delayed: number; dead: number }) {
      expect(await countStates()).toEqual(expected);
    }

    async function countStates(): Promise<{ ready: number; inFlight: number; delayed: number; dead: number }> {
      const stats = await queue.stats();
      return { ready: stats.ready, inFlight: stats.inFlight, delayed: stats.delayed, dead: stats.dead };
    }

    /** Expected counts with `n` jobs backing off after a failure, wherever this adapter counts them. */
    function withBackoff(
      n: number,
      counts: { ready: number; inFlight: number; delayed: number; dead: number },
    ): { ready: number; inFlight: number; delayed: number; dead: number } {
      return { ...counts, [backoffAs]: counts[backoffAs] + n };
    }

    testCase('enqueue and receive round-trip the payload', async () => {
      const payload = {
        text: 'héllo 👋 "quoted"',
        n: 42,
        ratio: 0.5,
        ok: true,
        none: null,
        list: [1, 'two', { three: 3 }],
      };
      await queue.enqueue([{ name: 'contract.echo', payload }]);
      const [job, ...rest] = await receiveSoon(1);
      expect(rest).toEqual([]);
      expect(job).toMatchObject({ name: 'contract.echo', payload, attempts: 1 });
      expect(typeof job?.id).toBe('string');
      expect(job?.receipt).toEqual(expect.any(String));
      expect(job?.receipt.length).toBeGreaterThan(0);
      if (clock) expect(job?.enqueuedAt).toBe(clock.now());
      else expect(job?.enqueuedAt).toEqual(expect.any(Number));
    });

    testCase('receives in order of availability', async () => {
      const delayMs = Math.max(retry.backoffBaseMs, 10);
      const beforeLate = performance.now();
      await queue.enqueue([{ name: 'contract.order', payload: { key: 'late' }, delayMs }]);
      await elapse(1);
      await queue.enqueue([{ name: 'contract.order', payload: { key: 'first' } }]);
      await elapse(1);
      await queue.enqueue([
        { name: 'contract.order', payload: { key: 'second' } },
        { name: 'contract.order', payload: { key: 'third' } },
      ]);
      // A machine that stalled past the delay may have made 'late' ready first: then only the rest has an order.
      const lateSurelyLast = stillWithin(beforeLate, delayMs);
      await elapse(delayMs);
      const keys = (await receiveSoon(4, HOLD_MS)).map((job) => job.payload['key']);
      if (lateSurelyLast) expect(keys).toEqual(['first', 'second', 'third', 'late']);
      else expect(keys.filter((key) => key !== 'late')).toEqual(['first', 'second', 'third']);
      expect(keys).toContain('late');
    });

    testCase('receive returns at most max jobs', async () => {
      await queue.enqueue([1, 2, 3, 4, 5].map((n) => ({ name: 'contract.max', payload: { n } })));
      const first = await receiveNow(2, HOLD_MS);
      const second = await receiveNow(2, HOLD_MS);
      const third = await receiveNow(2, HOLD_MS);
      expect([first.length, second.length, third.length]).toEqual([2, 2, 1]);
      const ids = [...first, ...second, ...third].map((job) => job.id);
      expect(new Set(ids).size).toBe(5);
      expect(await receiveNow(2, HOLD_MS)).toEqual([]);
    });

    testCase('a received job stays invisible until its visibility timeout', async () => {
      await queue.enqueue([{ name: 'contract.visibility', payload: {} }]);
      const { jobs, calledAt } = await receiveTimed(1);
      const [first] = jobs;
      expect(first?.attempts).toBe(1);
      const meanwhile = await receiveNow();
      if (stillWithin(calledAt, visibilityMs)) expect(meanwhile).toEqual([]);
      if (clock) {
        clock.advance(visibilityMs - 1);
        expect(await receiveNow()).toEqual([]);
        clock.advance(1);
      } else {
        await elapse(visibilityMs);
      }
      const { jobs: again, returnedAt } = await receiveTimed(1, HOLD_MS);
      if (!clock) expect(returnedAt - calledAt).toBeGreaterThanOrEqual(visibilityMs - CLOCK_SLACK_MS);
      expect(again).toHaveLength(1);
      expect(again[0]).toMatchObject({ id: first?.id, attempts: 2 });
      expect(again[0]?.receipt).not.toBe(first?.receipt);
    });

    testCase('ack removes the job', async () => {
      await queue.enqueue([{ name: 'contract.ack', payload: {} }]);
      const [job] = await receiveSoon(1);
      if (!job) throw new Error('no job received');
      await queue.ack(job);
      await elapse(visibilityMs);
      expect(await receiveNow()).toEqual([]);
      await expectStats({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    });

    testCase('ack and fail with a stale receipt do nothing', async () => {
      await queue.enqueue([{ name: 'contract.stale', payload: {} }]);
      const [stale] = await receiveSoon(1);
      if (!stale) throw new Error('no job received');
      await elapse(visibilityMs);
      const [current] = await receiveSoon(1, HOLD_MS);
      if (!current) throw new Error('job not received again');
      expect(current.id).toBe(stale.id);

      await queue.ack(stale);
      await expectStats({ ready: 0, inFlight: 1, delayed: 0, dead: 0 });
      await queue.fail(stale, 'stale failure');
      await expectStats({ ready: 0, inFlight: 1, delayed: 0, dead: 0 });

      await queue.ack(current);
      await queue.ack(current);
      await queue.fail(current, 'after ack');
      await expectStats({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
      expect(await queue.listDead({ limit: 10 })).toEqual([]);
    });

    testCase('ackBatch removes the jobs whose receipts are current, as ack does each', async () => {
      const ackBatch = queue.ackBatch?.bind(queue);
      if (!ackBatch) return; // optional: this adapter acks one job at a time
      await queue.enqueue([
        { name: 'contract.batch', payload: { n: 1 } },
        { name: 'contract.batch', payload: { n: 2 } },
        { name: 'contract.batch', payload: { n: 3 } },
      ]);
      const stale = await receiveSoon(3);
      expect(stale).toHaveLength(3);
      await elapse(visibilityMs);
      const current = await receiveSoon(3, HOLD_MS);
      const held = (n: number): Job => {
        const job = current.find((j) => j.payload.n === n);
        if (!job) throw new Error(`job ${n} not received again`);
        return job;
      };
      const staleOne = stale.find((j) => j.payload.n === 1);
      if (!staleOne) throw new Error('job 1 not received');

      await ackBatch([]);
      await ackBatch([staleOne, held(2), held(3)]);
      await expectStats({ ready: 0, inFlight: 1, delayed: 0, dead: 0 });
      await ackBatch([held(1), held(2)]);
      await expectStats({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
      await elapse(visibilityMs);
      expect(await receiveNow()).toEqual([]);
    });

    testCase('delayMs postpones the job', async () => {
      const delayMs = Math.max(retry.backoffBaseMs * 2, 10);
      const before = performance.now();
      await queue.enqueue([
        { name: 'contract.delay', payload: { key: 'later' }, delayMs },
        { name: 'contract.delay', payload: { key: 'now' } },
      ]);
      const counts = await countStates();
      if (stillWithin(before, delayMs)) expect(counts).toEqual({ ready: 1, inFlight: 0, delayed: 1, dead: 0 });
      if (clock) {
        expect((await receiveNow()).map((job) => job.payload['key'])).toEqual(['now']);
        clock.advance(delayMs - 1);
        expect(await receiveNow()).toEqual([]);
        clock.advance(1);
        expect((await receiveNow()).map((job) => job.payload['key'])).toEqual(['later']);
        return;
      }
      // Real time: 'now' comes at once, 'later' never before its delay has passed.
      const arrivals = new Map<unknown, number>();
      const deadline = before + REAL_TIME_WAIT_MS;
      while (arrivals.size < 2 && performance.now() < deadline) {
        for (const job of await receiveNow(10, HOLD_MS)) arrivals.set(job.payload['key'], performance.now());
        if (arrivals.size < 2) await sleep(20);
      }
      expect([...arrivals.keys()].sort()).toEqual(['later', 'now']);
      expect((arrivals.get('later') ?? 0) - before).toBeGreaterThanOrEqual(delayMs - CLOCK_SLACK_MS);
    });

    testCase('a failed job is retried after its backoff', async () => {
      const count = 8;
      await queue.enqueue(Array.from({ length: count }, (_, n) => ({ name: 'contract.retry', payload: { n } })));
      const jobs = await receiveSoon(count, HOLD_MS);
      expect(jobs).toHaveLength(count);
      // Jitter may pick any delay, but never less than half the base.
      const notBefore = Math.ceil(retry.backoffBaseMs / 2) - 1;
      const firstFailAt = performance.now();
      for (const job of jobs) expect(await queue.fail(job, 'boom')).toBe(retry.maxAttempts > 1 ? 'retry' : 'dead');
      if (retry.maxAttempts === 1) return;
      const counts = await countStates();
      if (stillWithin(firstFailAt, notBefore)) {
        expect(counts).toEqual(withBackoff(count, { ready: 0, inFlight: 0, delayed: 0, dead: 0 }));
      }
      if (clock) clock.advance(notBefore);
      const early = await receiveNow(10, HOLD_MS);
      if (stillWithin(firstFailAt, notBefore)) expect(early).toEqual([]);
      await elapse(backoffCap(1) - (clock ? notBefore : 0));
      const { jobs: later, returnedAt } = await receiveTimed(count - early.length, HOLD_MS);
      const again = [...early, ...later];
      if (!clock && early.length === 0) expect(returnedAt - firstFailAt).toBeGreaterThanOrEqual(notBefore);
      expect(again).toHaveLength(count);
      for (const job of again) expect(job.attempts).toBe(2);
      expect(new Set(again.map((job) => job.id))).toEqual(new Set(jobs.map((job) => job.id)));
    });

    testCase('backoff is capped per attempt and the last failure dead-letters with its error', async () => {
      const payload = { doomed: true };
      await queue.enqueue([{ name: 'contract.doomed', payload }]);
      let first: Job | undefined;
      const notBefore = Math.ceil(retry.backoffBaseMs / 2) - 1;
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
        const [job] = await receiveSoon(1, HOLD_MS);
        if (!job) throw new Error(`attempt ${attempt} not delivered`);
        first ??= job;
        expect(job.attempts).toBe(attempt);
        const failAt = performance.now();
        const outcome = await queue.fail(job, `boom ${attempt}`);
        expect(outcome).toBe(attempt === retry.maxAttempts ? 'dead' : 'retry');
        if (outcome === 'retry') {
          const early = await receiveNow(10, HOLD_MS);
          if (stillWithin(failAt, notBefore)) expect(early).toEqual([]);
          else if (early.length > 0) throw new Error('machine too slow to tell the backoff apart; rerun');
          await elapse(backoffCap(attempt));
        }
      }
      await expectStats({ ready: 0, inFlight: 0, delayed: 0, dead: 1 });
      await elapse(retry.maxBackoffMs);
      expect(await receiveNow()).toEqual([]);
      const dead = await queue.listDead({ limit: 10 });
      expect(dead).toEqual([
        {
          id: first?.id,
          name: 'contract.doomed',
          payload,
          attempts: retry.maxAttempts,
          lastError: `boom ${retry.maxAttempts}`,
          enqueuedAt: first?.enqueuedAt,
          diedAt: expect.any(Number),
        },
      ]);
      if (clock) expect(dead[0]?.diedAt).toBe(clock.now() - retry.maxBackoffMs);
    });

    testCase('listDead pages through dead jobs', async () => {
      const ids = await killAll([0, 1, 2, 3, 4].map((n) => ({ name: 'contract.page', payload: { n } })));
      const all = await queue.listDead({ limit: 100 });
      expect(new Set(all.map((job) => job.id))).toEqual(new Set(ids));
      expect(new Set(all.map((job) => job.payload['n']))).toEqual(new Set([0, 1, 2, 3, 4]));
      for (const job of all) expect(job.lastError).toBe(`failure ${retry.maxAttempts}`);

      const pages: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await queue.listDead({ limit: 2, after });
        if (page.length === 0) break;
        pages.push(page.map((job) => job.id));
        after = page.at(-1)?.id;
      }
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(all.map((job) => job.id));
    });

    testCase('a job whose visibility lapses maxAttempts times is dead-lettered', async () => {
      await queue.enqueue([{ name: 'contract.lapse', payload: { lost: true } }]);
      for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
        const [job] = await receiveSoon(1);
        expect(job?.attempts).toBe(attempt);
        await elapse(visibilityMs);
      }
      expect(await receiveNow()).toEqual([]);
      await expectStats({ ready: 0, inFlight: 0, delayed: 0, dead: 1 });
      const [dead] = await queue.listDead({ limit: 10 });
      expect(dead).toMatchObject({ name: 'contract.lapse', payload: { lost: true }, attempts: retry.maxAttempts });
      expect(dead?.lastError).toEqual(expect.any(String));
      expect(dead?.lastError.length).toBeGreaterThan(0);
    });

    testCase('redrive of one id delivers it again with fresh attempts', async () => {
      await killAll([1, 2].map((n) => ({ name: 'contract.redrive', payload: { n } })));
      const dead = await queue.listDead({ limit: 10 });
      const target = dead.find((job) => job.payload['n'] === 1);
      if (!target) throw new Error('dead job missing');
      expect(await queue.redrive([target.id])).toBe(1);
      await expectStats({ ready: 1, inFlight: 0, delayed: 0, dead: 1 });
      expect(await queue.redrive([target.id])).toBe(0);
      expect(await queue.redrive([])).toBe(0);

      const jobs = await receiveSoon(1, HOLD_MS);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ name: 'contract.redrive', payload: { n: 1 }, attempts: 1 });
      // Attempts really start over: one failure is a retry again, not a death.
      const job = jobs[0];
      if (!job) throw new Error('no job received');
      expect(await queue.fail(job, 'again')).toBe(retry.maxAttempts > 1 ? 'retry' : 'dead');
      expect((await queue.listDead({ limit: 10 })).map((d) => d.payload['n'])).toEqual(
        retry.maxAttempts > 1 ? [2] : expect.arrayContaining([1, 2]),
      );
    });

    testCase('redrive all delivers every dead job again', async () => {
      await killAll([1, 2, 3].map((n) => ({ name: 'contract.redrive-all', payload: { n } })));
      expect(await queue.redrive('all')).toBe(3);
      await expectStats({ ready: 3, inFlight: 0, delayed: 0, dead: 0 });
      expect(await queue.redrive('all')).toBe(0);
      const jobs = await receiveSoon(3, HOLD_MS);
      expect(jobs).toHaveLength(3);
      for (const job of jobs) expect(job.attempts).toBe(1);
      expect(new Set(jobs.map((job) => job.payload['n']))).toEqual(new Set([1, 2, 3]));
      expect(await queue.listDead({ limit: 10 })).toEqual([]);
    });

    testCase('stats counts jobs in each state', async () => {
      const empty = await queue.stats();
      expect(empty).toMatchObject({ ready: 0, inFlight: 0, delayed: 0, dead: 0 });
      if (empty.oldestReadyAgeMs !== undefined) expect(empty.oldestReadyAgeMs).toBe(0);
      await killAll([{ name: 'contract.stats', payload: { state: 'dead' } }]);
      await queue.enqueue([
        { name: 'contract.stats', payload: { state: 'in-flight' } },
        { name: 'contract.stats', payload: { state: 'failed' } },
      ]);
      const received = await receiveSoon(2, HOLD_MS);
      const failed = received.find((job) => job.payload['state'] === 'failed');
      if (!failed) throw new Error('failed job not received');
      const failAt = performance.now();
      expect(await queue.fail(failed, 'backing off')).toBe(retry.maxAttempts > 1 ? 'retry' : 'dead');
      await queue.enqueue([
        { name: 'contract.stats', payload: { state: 'ready' } },
        { name: 'contract.stats', payload: { state: 'later' }, delayMs: 60_000 },
      ]);
      const counts = await countStates();
      if (retry.maxAttempts === 1) expect(counts).toEqual({ ready: 1, inFlight: 1, delayed: 1, dead: 2 });
      else if (stillWithin(failAt, Math.ceil(retry.backoffBaseMs / 2) - 1)) {
        expect(counts).toEqual(withBackoff(1, { ready: 1, inFlight: 1, delayed: 1, dead: 1 }));
      } else {
        // Its backoff may be over already (it is ready again); either way it is in one of the two.
        expect(counts.ready + counts[backoffAs]).toBe(3);
        expect(counts.dead).toBe(1);
      }
    });

    testCase('stats reports the age of the oldest ready job', async () => {
      await queue.enqueue([{ name: 'contract.age', payload: {} }]);
      await elapse(50);
      await queue.enqueue([
        { name: 'contract.age', payload: {} },
        { name: 'contract.age', payload: {}, delayMs: 60_000 },
      ]);
      await elapse(10);
      const { oldestReadyAgeMs } = await queue.stats();
      if (clock) expect(oldestReadyAgeMs).toBe(60);
      else expect(oldestReadyAgeMs).toBeGreaterThanOrEqual(30);
    });

    testCase('an in-flight job whose visibility expired counts as ready', async () => {
      await queue.enqueue([{ name: 'contract.expired', payload: {} }]);
      const { calledAt } = await receiveTimed(1);
      const counts = await countStates();
      if (stillWithin(calledAt, visibilityMs)) expect(counts).toEqual({ ready: 0, inFlight: 1, delayed: 0, dead: 0 });
      await elapse(visibilityMs);
      await expectStats({ ready: 1, inFlight: 0, delayed: 0, dead: 0 });
    });

    testCase('onReady fires on enqueue and on redrive', async () => {
      if (!queue.onReady) throw new Error('this queue has no onReady: skip this case and say why');
      let calls = 0;
      const unsubscribe = queue.onReady(() => {
        calls += 1;
      });
      await queue.enqueue([{ name: 'contract.ready', payload: {} }]);
      await vi.waitFor(() => expect(calls).toBeGreaterThan(0));
      await receiveSoon(1, HOLD_MS).then((jobs) => Promise.all(jobs.map((job) => queue.ack(job))));

      await killAll([{ name: 'contract.ready', payload: { dies: true } }]);
      calls = 0;
      expect(await queue.redrive('all')).toBe(1);
      await vi.waitFor(() => expect(calls).toBeGreaterThan(0));

      unsubscribe();
      calls = 0;
      // The signal is synchronous with the enqueue, so had it fired it would have by now.
      await queue.enqueue([{ name: 'contract.ready', payload: {} }]);
      expect(calls).toBe(0);
    });

    const unknown = Object.keys(skip).filter((name) => !caseNames.has(name));
    if (unknown.length > 0) throw new Error(`skip names unknown queue contract cases: ${unknown.join(', ')}`);
    for (const [name, reason] of Object.entries(skip)) {
      if (!reason?.trim()) throw new Error(`skipped queue contract case "${name}" must give its reason`);
    }
  });
}
