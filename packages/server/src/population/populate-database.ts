import { sqliteWriteBatch } from '../adapters/sqlite/write-batch.js';
import type { Config } from '../config/config.js';
import { openSqlite } from '../adapters/sqlite/storage.js';
import { systemClock } from '../ports/clock.js';
import type { PopulationPlan } from './graph.js';
import { populate, type PopulationSummary } from './populate.js';
import { createProgress } from './progress.js';

/** Runs a population plan against the SQLite file of `config` (progress on stderr), then closes it. */
export async function populateDatabase(config: Config, plan: PopulationPlan): Promise<PopulationSummary> {
  const { store, db } = openSqlite(config, systemClock);
  try {
    return await populate(plan, {
      store,
      clock: systemClock,
      scrypt: { N: config.scryptCost, r: 8, p: 1 },
      progress: createProgress(process.stderr),
      writeBatch: sqliteWriteBatch(db),
    });
  } finally {
    await store.close();
  }
}
