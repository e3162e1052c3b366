import type { PageReads } from '../../ports/page-reads.js';
import type { Db } from './database.js';

/**
 * A feed page's statements in one read transaction on a read-only connection. A statement outside a transaction
 * opens and closes a read transaction of its own: a shared lock taken and dropped with two `fcntl` calls and an
 * `fstat`, ~6 µs of the ~6.5 µs a one-row seek costs (an in-process probe); a page runs four or more. Inside one
 * `BEGIN` they share one, and the page ends it (not the turn, not a timer), so the lock is held for one page's
 * time, about what its statements took apart, and never across I/O: SQLite's reads are synchronous, and a page
 * awaits nothing else. Only on a read-only connection: the writer's connection never holds a reader's transaction.
 *
 * Pages interleave at their awaits (microtasks): a page that starts while another holds the transaction reads in it
 * (the same snapshot, taken within the same turn), and once the owner ends it the rest of its reads run on their own.
 */
export function createPageReads(db: Db): PageReads {
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  return {
    async run(read) {
      if (db.inTransaction) return read();
      begin.run();
      try {
        return await read();
      } finally {
        if (db.inTransaction) commit.run();
      }
    },
  };
}
