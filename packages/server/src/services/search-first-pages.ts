import type { Clock } from '../ports/clock.js';
import type { SearchRead } from '../ports/status-search.js';

/** How long the index read of a query's first page is shared: a status indexed meanwhile shows this much later. */
export const SEARCH_FIRST_PAGE_TTL_MS = 1_000;

/** First-page reads kept (oldest out first): each is at most a page and one of hits. */
export const SEARCH_FIRST_PAGES_MAX = 1_000;

/**
 * The index reads of first pages (no cursor), per terms and size, for SEARCH_FIRST_PAGE_TTL_MS. Many people search
 * the same words at once (a trend, a news word); the index read was about half of such a search's CPU. Only the hits
 * are shared: what a viewer may see (blocks, mutes) and the statuses themselves (deleted ones dropped) are read for
 * every request.
 */
export class SearchFirstPages {
  private readonly entries = new Map<string, { read: SearchRead; until: number }>();
  /** First-page reads answered from a shared read, and those that read the index (for /metrics). */
  readonly counts = { shared: 0, read: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly ttlMs = SEARCH_FIRST_PAGE_TTL_MS,
    private readonly max = SEARCH_FIRST_PAGES_MAX,
  ) {}

  async read(terms: readonly string[], limit: number, load: () => Promise<SearchRead>): Promise<SearchRead> {
    if (this.ttlMs <= 0) {
      this.counts.read++;
      return load();
    }
    const key = `${limit}\u0000${terms.join('\u0000')}`;
    const now = this.clock.now();
    const entry = this.entries.get(key);
    if (entry && entry.until > now) {
      this.counts.shared++;
      return entry.read;
    }
    this.counts.read++;
    const read = await load();
    this.entries.delete(key);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { read, until: now + this.ttlMs });
    return read;
  }
}
