import { idFloor } from './ids.js';

export const DAY_MS = 86_400_000;

/**
 * The smallest message id a board still shows, or undefined when it keeps everything. Ids are ULIDs, so the
 * cut-off is a key bound: messages past the retention period vanish from reads at once, before any purge.
 */
export function retentionFloor(retentionDays: number | null, now: number): string | undefined {
  return retentionDays === null ? undefined : idFloor(now - retentionDays * DAY_MS);
}
