import { reindexStep } from '../../domain/search-reindex.js';
import { REINDEX_KINDS } from '../../ports/search-reindex.js';
import type { Db } from './database.js';
import { insertJobs } from './jobs-table.js';

/** The run id of the reindex migration 18 queues. */
export const MIGRATION_REINDEX_RUN = 'migration-18';

/**
 * Migration 18's data step: when the file has statuses or accounts, starts a reindex run of both kinds (state rows
 * and first steps, in the migration's transaction); the server's workers run it. A new, empty file queues nothing.
 */
export function queueSearchReindex(db: Db): void {
  const has = (table: string) => db.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined;
  if (!has('statuses') && !has('users')) return;
  const now = Date.now(); // migrations run before any clock is wired; the start time is informational
  const start = db.prepare(
    'INSERT INTO search_reindex (kind, run, cursor, done, read, started_at) VALUES (?, ?, NULL, 0, 0, ?)',
  );
  for (const kind of REINDEX_KINDS) start.run(kind, MIGRATION_REINDEX_RUN, now);
  insertJobs(
    db,
    REINDEX_KINDS.map((kind) => reindexStep(kind, MIGRATION_REINDEX_RUN, null)),
    now,
  );
}
