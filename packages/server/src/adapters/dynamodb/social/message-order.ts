import { sequenceOf } from '../../../domain/message-ids.js';

// Board message ids come from a per-board sequence (an ADD on the board item), but two writers can finish their
// puts out of sequence order. A reader therefore never returns a message past a missing sequence number that may
// still be written: it stops there until the write lands, or until the slot is older than SETTLE_MS (its writer
// gave up or died), after which the gap is final.

/** After this long a missing sequence number is treated as abandoned (docs/api.md, "Polling"). */
export const SETTLE_MS = 15_000;
/**
 * A writer sends its put within this of asking for its number, or gives the number up and takes a new one; the
 * put itself retries only briefly, so it lands well inside SETTLE_MS.
 */
export const WRITE_BUDGET_MS = 10_000;

export interface Sequenced {
  id: string;
  seq: number;
  /** When the writer had its number (its clock, ms, just after the increment returned). */
  allocatedAt: number;
}

/** Whether a gap just below `row` may still be filled. */
function pending(row: Sequenced, now: number): boolean {
  return now - row.allocatedAt <= SETTLE_MS;
}

/**
 * The settled prefix of an ascending run: rows up to the first gap that may still be filled. `after` is the id the
 * run starts after (its successor is expected next), or undefined when the run has no known predecessor.
 */
export function settledAscending<T extends Sequenced>(rows: readonly T[], after: string | undefined, now: number): T[] {
  const out: T[] = [];
  let expected = after === undefined ? undefined : sequenceOf(after) + 1;
  for (const row of rows) {
    // An `after` that is no id of this board (a foreign or made-up id) decodes to a number beyond the run.
    if (expected !== undefined && row.seq > expected && pending(row, now)) break;
    out.push(row);
    expected = row.seq + 1;
  }
  return out;
}

/**
 * In a newest-first page, the id of the row just above the lowest gap that may still be filled (the page must
 * then end below it), or null when the page is settled.
 */
export function lowestPendingGap(rowsDescending: readonly Sequenced[], now: number): string | null {
  for (let i = rowsDescending.length - 2; i >= 0; i--) {
    const above = rowsDescending[i];
    const below = rowsDescending[i + 1];
    if (above && below && above.seq > below.seq + 1 && pending(above, now)) return above.id;
  }
  return null;
}
