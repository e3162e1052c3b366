import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue, type SqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import type { QueueRetryPolicy } from '../src/ports/job-queue.js';
import { ManualClock } from './support/manual-clock.js';

// Leases of the SQLite queue name their owner, so a holder known to be dead (the process whose DATA_DIR lock was
// taken over, a job thread that exited) can have its jobs released at once instead of after their visibility.
describe('sqlite queue: releasing the leases of a dead holder', () => {
  const retry: QueueRetryPolicy = { maxAttempts: 2, backoffBaseMs: 1_000, maxBackoffMs: 5_000 };
  const HOLD_MS = 600_000;
  let dir: string;
  let dbs: Db[];
  let clock: ManualClock;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-leases-'));
    dbs = [];
    clock = new ManualClock();
  });

  afterEach(() => {
    for (const db of dbs) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A connection to the shared file with its own queue, taking leases as `owner`. */
  function connect(owner?: string): SqliteJobQueue {
    const db = openDatabase(join(dir, 'queue.db'));
    dbs.push(db);
    return createSqliteJobQueue(db, { clock, signal: new ReadySignal(), retry, ...(owner ? { owner } : {}) });
  }

  it("releases one owner's leases, keeping the attempt, and leaves the others' alone", async () => {
    const [a, b] = [connect('boot-1/thread-0'), connect('boot-1/thread-1')];
    const prefixOfA = connect('boot-1/thread'); // a name that is a prefix of another is a different owner
    await a.enqueue([1, 2, 3].map((n) => ({ name: 'lease.test', payload: { n } })));
    const held = {
      a: await a.receive({ max: 2, visibilityMs: HOLD_MS }),
      b: await b.receive({ max: 1, visibilityMs: HOLD_MS }),
    };
    expect([held.a.length, held.b.length]).toEqual([2, 1]);
    for (const job of [...held.a, ...held.b]) expect(job.receipt).toMatch(/~/);

    expect(prefixOfA.releaseLeases({ owner: 'boot-1/thread' })).toBe(0);
    expect(b.releaseLeases({ owner: 'boot-1/thread-0' })).toBe(2);
    const again = await b.receive({ max: 10, visibilityMs: HOLD_MS });
    expect(again.map((job) => job.id).sort()).toEqual(held.a.map((job) => job.id).sort());
    // The released receive counted: this is their second attempt.
    for (const job of again) expect(job.attempts).toBe(2);
    // The old holder's receipts are stale: its ack changes nothing.
    for (const job of held.a) await a.ack(job);
    expect(await a.stats()).toMatchObject({ ready: 0, inFlight: 3 });
  });

  it('releases every lease (the start of a process that took over the DATA_DIR lock)', async () => {
    const [dead, other] = [connect(), connect()];
    await dead.enqueue([1, 2, 3].map((n) => ({ name: 'lease.test', payload: { n } })));
    await dead.enqueue([{ name: 'lease.later', payload: {}, delayMs: 60_000 }]);
    const held = [
      ...(await dead.receive({ max: 2, visibilityMs: HOLD_MS })),
      ...(await other.receive({ max: 1, visibilityMs: HOLD_MS })),
    ];
    expect(held).toHaveLength(3);
    const [failed] = held;
    if (!failed) throw new Error('no job received');
    // A job backing off after a failure holds no lease: its backoff stands.
    expect(await dead.fail(failed, 'boom')).toBe('retry');

    const restarted = connect();
    expect(restarted.releaseLeases()).toBe(2);
    expect(restarted.releaseLeases()).toBe(0);
    const again = await restarted.receive({ max: 10, visibilityMs: HOLD_MS });
    expect(again.map((job) => job.payload['n']).sort()).toEqual(
      held
        .slice(1)
        .map((job) => job.payload['n'])
        .sort(),
    );
    expect(await restarted.stats()).toMatchObject({ ready: 0, inFlight: 2, delayed: 2 });
  });

  it('a job released on its last attempt is dead-lettered as a lapse when it next comes round', async () => {
    const dead = connect();
    await dead.enqueue([{ name: 'lease.last', payload: {} }]);
    for (let attempt = 1; attempt <= retry.maxAttempts; attempt += 1) {
      const [job] = await dead.receive({ max: 1, visibilityMs: HOLD_MS });
      expect(job?.attempts).toBe(attempt);
      expect(connect().releaseLeases()).toBe(1);
    }
    const restarted = connect();
    expect(await restarted.receive({ max: 1, visibilityMs: HOLD_MS })).toEqual([]);
    const [buried] = await restarted.listDead({ limit: 10 });
    expect(buried).toMatchObject({ name: 'lease.last', attempts: retry.maxAttempts });
    expect(buried?.lastError).toMatch(/visibility timeout expired on attempt 2 of 2/);
  });

  it('refuses an owner name that could not be told apart in a receipt', () => {
    expect(() => connect('bad~name')).toThrow(/invalid lease owner/);
  });
});
