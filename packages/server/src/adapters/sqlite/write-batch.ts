import type { Db } from './database.js';

/**
 * Runs `work` (many small store writes, awaited one after another) inside one SQLite transaction: each repository
 * transaction inside becomes a savepoint, so the batch commits once instead of once per write. Only for a
 * connection nothing else uses meanwhile (the population tool): an `await` inside would otherwise interleave.
 */
export function sqliteWriteBatch(db: Db): <T>(work: () => Promise<T>) => Promise<T> {
  return async (work) => {
    db.exec('BEGIN IMMEDIATE');
    try {
      const result = await work();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
  };
}
