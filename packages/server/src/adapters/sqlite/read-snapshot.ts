import type { Db } from './database.js';

/**
 * Runs `work`'s reads on a read connection in one read transaction: each statement outside a transaction takes and
 * drops WAL read locks of its own (shared-memory locks, ~5 µs a statement here), which a feed page paid 5-6 times.
 *
 * Only on a read-only connection (the writer's connection must never hold a read transaction open across its
 * group commits). The snapshot is bounded to the current run of microtasks: a page over SQLite reads synchronously,
 * so it completes in that run; if `work` ever awaits real I/O, a `process.nextTick` ends the transaction before
 * any other callback (a writer's answer, another request) can read through a snapshot older than its own write.
 * A scope that starts inside another one joins it; the one that began the transaction ends it.
 */
export function createReadSnapshot(db: Db): <T>(work: () => Promise<T>) => Promise<T> {
  if (!db.readonly) return (work) => work();
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const end = (): void => {
    if (db.open && db.inTransaction) commit.run();
  };
  return async (work) => {
    if (db.inTransaction) return work();
    begin.run();
    process.nextTick(end);
    try {
      return await work();
    } finally {
      end();
    }
  };
}
