import type { Config } from '../config/config.js';
import { systemClock } from '../ports/clock.js';
import { openStoresChecked } from '../wiring/stores.js';
import type { PopulationPlan } from './graph.js';
import { populate, type PopulationSummary } from './populate.js';
import { createProgress } from './progress.js';

/**
 * Runs a population plan against the store `config` names (progress on stderr), then closes it. The embedded file
 * takes the fast path (hundreds of writes per transaction); DynamoDB takes batch writes (BatchWriteItem of 25).
 */
export async function populateStore(config: Config, plan: PopulationPlan): Promise<PopulationSummary> {
  const opened = await openStoresChecked(config, systemClock);
  try {
    return await populate(plan, {
      store: opened.store,
      clock: systemClock,
      scrypt: { N: config.scryptCost, r: 8, p: 1 },
      progress: createProgress(process.stderr),
      ...(opened.writeBatch ? { writeBatch: opened.writeBatch } : {}),
    });
  } finally {
    await opened.close();
  }
}
