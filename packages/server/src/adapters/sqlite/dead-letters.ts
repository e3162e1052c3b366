import type { Clock } from '../../ports/clock.js';
import type { DeadJob } from '../../ports/job-queue.js';
import type { Db } from './database.js';
import { parseJobId, type ReadySignal } from './jobs-table.js';

interface DeadJobRow {
  id: number;
  name: string;
  payload: string;
  attempts: number;
  last_error: string;
  enqueued_at: number;
  died_at: number;
}

/** The queue's dead letters (the `dead_jobs` table): counted, listed and moved back to `jobs` (redrive). */
export interface DeadLetters {
  count(): number;
  list(options: { limit: number; after?: string }): DeadJob[];
  /** Moves these dead jobs (or all) back to the queue, due now with no attempts counted; returns how many. */
  redrive(ids: readonly string[] | 'all'): number;
}

export function createDeadLetters(db: Db, clock: Clock, signal: ReadySignal): DeadLetters {
  const countDead = db.prepare<[], { dead: number }>('SELECT COUNT(*) AS dead FROM dead_jobs');
  const selectDead = db.prepare<[number, number], DeadJobRow>(
    'SELECT id, name, payload, attempts, last_error, enqueued_at, died_at FROM dead_jobs WHERE id > ? ORDER BY id LIMIT +?',
  );
  const reviveColumns = 'INSERT INTO jobs (id, name, payload, attempts, run_at, receipt, last_error, enqueued_at)';
  const reviveOne = db.prepare<[number, number]>(
    `${reviveColumns} SELECT id, name, payload, 0, ?, NULL, last_error, enqueued_at FROM dead_jobs WHERE id = ?`,
  );
  const reviveAll = db.prepare<[number]>(
    `${reviveColumns} SELECT id, name, payload, 0, ?, NULL, last_error, enqueued_at FROM dead_jobs`,
  );
  const deleteDead = db.prepare<[number]>('DELETE FROM dead_jobs WHERE id = ?');
  const deleteAllDead = db.prepare<[]>('DELETE FROM dead_jobs');

  const redriveTx = db.transaction((ids: readonly string[] | 'all'): number => {
    const now = clock.now();
    if (ids === 'all') {
      const moved = reviveAll.run(now).changes;
      deleteAllDead.run();
      return moved;
    }
    let moved = 0;
    for (const raw of new Set(ids)) {
      const id = parseJobId(raw);
      if (id === null) continue;
      if (reviveOne.run(now, id).changes === 0) continue;
      deleteDead.run(id);
      moved += 1;
    }
    return moved;
  });

  return {
    count: () => countDead.get()?.dead ?? 0,

    list({ limit, after }) {
      let afterId = 0;
      if (after !== undefined) {
        const parsed = parseJobId(after);
        if (parsed === null) throw new RangeError(`invalid dead job id: ${after}`);
        afterId = parsed;
      }
      return selectDead.all(afterId, Math.max(0, Math.floor(limit))).map(toDeadJob);
    },

    redrive(ids) {
      const moved = redriveTx.immediate(ids);
      if (moved > 0) signal.notify();
      return moved;
    },
  };
}

function toDeadJob(row: DeadJobRow): DeadJob {
  return {
    id: String(row.id),
    name: row.name,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    attempts: row.attempts,
    lastError: row.last_error,
    enqueuedAt: row.enqueued_at,
    diedAt: row.died_at,
  };
}
