import type { Config } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import { openDatabase, type Db } from './database.js';
import { createSqliteJobQueue, type SqliteJobQueue } from './job-queue.js';
import { ReadySignal } from './jobs-table.js';
import { createSqliteStore } from './store.js';

/** The embedded shape: store and queue in one SQLite file under DATA_DIR (only the wiring sees the Db). */
export function openSqlite(
  config: Config,
  clock: Clock,
  options: { automaticCheckpoints?: boolean; leaseOwner?: string; releaseEarlierLeases?: boolean } = {},
): { store: Store; queue: SqliteJobQueue; db: Db; releasedLeases: number } {
  const db = openDatabase(config.databaseFile, { automaticCheckpoints: options.automaticCheckpoints });
  const signal = new ReadySignal();
  const store = createSqliteStore(db, { clock, signal });
  const queue = createSqliteJobQueue(db, {
    clock,
    signal,
    retry: {
      maxAttempts: config.jobs.maxAttempts,
      backoffBaseMs: config.jobs.backoffBaseMs,
      maxBackoffMs: config.jobs.backoffMaxMs,
    },
    owner: options.leaseOwner,
  });
  // Taking over leases: whoever held them before has exited (see OpenOptions.leaseOwner and releaseEarlierLeases).
  let releasedLeases = 0;
  if (options.releaseEarlierLeases) releasedLeases = queue.releaseLeases();
  else if (options.leaseOwner !== undefined) releasedLeases = queue.releaseLeases({ owner: options.leaseOwner });
  return { store, queue, db, releasedLeases };
}
