import { breathe } from './payloads.js';

/**
 * Runs `batch` (which handles at most `batchSize` items and says how many it handled) until one comes back short,
 * so nothing is left, or `maxBatches` have run, yielding the event loop between batches. True when it ended on a
 * short batch; false when it stopped at `maxBatches` with work possibly left (the next run, or a job of its own,
 * carries on).
 */
export async function boundedSweep(
  batchSize: number,
  maxBatches: number,
  batch: () => Promise<number>,
): Promise<boolean> {
  for (let n = 0; n < maxBatches; n++) {
    if (n > 0) await breathe(0);
    if ((await batch()) < batchSize) return true;
  }
  return false;
}
