import type { Db } from './database.js';

/**
 * The reads of one turn of the event loop in one read transaction, on a read-only connection (the HTTP thread's,
 * beside the job thread's writer). A statement outside a transaction opens and closes a read transaction of its own,
 * and each of those takes and drops a WAL read lock with fcntl(2) on the -shm file: a feed page's four statements
 * made eight such calls, ~4.5 µs a statement in process (docs/benchmarks.md, issue 19, `s13-feed`).
 *
 * `share()` opens the transaction if none is open (BEGIN: the snapshot is taken by the next statement) and closes it
 * once the turn's microtasks are drained (a microtask schedules the COMMIT as a tick, and ticks run after the
 * microtask queue is empty). So it never spans I/O: whatever committed before this turn began (a write a client was
 * told about) is in its snapshot, as with a statement on its own; statements of the same turn just agree on one
 * snapshot. A later part of a request, after real I/O, reads outside it as before.
 *
 * A connection that writes (`writes: 'here'`: the writer's own) never shares: its transactions are the writer's.
 */
export function turnReads(db: Db): () => void {
  let share = shared.get(db);
  if (share === undefined) {
    share = db.readonly ? sharer(db) : () => {};
    shared.set(db, share);
  }
  return share;
}

// One per connection, whichever repository asks: they all read through the same transaction.
const shared = new WeakMap<Db, () => void>();

function sharer(db: Db): () => void {
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  let open = false;
  const end = (): void => {
    open = false;
    if (!db.open || !db.inTransaction) return;
    try {
      commit.run();
    } catch {
      // Not expected on a read transaction; never leave a snapshot pinned: try again once the turn is over.
      open = true;
      setImmediate(end);
    }
  };
  return () => {
    if (open || db.inTransaction || !db.open) return;
    begin.run();
    open = true;
    queueMicrotask(() => process.nextTick(end));
  };
}
