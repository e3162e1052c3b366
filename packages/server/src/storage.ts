import type { Config } from './config/config.js';
import type { Clock } from './ports/clock.js';
import type { JobQueue } from './ports/job-queue.js';
import type { Store } from './ports/store.js';

/** The store and the job queue of one shape (on SQLite they share one transaction boundary). */
export interface Storage {
  store: Store;
  queue: JobQueue;
}

/**
 * Opens the configured storage. Adapters are loaded on demand so that one shape never loads another's
 * modules: the Lambda bundles leave the native better-sqlite3 out, and nothing requires it until asked for.
 */
export async function openStorage(config: Config, clock: Clock): Promise<Storage> {
  const { openSqlite } = await import('./adapters/sqlite/storage.js');
  return openSqlite(config, clock);
}
