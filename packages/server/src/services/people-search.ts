import { normalizeSearchText, searchWords, type Page, type PeopleSearchQuery, type Profile } from '@tweeter/shared';
import { peopleTerms } from '../domain/people-terms.js';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, PeopleCandidate, PeopleIndex, RelationRepo, UserRepo } from '../ports/store.js';
import { PeopleRankedCache } from './people-ranked-cache.js';
import { decodeOffset, nextOffset, presentProfiles } from './people-profiles.js';
import type { UserPresenter } from './user-presenter.js';

/**
 * Index hits read per kind (alias terms, name words) for one query: the ranking, the block filter and paging work
 * on at most twice this many accounts, so a one-letter query costs what a precise one does (docs/api.md).
 */
export const PEOPLE_CANDIDATES_MAX = 100;

/** How well an account matches: 0 its alias is the query, 1 its alias starts with it, 2 its names match. */
type Rank = 0 | 1 | 2;

/**
 * People search (GET /search/users): prefix of alias, first or last name, case- and accent-insensitive. The
 * query's text is never syntax: it is cut into words (search-normalize.ts) and each word is a prefix to match.
 * Ranked best match first (exact alias, alias prefix, names), then by followers, then alias. Accounts blocked
 * either way are removed before paging, so a page is short only at the end. A broad query's ranking (one that reached
 * the candidate cap) is reused for a while (people-ranked-cache.ts), so it costs what its page costs.
 */
export class PeopleSearchService {
  private readonly cache: PeopleRankedCache;

  constructor(
    private readonly deps: {
      people: PeopleIndex;
      users: UserRepo;
      follows: Pick<FollowRepo, 'existing'>;
      relations: Pick<RelationRepo, 'existing'>;
      visibility: Pick<Visibility, 'blocked'>;
      userPresenter: UserPresenter;
      clock: Clock;
      /** How long a broad query's ranking is reused (0: never); PEOPLE_RANKED_TTL_MS when not given. */
      rankedTtlMs?: number;
    },
  ) {
    this.cache = new PeopleRankedCache(deps.clock, deps.rankedTtlMs);
  }

  async search(viewer: string, query: PeopleSearchQuery): Promise<Page<Profile>> {
    // The cursor is a position in the ranked list before the block filter, so the filter only reads what a page
    // needs: from there, in slices, until the page is full or the list ends (never a short page before the end).
    let position = decodeOffset(query.cursor);
    const ranked = await this.rankedCached(query.q);
    const page: string[] = [];
    while (page.length < query.limit && position < ranked.length) {
      const slice = ranked.slice(position, position + query.limit - page.length + SLACK);
      const blocked = await this.deps.visibility.blocked(viewer, slice);
      for (const alias of slice) {
        position++;
        if (blocked.has(alias)) continue;
        page.push(alias);
        if (page.length === query.limit) break;
      }
    }
    // Whole records for the page only (ranking read narrow rows); an account deleted meanwhile is left out.
    const records = await this.deps.users.getMany(page);
    const users = page.flatMap((alias) => {
      const user = records.get(alias);
      return user ? [user] : [];
    });
    return {
      items: await presentProfiles(this.deps, viewer, users),
      nextCursor: nextOffset(position, 0, ranked.length),
    };
  }

  /** `ranked`, or the list a broad query ranked lately; an account whose alias is the query is never missed. */
  private async rankedCached(q: string): Promise<readonly string[]> {
    const text = normalizeSearchText(q).trim();
    const aliasQuery = text.startsWith('@') ? text.slice(1) : text;
    const aliasPrefix = /^[a-z0-9_]+$/.test(aliasQuery) ? aliasQuery : undefined;
    const words = searchWords(q);
    const key = `${aliasPrefix ?? ''}\u0000${words.join(' ')}`;
    const cached = this.cache.get(key);
    if (cached) {
      // The exact alias ranks first whenever it exists: an account made after the list was ranked is read here.
      if (aliasPrefix === undefined || cached[0] === aliasPrefix) return cached;
      return (await this.deps.users.get(aliasPrefix)) ? [aliasPrefix, ...cached] : cached;
    }
    const { ranked, broad } = await this.ranked(aliasPrefix, words);
    if (broad) this.cache.set(key, ranked);
    return ranked;
  }

  /**
   * Every match's alias (at most 2 × PEOPLE_CANDIDATES_MAX), best first, before the block filter; `broad` when a
   * kind's read reached the cap (more accounts match than were ranked: the costly queries).
   */
  private async ranked(
    aliasPrefix: string | undefined,
    words: readonly string[],
  ): Promise<{ ranked: string[]; broad: boolean }> {
    // The longest word is the most selective one to read; the others are checked on each hit.
    const namePrefix = [...words].sort((a, b) => b.length - a.length)[0];
    if (aliasPrefix === undefined && namePrefix === undefined) return { ranked: [], broad: false };
    const hits = await this.deps.people.candidates(
      { ...(aliasPrefix ? { aliasPrefix } : {}), ...(namePrefix ? { namePrefix } : {}) },
      PEOPLE_CANDIDATES_MAX,
    );
    let aliasHits = 0;
    for (const hit of hits) if (hit.kind === 'alias') aliasHits++;
    const broad = aliasHits >= PEOPLE_CANDIDATES_MAX || hits.length - aliasHits >= PEOPLE_CANDIDATES_MAX;
    // An account may be a hit of both kinds: ranked once, by its best match.
    const scored = new Map<string, { user: PeopleCandidate; rank: Rank }>();
    for (const user of hits) {
      if (scored.has(user.alias)) continue;
      // Checked against the account as it is now: a stale index entry never shows a wrong match.
      const rank = rankOf(user, aliasPrefix, words);
      if (rank !== null) scored.set(user.alias, { user, rank });
    }
    const ranked = [...scored.values()]
      .sort(
        (a, b) =>
          a.rank - b.rank ||
          b.user.followerCount - a.user.followerCount ||
          (a.user.alias < b.user.alias ? -1 : a.user.alias > b.user.alias ? 1 : 0),
      )
      .map((s) => s.user.alias);
    return { ranked, broad };
  }
}

/** Read beyond a page's remaining room when filtering, so that a few blocked accounts cost no second read. */
const SLACK = 5;

function rankOf(user: PeopleCandidate, aliasPrefix: string | undefined, words: readonly string[]): Rank | null {
  if (aliasPrefix !== undefined) {
    if (user.alias === aliasPrefix) return 0;
    if (user.alias.startsWith(aliasPrefix)) return 1;
  }
  if (words.length === 0) return null;
  const terms = peopleTerms(user);
  const own = [...terms.names, ...terms.alias.split('_')];
  return words.every((w) => own.some((t) => t.startsWith(w))) ? 2 : null;
}
