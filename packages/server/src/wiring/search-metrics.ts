import { Counter, type Registry } from 'prom-client';
import type { StatusSearchService } from '../services/status-search.js';

/**
 * Status search's first pages by outcome: `shared` (answered from a read made for the same words within
 * SEARCH_FIRST_PAGE_TTL_MS) or `read` (read the index). Their ratio is how much the share saves for the queries
 * people really send (the search bench reports it).
 */
export function registerSearchMetrics(registry: Registry, search: Pick<StatusSearchService, 'firstPageCounts'>): void {
  new Counter({
    name: 'tweeter_search_first_pages_total',
    help: 'Status search first pages: shared (from a read of the same words within the share window) or read',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      // The counts live in the service (it has no registry); copied at each scrape.
      const counts = search.firstPageCounts();
      this.reset();
      this.inc({ outcome: 'shared' }, counts.shared);
      this.inc({ outcome: 'read' }, counts.read);
    },
  });
}
