// The embedded shape's half of opening stores (loaded on demand by stores.ts, so the AWS shape never loads
// better-sqlite3): the store and queue in DATA_DIR/tweeter.db, its one writer or the way to it, and the checkpoint
// thread.

import { startBackgroundCheckpoints } from '../adapters/sqlite/checkpointer.js';
import { CHECKPOINT_CADENCE, openSqlite } from '../adapters/sqlite/open.js';
import { hasSqlitePatch } from '../adapters/sqlite/database.js';
import { cachePulled } from '../adapters/pulled-accounts-cache.js';
import { createSqlitePopulationWriter } from '../adapters/sqlite/population-writer.js';
import { sqliteWriteBatch } from '../adapters/sqlite/write-batch.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../ports/clock.js';
import type { OpenedStores, OpenOptions } from './stores.js';

/** Opens (creating and migrating) the database file; with `backgroundCheckpoints`, starts the checkpoint thread. */
export function openEmbeddedStores(config: Config, clock: Clock, options: OpenOptions): OpenedStores {
  const opened = openSqlite(config, clock, options);
  const { db, queue, releasedLeases, writer, remote } = opened;
  if (options.warnUnpatched && !hasSqlitePatch(db))
    options.warnUnpatched(
      "better-sqlite3 runs without Tweeter's SQLite patch (npm install applies it: packages/server/sqlite-patch); " +
        "a COMMIT after a B-tree split walks the writer's whole page cache",
    );
  // Every mark goes through this process (the post's and the repost's services), so feed pages read the pulled
  // accounts from a copy its `markPulled` drops, not a statement with a read lock of its own on every page.
  const store = { ...opened.store, users: cachePulled(opened.store.users, () => clock.now()) };
  const checkpoints = options.backgroundCheckpoints
    ? startBackgroundCheckpoints(db, { ...options.backgroundCheckpoints, cadence: CHECKPOINT_CADENCE })
    : null;
  const writeBatch = writer && sqliteWriteBatch(writer);
  return {
    value: { store, queue },
    writeBatch,
    populationWriter: writeBatch && createSqlitePopulationWriter(db, writeBatch),
    remoteWrites: remote,
    releasedLeases,
    verify: async () => undefined,
    async close() {
      remote?.close();
      await checkpoints?.stop();
    },
  };
}
