import type { Config } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { Store } from '../../ports/store.js';
import type { StorageOptions } from '../../storage.js';
import { openDatabase, type Db } from './database.js';
import { createSqliteJobQueue, type SqliteJobQueue } from './job-queue.js';
import { ReadySignal } from './jobs-table.js';
import { createSqliteStore } from './store.js';

/** The embedded shape: store and queue in one SQLite file under DATA_DIR. */
export function openSqlite(
  config: Config,
  clock: Clock,
  options: StorageOptions = {},
): { store: Store; queue: SqliteJobQueue; db: Db } {
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
  // Taking over a name: whoever held leases under it before has exited (see StorageOptions.leaseOwner).
  if (options.leaseOwner !== undefined) queue.releaseLeases({ owner: options.leaseOwner });
  return { store, queue, db };
}
