import { randomUUID } from 'node:crypto';
import type { Clock } from '../../ports/clock.js';
import { checkDelays, checkRetryPolicy, checkVisibility, retryDelayMs } from '../../ports/job-queue.js';
import type { Job, JobQueue, JobRequest, QueueRetryPolicy, QueueStats } from '../../ports/job-queue.js';
import type { Db } from './database.js';
import { insertJobs, parseJobId } from './jobs-table.js';
import type { ReadySignal } from './jobs-table.js';
import { createDeadLetters } from './dead-letters.js';

interface JobRow {
  id: number;
  name: string;
  payload: string;
  attempts: number;
  last_error: string | null;
  enqueued_at: number;
}

/** Separates a receipt's lease owner from its random part. */
const OWNER_END = '~';

/** The SQLite queue, with what only a queue in a local file can do: release leases whose holder is known dead. */
export interface SqliteJobQueue extends JobQueue {
  /** The owner named in every lease this queue takes (its receipts start with it). */
  readonly owner: string;
  /**
   * Makes leased jobs receivable at once, keeping the attempt their receive counted (a lapse, as if their
   * visibility had ended); returns how many. `owner`: only leases taken under that name; omitted: every lease.
   * Only for holders known to be dead: every lease when the DATA_DIR lock was just taken over from a dead process,
   * a job thread's name when that thread has exited.
   */
  releaseLeases(options?: { owner?: string }): number;
}

export interface SqliteJobQueueOptions {
  clock: Clock;
  signal: ReadySignal;
  retry: QueueRetryPolicy;
  /**
   * Names the holder of this queue's leases (letters, digits and `._:/-`): a job thread's slot keeps its name across
   * restarts, so the thread that replaces a crashed one can release what it held. Default: a fresh random name.
   */
  owner?: string;
}

/** The durable job queue kept in the `jobs` and `dead_jobs` tables of the store's SQLite file. */
export function createSqliteJobQueue(db: Db, options: SqliteJobQueueOptions): SqliteJobQueue {
  const { clock, signal, retry } = options;
  checkRetryPolicy(retry);
  const owner = options.owner ?? randomUUID();
  if (!/^[\w.:/-]{1,100}$/.test(owner)) throw new RangeError(`invalid lease owner: ${JSON.stringify(owner)}`);
  const ownerPrefix = `${owner}${OWNER_END}`;

  // `LIMIT +?`, not `LIMIT ?`: this SQLite (3.53) reads a bare LIMIT parameter's value when it plans, so every
  // binding expires the statement and its next run prepares it again (measured at 200 posts/s: ~4% of the job
  // thread's CPU, with the fan-out's insertRange; 15.3 against 10.2 µs a call). An expression is not read: same plan.
  const selectDue = db.prepare<[number, number], JobRow>(
    'SELECT id, name, payload, attempts, last_error, enqueued_at FROM jobs WHERE run_at <= ? ORDER BY run_at, id LIMIT +?',
  );
  const claim = db.prepare<[number, string, number, number]>(
    'UPDATE jobs SET attempts = ?, receipt = ?, run_at = ? WHERE id = ?',
  );
  const selectHeld = db.prepare<[number, string], { attempts: number }>(
    'SELECT attempts FROM jobs WHERE id = ? AND receipt = ?',
  );
  const deleteHeld = db.prepare<[number, string]>('DELETE FROM jobs WHERE id = ? AND receipt = ?');
  const extendHeld = db.prepare<[number, number, string]>('UPDATE jobs SET run_at = ? WHERE id = ? AND receipt = ?');
  // The attempt goes back too: the job never ran.
  const releaseHeld = db.prepare<[number, number, string]>(
    'UPDATE jobs SET run_at = ?, receipt = NULL, attempts = attempts - 1 WHERE id = ? AND receipt = ?',
  );
  // Leases still running (run_at ahead); one that has lapsed is receivable already.
  const releaseAll = db.prepare<[number, number]>(
    'UPDATE jobs SET run_at = ?, receipt = NULL WHERE run_at > ? AND receipt IS NOT NULL',
  );
  const releaseOwned = db.prepare<[number, number, number, string]>(
    'UPDATE jobs SET run_at = ?, receipt = NULL WHERE run_at > ? AND substr(receipt, 1, ?) = ?',
  );
  const deleteJob = db.prepare<[number]>('DELETE FROM jobs WHERE id = ?');
  const scheduleRetry = db.prepare<[number, string, number]>(
    'UPDATE jobs SET run_at = ?, last_error = ?, receipt = NULL WHERE id = ?',
  );
  const bury = db.prepare<[string, number, number]>(
    `INSERT INTO dead_jobs (id, name, payload, attempts, last_error, enqueued_at, died_at)
     SELECT id, name, payload, attempts, ?, enqueued_at, ? FROM jobs WHERE id = ?`,
  );
  const countReady = db.prepare<[number], { ready: number; oldest: number | null }>(
    'SELECT COUNT(*) AS ready, MIN(run_at) AS oldest FROM jobs WHERE run_at <= ?',
  );
  const countPending = db.prepare<[number], { pending: number; inFlight: number }>(
    'SELECT COUNT(*) AS pending, COUNT(receipt) AS inFlight FROM jobs WHERE run_at > ?',
  );

  const dead = createDeadLetters(db, clock, signal);

  const enqueueTx = db.transaction((jobs: readonly JobRequest[]) => insertJobs(db, jobs, clock.now()));

  const receiveTx = db.transaction((max: number, visibilityMs: number): Job[] => {
    const now = clock.now();
    const received: Job[] = [];
    while (received.length < max) {
      const rows = selectDue.all(now, max - received.length);
      let buried = 0;
      for (const row of rows) {
        if (row.attempts >= retry.maxAttempts) {
          // Its last delivery lapsed without ack or fail (a crashed or too slow worker): that was its final attempt.
          const lapse = `visibility timeout expired on attempt ${row.attempts} of ${retry.maxAttempts}`;
          bury.run(row.last_error ? `${lapse}; previous error: ${row.last_error}` : lapse, now, row.id);
          deleteJob.run(row.id);
          buried += 1;
          continue;
        }
        const attempts = row.attempts + 1;
        const receipt = `${ownerPrefix}${randomUUID()}`;
        claim.run(attempts, receipt, now + visibilityMs, row.id);
        received.push({
          id: String(row.id),
          name: row.name,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
          attempts,
          enqueuedAt: row.enqueued_at,
          receipt,
        });
      }
      // Only buried rows leave room that more due rows could fill.
      if (buried === 0) break;
    }
    return received;
  });

  const ackBatchTx = db.transaction((jobs: readonly Job[]) => {
    for (const job of jobs) {
      const id = parseJobId(job.id);
      if (id !== null) deleteHeld.run(id, job.receipt);
    }
  });

  // The acks first: a job acked here is never received again by the same call.
  const ackAndReceiveTx = db.transaction((acks: readonly Job[], max: number, visibilityMs: number): Job[] => {
    ackBatchTx(acks);
    return max < 1 ? [] : receiveTx(max, visibilityMs);
  });

  /** Runs `statement` for each job with a well-formed id; returns the jobs it changed. */
  const eachHeld = db.transaction((jobs: readonly Job[], run: (id: number, receipt: string) => number): Job[] =>
    jobs.filter((job) => {
      const id = parseJobId(job.id);
      return id !== null && run(id, job.receipt) > 0;
    }),
  );

  const failTx = db.transaction((id: number, receipt: string, error: string): 'retry' | 'dead' | null => {
    const held = selectHeld.get(id, receipt);
    if (!held) return null;
    const now = clock.now();
    if (held.attempts >= retry.maxAttempts) {
      bury.run(error, now, id);
      deleteJob.run(id);
      return 'dead';
    }
    scheduleRetry.run(now + retryDelayMs(retry, held.attempts), error, id);
    return 'retry';
  });

  const statsTx = db.transaction((): QueueStats => {
    const now = clock.now();
    const ready = countReady.get(now) ?? { ready: 0, oldest: null };
    const pending = countPending.get(now) ?? { pending: 0, inFlight: 0 };
    return {
      ready: ready.ready,
      inFlight: pending.inFlight,
      delayed: pending.pending - pending.inFlight,
      dead: dead.count(),
      oldestReadyAgeMs: ready.oldest === null ? 0 : Math.max(0, now - ready.oldest),
    };
  });

  return {
    owner,

    async enqueue(jobs) {
      if (jobs.length === 0) return;
      checkDelays(jobs);
      enqueueTx.immediate(jobs);
      signal.notify();
    },

    async receive({ max, visibilityMs }) {
      checkVisibility(visibilityMs);
      if (max < 1) return [];
      // IMMEDIATE takes the write lock before reading, so two connections cannot claim the same rows.
      return receiveTx.immediate(Math.floor(max), visibilityMs);
    },

    async ack(job) {
      const id = parseJobId(job.id);
      if (id !== null) deleteHeld.run(id, job.receipt);
    },

    async ackBatch(jobs) {
      if (jobs.length > 0) ackBatchTx.immediate(jobs);
    },

    async ackAndReceive(acks, { max, visibilityMs }) {
      checkVisibility(visibilityMs);
      return ackAndReceiveTx.immediate(acks, Math.max(0, Math.floor(max)), visibilityMs);
    },

    async extend(jobs, visibilityMs) {
      checkVisibility(visibilityMs);
      if (jobs.length === 0) return [];
      const until = clock.now() + visibilityMs;
      return eachHeld.immediate(jobs, (id, receipt) => extendHeld.run(until, id, receipt).changes);
    },

    async release(jobs) {
      if (jobs.length === 0) return;
      const now = clock.now();
      const released = eachHeld.immediate(jobs, (id, receipt) => releaseHeld.run(now, id, receipt).changes);
      if (released.length > 0) signal.notify();
    },

    releaseLeases(scope = {}) {
      const now = clock.now();
      const prefix = scope.owner === undefined ? null : `${scope.owner}${OWNER_END}`;
      const released = prefix
        ? releaseOwned.run(now, now, prefix.length, prefix).changes
        : releaseAll.run(now, now).changes;
      if (released > 0) signal.notify();
      return released;
    },

    async fail(job, error) {
      const id = parseJobId(job.id);
      const outcome = id === null ? null : failTx.immediate(id, job.receipt, error);
      // A stale receipt changes nothing: whoever holds the job now decides, so from here it will run again.
      return outcome ?? 'retry';
    },

    async stats() {
      return statsTx();
    },

    async listDead(options) {
      return dead.list(options);
    },

    async redrive(ids) {
      return dead.redrive(ids);
    },

    onReady(listener) {
      return signal.on(listener);
    },
  };
}
