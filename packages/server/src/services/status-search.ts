import { LIMITS, queryTerms, tagTerm, type Page, type PageQuery, type Status, type TagTrends } from '@tweeter/shared';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import { hourOf, type SearchHit, type StatusSearchRepo } from '../ports/status-search.js';
import { SearchFirstPages } from './search-first-pages.js';
import { JsonBytes } from './json-bytes.js';
import type { StatusHydrator } from './status-hydrator.js';
import { pushStatusJson, type StatusJson } from './status-json.js';

/** Index entries one request reads at most, over all its rounds (the bound on a search's work). */
export const SEARCH_SCAN_MAX = 2_000;
/** Rounds of "read matches, drop what the viewer may not see" one request runs at most. */
const ROUNDS_MAX = 8;

/**
 * Status search, hashtag pages and trends. Matches come from the index newest first; those the viewer may not see
 * (blocked either way or muted: `Visibility.feedHidden`) and statuses deleted since they were indexed are dropped
 * BEFORE the page is cut, reading on until the page is full, so a page is never short while more results exist
 * (within SEARCH_SCAN_MAX entries a request: past it, a page may come back short, with a cursor to read on).
 * The cursor is the index position of the page's last status, so later posts never shift the next page. A first
 * page's index read is shared by the requests of the same words for a second (search-first-pages.ts). The routes
 * take a page as JSON bytes (`statusesJson`, `tagJson`): each status copied from the hydrator's cached bytes, as the
 * feed does, instead of built as an object and serialized again per request.
 */
export class StatusSearchService {
  private readonly firstPages: SearchFirstPages;

  constructor(
    private readonly deps: {
      search: StatusSearchRepo;
      hydrator: StatusHydrator;
      visibility: Pick<Visibility, 'feedHidden'>;
      clock: Clock;
      /** How long a first page's index read is shared (0: never); SEARCH_FIRST_PAGE_TTL_MS when not given. */
      firstPageTtlMs?: number;
    },
  ) {
    this.firstPages = new SearchFirstPages(deps.clock, deps.firstPageTtlMs);
  }

  /** How many first pages were served from a shared index read, and how many read the index, since start. */
  firstPageCounts(): { shared: number; read: number } {
    return { ...this.firstPages.counts };
  }

  /** Statuses containing every word of `q` (a query of only ignored words finds nothing). */
  statuses(viewer: string, q: string, query: PageQuery): Promise<Page<Status>> {
    return this.page(viewer, queryTerms(q), query, this.objects(viewer));
  }

  /** Statuses with the hashtag `tag` (checked by the route), newest first. */
  tag(viewer: string, tag: string, query: PageQuery): Promise<Page<Status>> {
    return this.page(viewer, [tagTerm(tag)], query, this.objects(viewer));
  }

  /** `statuses` as JSON bytes: byte for byte `JSON.stringify` of that page. */
  async statusesJson(viewer: string, q: string, query: PageQuery): Promise<Buffer> {
    return pageJson(await this.page(viewer, queryTerms(q), query, this.json(viewer)));
  }

  /** `tag` as JSON bytes: byte for byte `JSON.stringify` of that page. */
  async tagJson(viewer: string, tag: string, query: PageQuery): Promise<Buffer> {
    return pageJson(await this.page(viewer, [tagTerm(tag)], query, this.json(viewer)));
  }

  private objects(viewer: string): Hydrate<Status> {
    return async (ids) => new Map((await this.deps.hydrator.byIds(ids, viewer)).map((s) => [s.id, s]));
  }

  private json(viewer: string): Hydrate<StatusJson> {
    return (ids) => this.deps.hydrator.jsonByIdsKeyed(ids, viewer);
  }

  /** The hashtags posted by the most distinct accounts over the last 24 hours (this hour and the 23 before). */
  async trends(): Promise<TagTrends> {
    const now = hourOf(this.deps.clock.now());
    return { items: await this.deps.search.trends({ from: now - 23, to: now }, LIMITS.trendsMax) };
  }

  private async page<T>(
    viewer: string,
    terms: readonly string[],
    query: PageQuery,
    hydrate: Hydrate<T>,
  ): Promise<Page<T>> {
    const limit = query.limit;
    let position = decodeCursor(query.cursor, KeyCursor)?.k;
    if (terms.length === 0) return { items: [], nextCursor: null };
    const shown: { hit: SearchHit; status: T }[] = [];
    let budget = SEARCH_SCAN_MAX;
    let exhausted = false;
    for (let round = 0; round < ROUNDS_MAX && shown.length <= limit && budget > 0; round++) {
      const want = limit + 1 - shown.length;
      const load = () =>
        this.deps.search.search(terms, {
          ...(position === undefined ? {} : { after: position }),
          limit: want,
          scan: budget,
        });
      // The first read of a first page is the same for every viewer: shared for a moment (filtering is per viewer).
      const read = round === 0 && position === undefined ? await this.firstPages.read(terms, want, load) : await load();
      budget -= Math.max(want, read.hits.length);
      shown.push(...(await this.visible(viewer, read.hits, hydrate)));
      position = read.next ?? undefined;
      if (read.next === null) {
        exhausted = true;
        break;
      }
    }
    if (shown.length > limit) {
      const page = shown.slice(0, limit);
      const last = page.at(-1);
      return { items: page.map((s) => s.status), nextCursor: last ? encodeCursor({ k: last.hit.key }) : null };
    }
    const nextCursor = exhausted || position === undefined ? null : encodeCursor({ k: position });
    return { items: shown.map((s) => s.status), nextCursor };
  }

  // The hits the viewer may see, in order, with their statuses (hits of statuses deleted since are left out).
  private async visible<T>(
    viewer: string,
    hits: readonly SearchHit[],
    hydrate: Hydrate<T>,
  ): Promise<{ hit: SearchHit; status: T }[]> {
    if (hits.length === 0) return [];
    const hidden = await this.deps.visibility.feedHidden(
      viewer,
      hits.map((h) => h.author),
    );
    const kept = hits.filter((h) => !hidden.has(h.author));
    const statuses = await hydrate(kept.map((h) => h.statusId));
    const out: { hit: SearchHit; status: T }[] = [];
    for (const hit of kept) {
      const status = statuses.get(hit.statusId);
      if (status) out.push({ hit, status });
    }
    return out;
  }
}

/** The statuses of these ids by id (a status deleted since it was indexed is absent). */
type Hydrate<T> = (ids: readonly string[]) => Promise<Map<string, T>>;

function pageJson(page: Page<StatusJson>): Buffer {
  const body = new JsonBytes().push('{"items":[');
  page.items.forEach((status, i) => {
    if (i > 0) body.push(',');
    pushStatusJson(body, status).push('}');
  });
  return body.push(`],"nextCursor":${JSON.stringify(page.nextCursor)}}`).toBuffer();
}
