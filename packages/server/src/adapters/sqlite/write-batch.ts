import type { SqliteWriter } from './writer.js';

/**
 * Runs `work` (many small store writes, awaited one after another) as one request of the writer: the writes inside
 * run inline in its transaction (each repository transaction a savepoint), so the batch commits once instead of once
 * per write. For a single user of the store such as the population tool.
 */
export function sqliteWriteBatch(writer: SqliteWriter): <T>(work: () => Promise<T>) => Promise<T> {
  return (work) => writer.batch(work);
}
