import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { createSqliteJobQueue } from '../src/adapters/sqlite/job-queue.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';
import { runSearchReindexContract } from './contract/search-reindex-contract.js';

// The search reindex contract on a SQLite file: the state row and the next step's job in one transaction.
runSearchReindexContract({
  name: 'sqlite',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-reindex-'));
    const db = openDatabase(join(dir, 'tweeter.db'));
    const signal = new ReadySignal();
    const store = createSqliteStore(db, { clock: systemClock, signal });
    const queue = createSqliteJobQueue(db, {
      clock: systemClock,
      signal,
      retry: { maxAttempts: 5, backoffBaseMs: 10, maxBackoffMs: 50 },
    });
    return {
      store,
      queue,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
