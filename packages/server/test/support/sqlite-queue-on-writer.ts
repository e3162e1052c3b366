import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../../src/adapters/sqlite/jobs-table.js';
import { GROUP_COMMIT } from '../../src/adapters/sqlite/open.js';
import { createSqliteStore } from '../../src/adapters/sqlite/store.js';
import { routeWrites } from '../../src/adapters/sqlite/write-routing.js';
import { SqliteWriter } from '../../src/adapters/sqlite/writer.js';
import type { LoggerLike } from '../../src/jobs/worker-pool.js';
import { systemClock } from '../../src/ports/clock.js';
import type { JobQueue } from '../../src/ports/job-queue.js';

export const silentLogger: LoggerLike = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The SQLite job queue as the job thread holds it: on a fresh file, every write (receive, ack) a request of one writer. */
export interface QueueOnWriter {
  /** The SQLite file (another connection may open it, as another process would). */
  path: string;
  queue: JobQueue;
  writer: SqliteWriter;
  /** Closes the writer and the file, and removes its directory. */
  close(): Promise<void>;
}

/** `observe` sees each queue or store write's method and answer (e.g. to count the receives that found jobs). */
export function sqliteQueueOnWriter(prefix: string, observe?: (method: string, value: unknown) => void): QueueOnWriter {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'queue.db');
  const db = openDatabase(path);
  const signal = new ReadySignal();
  const retry = { maxAttempts: 3, backoffBaseMs: 5, maxBackoffMs: 20 };
  const plainQueue = createSqliteJobQueue(db, { clock: systemClock, signal, retry });
  const store = createSqliteStore(db, { clock: systemClock, signal });
  const writer = new SqliteWriter(db, GROUP_COMMIT);
  const queue = routeWrites(store, plainQueue, async (_target, method, _args, priority, call) => {
    const value = await writer.submit(priority, call);
    observe?.(method, value);
    return value;
  }).queue;
  return {
    path,
    queue,
    writer,
    async close() {
      await writer.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
