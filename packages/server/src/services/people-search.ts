import { normalizeSearchText, searchWords, type Page, type PeopleSearchQuery, type Profile } from '@tweeter/shared';
import { peopleTerms } from '../domain/people-terms.js';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, PeopleCandidate, PeopleIndex, RelationRepo, UserRepo } from '../ports/store.js';
import { PeopleRankedCache } from './people-ranked-cache.js';
import { PeopleTop, type TopCandidate } from './people-top.js';
import { decodeOffset, nextOffset, presentProfiles, sliceProfile } from './people-profiles.js';
import type { ProfileSliceReader } from '../ports/profile-slice.js';
import type { UserPresenter } from './user-presenter.js';

/**
 * Index hits read per kind (alias terms, name words) for one query: the ranking, the block filter and paging work
 * on at most twice this many accounts, so a one-letter query costs what a precise one does (docs/api.md).
 */
export const PEOPLE_CANDIDATES_MAX = 100;

/** Most followed accounts kept per process for broad prefixes (people-top.ts) when the wiring does not say. */
export const PEOPLE_TOP_SIZE = 10_000;

/** How well an account matches: 0 its alias is the query, 1 its alias starts with it, 2 its names match. */
type Rank = 0 | 1 | 2;

/**
 * People search (GET /search/users): prefix of alias, first or last name, case- and accent-insensitive. The
 * query's text is never syntax: it is cut into words (search-normalize.ts) and each word is a prefix to match.
 * Ranked best match first (exact alias, alias prefix, names), then by followers, then alias. Accounts blocked
 * either way are removed before paging, so a page is short only at the end. A broad query's ranking (one that reached
 * the candidate cap) is reused for a while (people-ranked-cache.ts), so it costs what its page costs; and a broad
 * prefix whose matches the per-process snapshot of the most followed accounts holds (people-top.ts) is ranked from it,
 * with no index read.
 */
export class PeopleSearchService {
  private readonly cache: PeopleRankedCache;
  private readonly top: PeopleTop;

  constructor(
    private readonly deps: {
      people: PeopleIndex;
      /** The slice's accounts and the viewer's edges to them in one read, where the store has it (SQLite). */
      profileSlices?: ProfileSliceReader;
      users: UserRepo;
      follows: Pick<FollowRepo, 'existing'>;
      relations: Pick<RelationRepo, 'existing'>;
      visibility: Pick<Visibility, 'feedHiddenAndBlocked'>;
      userPresenter: UserPresenter;
      clock: Clock;
      /** How long a broad query's ranking is reused (0: never); PEOPLE_RANKED_TTL_MS when not given. */
      rankedTtlMs?: number;
      /** Most followed accounts kept for broad prefixes (0: none); PEOPLE_TOP_SIZE when not given. */
      topSize?: number;
      /** How often that snapshot is read again; PEOPLE_TOP_REFRESH_MS when not given. */
      topRefreshMs?: number;
    },
  ) {
    this.cache = new PeopleRankedCache(deps.clock, deps.rankedTtlMs);
    this.top = new PeopleTop({
      people: deps.people,
      users: deps.users,
      clock: deps.clock,
      size: deps.topSize ?? PEOPLE_TOP_SIZE,
      ...(deps.topRefreshMs === undefined ? {} : { refreshMs: deps.topRefreshMs }),
    });
  }

  /** Reads the snapshot of the most followed accounts now (tests; requests start it themselves). */
  refreshTop(): Promise<void> {
    return this.top.refresh();
  }

  async search(viewer: string, query: PeopleSearchQuery): Promise<Page<Profile>> {
    // The cursor is a position in the ranked list before the block filter, so the filter only reads what a page
    // needs: from there, in slices, until the page is full or the list ends (never a short page before the end).
    let position = decodeOffset(query.cursor);
    const ranked = await this.rankedCached(query.q);
    const { profileSlices } = this.deps;
    if (profileSlices) return this.pageInOneRead(profileSlices, viewer, ranked, position, query.limit);
    const page: string[] = [];
    // The viewer's mutes come with the blocks, in the same read of the edges (one read fewer a page).
    const muted = new Set<string>();
    while (page.length < query.limit && position < ranked.length) {
      const slice = ranked.slice(position, position + query.limit - page.length + SLACK);
      const { blocked, feedHidden } = await this.deps.visibility.feedHiddenAndBlocked(viewer, slice, slice);
      for (const alias of slice) {
        position++;
        if (blocked.has(alias)) continue;
        // Hidden from the feed and not blocked: muted by the viewer.
        if (feedHidden.has(alias)) muted.add(alias);
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
      items: await presentProfiles(this.deps, viewer, users, muted),
      nextCursor: nextOffset(position, 0, ranked.length),
    };
  }

  /**
   * The same page where the store reads a slice's accounts with the viewer's blocks, mutes and follows in one go
   * (SQLite: profile-slice.ts) instead of the edges, then the records, then the follows. An account gone meanwhile
   * is passed over like a blocked one, so the page still fills from the rest of the list.
   */
  private async pageInOneRead(
    reader: ProfileSliceReader,
    viewer: string,
    ranked: readonly string[],
    from: number,
    limit: number,
  ): Promise<Page<Profile>> {
    let position = from;
    const items: Profile[] = [];
    while (items.length < limit && position < ranked.length) {
      const slice = ranked.slice(position, position + limit - items.length + SLACK);
      // The rows are the slice's existing accounts in the slice's order: walked beside it.
      const rows = await reader.read(viewer, slice);
      let next = 0;
      for (const alias of slice) {
        position++;
        const row = rows[next]?.user.alias === alias ? rows[next++] : undefined;
        if (row === undefined || row.blocked) continue;
        items.push(sliceProfile(this.deps.userPresenter, row));
        if (items.length === limit) break;
      }
    }
    return { items, nextCursor: nextOffset(position, 0, ranked.length) };
  }

  /** `ranked`, or the list a broad query ranked lately; an account whose alias is the query is never missed. */
  private async rankedCached(q: string): Promise<readonly string[]> {
    const text = normalizeSearchText(q).trim();
    const aliasQuery = text.startsWith('@') ? text.slice(1) : text;
    const aliasPrefix = /^[a-z0-9_]+$/.test(aliasQuery) ? aliasQuery : undefined;
    const words = searchWords(q);
    const key = `${aliasPrefix ?? ''}\u0000${words.join(' ')}`;
    const cached = this.cache.get(key);
    if (cached) return this.withExactAlias(cached, aliasPrefix);
    const { ranked, broad } = await this.ranked(aliasPrefix, words);
    if (!broad) return ranked;
    this.cache.set(key, ranked);
    // A broad list may lack the exact alias: one made since it was ranked, or (from the snapshot) one little followed.
    return this.withExactAlias(ranked, aliasPrefix);
  }

  /** The exact alias ranks first whenever it exists. */
  private async withExactAlias(ranked: readonly string[], aliasPrefix: string | undefined): Promise<readonly string[]> {
    if (aliasPrefix === undefined || ranked[0] === aliasPrefix) return ranked;
    return (await this.deps.users.get(aliasPrefix)) ? [aliasPrefix, ...ranked] : ranked;
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
    // A kind whose matches the snapshot of the most followed accounts holds needs no index read (people-top.ts).
    const topAlias = aliasPrefix ? this.top.matches('alias', aliasPrefix, PEOPLE_CANDIDATES_MAX) : undefined;
    const topName = namePrefix ? this.top.matches('name', namePrefix, PEOPLE_CANDIDATES_MAX) : undefined;
    const read = {
      ...(aliasPrefix && !topAlias ? { aliasPrefix } : {}),
      ...(namePrefix && !topName ? { namePrefix } : {}),
    };
    const hits: (PeopleCandidate | TopCandidate)[] = [...(topAlias ?? []), ...(topName ?? [])];
    if (read.aliasPrefix !== undefined || read.namePrefix !== undefined)
      hits.push(...(await this.deps.people.candidates(read, PEOPLE_CANDIDATES_MAX)));
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

function rankOf(
  user: PeopleCandidate | TopCandidate,
  aliasPrefix: string | undefined,
  words: readonly string[],
): Rank | null {
  if (aliasPrefix !== undefined) {
    if (user.alias === aliasPrefix) return 0;
    if (user.alias.startsWith(aliasPrefix)) return 1;
  }
  if (words.length === 0) return null;
  // A snapshot's candidate carries its words (normalized once per snapshot); an index hit's are normalized here.
  const own = 'words' in user ? user.words : ownWords(user);
  return words.every((w) => own.some((t) => t.startsWith(w))) ? 2 : null;
}

function ownWords(user: PeopleCandidate): string[] {
  const terms = peopleTerms(user);
  return [...terms.names, ...terms.alias.split('_')];
}
