import type { Statement } from 'better-sqlite3';
import type { JobRequest } from '../../ports/job-queue.js';
import type { Db } from './database.js';

const insertStatements = new WeakMap<Db, Statement>();

/**
 * Inserts jobs into the queue table. Synchronous, so store adapters can call it inside their own
 * transaction (the transactional outbox). After the commit, call `signal.notify()` to wake workers.
 */
export function insertJobs(db: Db, jobs: readonly JobRequest[], now: number): void {
  if (jobs.length === 0) return;
  let stmt = insertStatements.get(db);
  if (!stmt) {
    stmt = db.prepare('INSERT INTO jobs (name, payload, run_at, enqueued_at) VALUES (?, ?, ?, ?)');
    insertStatements.set(db, stmt);
  }
  for (const job of jobs) stmt.run(job.name, JSON.stringify(job.payload), now + (job.delayMs ?? 0), now);
}

/** In-process "jobs may be ready" signal shared by the SQLite store (outbox writes) and the queue. */
export class ReadySignal {
  private readonly listeners = new Set<() => void>();

  on(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** A job id as the queue hands it out (a positive integer's digits), or null. */
export function parseJobId(id: string): number | null {
  if (!/^[1-9][0-9]{0,15}$/.test(id)) return null;
  const n = Number(id);
  return Number.isSafeInteger(n) ? n : null;
}
