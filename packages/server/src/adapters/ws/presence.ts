/** Counters in the table: a power of two (a slot is the hash's low bits); 256 KB shared. */
const SLOTS = 1 << 16;

/**
 * Who has an identified stream connection in this process, readable from another thread without a message: a table
 * of counters in a SharedArrayBuffer, a slot per hash of the alias. The HTTP thread (which owns the sockets) counts a
 * user's connections in before it indexes them and out after it drops them; a job thread asks whether any recipient
 * of a push may be connected before it builds the push (a status hydrated, a notification presented), which at 200
 * posts/s with nobody connected was a fifth of what the job thread allocated (docs/benchmarks.md, issue 19 `s10-post`).
 * Two aliases may share a slot: a false "maybe" only builds a push nobody gets, as before; a "no" is never stale
 * (Atomics: a connection counted before the check is seen by it). A connection counted after the check is one whose
 * client reads the feed or the count after connecting, and the write the push told of is committed before the check.
 */
export class Presence {
  private readonly counts: Int32Array;

  /** A new table, or (in another thread) the view of one whose `buffer` was handed over. */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT)) {
    this.counts = new Int32Array(buffer);
    if (this.counts.length !== SLOTS) throw new Error(`a presence table has ${SLOTS} slots`);
  }

  /** A connection of `alias` was identified (before it can be found by alias). */
  enter(alias: string): void {
    Atomics.add(this.counts, slot(alias), 1);
  }

  /** A connection of `alias` is gone (after it can no longer be found). */
  leave(alias: string): void {
    Atomics.sub(this.counts, slot(alias), 1);
  }

  /** false when none of these users has a connection now; true when one may have. */
  anyOf(aliases: readonly string[]): boolean {
    for (const alias of aliases) if (Atomics.load(this.counts, slot(alias)) > 0) return true;
    return false;
  }
}

/** FNV-1a over the UTF-16 code units, folded to a slot. */
function slot(alias: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < alias.length; i++) {
    h ^= alias.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & (SLOTS - 1);
}
