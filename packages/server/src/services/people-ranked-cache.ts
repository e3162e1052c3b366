import type { Clock } from '../ports/clock.js';

/** How long a broad query's ranked list is reused: new, renamed or newly followed accounts show within this. */
export const PEOPLE_RANKED_TTL_MS = 30_000;

/** Broad queries kept: short prefixes are few (a few thousand cover what people type), each list ≤ 200 aliases. */
export const PEOPLE_RANKED_ENTRIES_MAX = 2_000;

/**
 * The ranked alias lists of broad people queries (those whose index read reached the candidate cap: one to a few
 * letters), per normalized query text, for PEOPLE_RANKED_TTL_MS. Such a query reads and ranks up to 200 accounts;
 * reusing its list makes it cost what its page costs. Only the ranking is reused: the block filter, the records and
 * the viewer's relations are read for every request, so blocks and deletions are never late.
 */
export class PeopleRankedCache {
  private readonly entries = new Map<string, { ranked: readonly string[]; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = PEOPLE_RANKED_TTL_MS,
    private readonly max = PEOPLE_RANKED_ENTRIES_MAX,
  ) {}

  get(key: string): readonly string[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.clock.now()) return entry.ranked;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, ranked: readonly string[]): void {
    if (this.ttlMs <= 0) return;
    // Oldest first out (Map keeps insertion order): a bounded memory whatever the queries.
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { ranked, until: this.clock.now() + this.ttlMs });
  }
}
