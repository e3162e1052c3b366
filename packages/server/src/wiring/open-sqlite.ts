// The embedded shape's half of opening stores (loaded on demand by stores.ts, so the AWS shape never loads
// better-sqlite3): the store and queue in DATA_DIR/tweeter.db, its write batch, and the checkpoint thread.

import { startBackgroundCheckpoints } from '../adapters/sqlite/checkpointer.js';
import { openSqlite } from '../adapters/sqlite/open.js';
import { sqliteWriteBatch } from '../adapters/sqlite/write-batch.js';
import type { Config } from '../config/config.js';
import type { Clock } from '../ports/clock.js';
import type { OpenedStores, OpenOptions } from './stores.js';

/** Opens (creating and migrating) the database file; with `backgroundCheckpoints`, starts the checkpoint thread. */
export function openEmbeddedStores(config: Config, clock: Clock, options: OpenOptions): OpenedStores {
  const { db, store, queue, releasedLeases } = openSqlite(config, clock, options);
  const checkpoints = options.backgroundCheckpoints
    ? startBackgroundCheckpoints(db, options.backgroundCheckpoints)
    : null;
  return {
    value: { store, queue },
    writeBatch: sqliteWriteBatch(db),
    releasedLeases,
    verify: async () => undefined,
    async close() {
      await checkpoints?.stop();
    },
  };
}
