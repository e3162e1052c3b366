import { parseSegments, queryTerms, statusTags, statusTerms } from '@tweeter/shared';
import type { IndexedStatus, StatusSearchRepo } from '../../src/ports/status-search.js';
import type { Store } from '../../src/ports/store.js';

/** A fresh store per case and how to drop it (the store contract's harness, less the queue). */
export interface SearchContractHarness {
  store: Store;
  cleanup: () => Promise<void>;
}

export const HOUR = 3_600_000;
// A whole hour, so `T0 + k * HOUR` falls in hour `hourOf(T0) + k` however the test reads it.
export const T0 = Math.floor(1_780_000_000_000 / HOUR) * HOUR;

/** What the index.status job gives the index for a post (the same shared functions). */
export function indexed(statusId: string, author: string, post: string, createdAt: number): IndexedStatus {
  const segments = parseSegments(post);
  return { statusId, author, createdAt, terms: statusTerms(segments), tags: statusTags(segments) };
}

/** Every hit of a query, page after page with `next`, `limit` at a time. */
export async function all(search: StatusSearchRepo, q: string, limit = 100): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const read = await search.search(queryTerms(q), { ...(after === undefined ? {} : { after }), limit, scan: 1_000 });
    ids.push(...read.hits.map((h) => h.statusId));
    if (read.next === null) return ids;
    after = read.next;
  }
  throw new Error('paging did not end');
}
