import { aliasTerm, searchWords } from '@tweeter/shared';
import { NAME_TERMS_MAX } from '../domain/people-terms.js';
import type { Clock } from '../ports/clock.js';
import type { PeopleCandidate, PeopleIndex, UserRepo } from '../ports/store.js';

/** How often the snapshot of the most followed accounts is read again: their names and counts lag this much. */
export const PEOPLE_TOP_REFRESH_MS = 30_000;

/** Accounts read per slice while refreshing (about 2 ms of CPU): the event loop serves requests between slices. */
const LOAD_SLICE = 200;

/** A candidate with its normalized words (alias words and name words), computed once per snapshot. */
export interface TopCandidate extends PeopleCandidate {
  words: readonly string[];
}

interface Snapshot {
  /** Most followers first (then alias): an account's position is its rank among the snapshot's accounts. */
  accounts: TopCandidate[];
  /** Alias terms and name words: each with its accounts' positions (ascending), and the terms sorted (by prefix). */
  aliasTerms: Terms;
  nameTerms: Terms;
  takenAt: number;
}

interface Terms {
  sorted: string[];
  positions: Map<string, number[]>;
}

/**
 * The `size` most followed accounts of the store, with their normalized terms, kept per process and read again every
 * PEOPLE_TOP_REFRESH_MS (in the background: a request never waits for it). A broad prefix ("a", "ma", "webe") has
 * more matches than a query ranks (PEOPLE_CANDIDATES_MAX per kind); when the snapshot holds at least that many of
 * them, they are exactly the most followed matches (every account outside has no more followers than any inside), so
 * the query needs no index read and no join. A prefix with fewer matches in the snapshot reads the index as before.
 */
export class PeopleTop {
  private snapshot: Snapshot | null = null;
  private loading: Promise<void> | null = null;
  private readonly names = new Map<string, readonly string[]>();

  constructor(
    private readonly deps: {
      people: Pick<PeopleIndex, 'popular'>;
      users: Pick<UserRepo, 'getMany'>;
      clock: Clock;
      /** Accounts kept (0: no snapshot, every query reads the index). */
      size: number;
      refreshMs?: number;
    },
  ) {}

  /**
   * The `max` most followed accounts whose alias (kind `alias`) or one of whose name words (kind `name`) starts with
   * `prefix`, most followers first; undefined when the snapshot holds fewer (or is not read yet).
   */
  matches(kind: 'alias' | 'name', prefix: string, max: number): TopCandidate[] | undefined {
    const snapshot = this.current();
    if (!snapshot || max <= 0) return undefined;
    const terms = kind === 'alias' ? snapshot.aliasTerms : snapshot.nameTerms;
    // Marks by position, then read from the top: the `max` most followed matches, with no sort (a one-letter prefix
    // matches thousands of the snapshot's accounts).
    const marked = new Uint8Array(snapshot.accounts.length);
    let count = 0;
    for (let i = lowerBound(terms.sorted, prefix); i < terms.sorted.length; i++) {
      const term = terms.sorted[i] ?? '';
      if (!term.startsWith(prefix)) break;
      for (const at of terms.positions.get(term) ?? []) {
        if (marked[at] === 1) continue;
        marked[at] = 1;
        count++;
      }
    }
    if (count < max) return undefined;
    const out: TopCandidate[] = [];
    for (let at = 0; at < marked.length && out.length < max; at++) {
      const account = snapshot.accounts[at];
      if (marked[at] !== 1 || !account) continue;
      // Fields listed, not spread (a spread per object was slow on the people-search path: people-profiles.ts).
      const { alias, firstName, lastName, followerCount, words } = account;
      out.push({ alias, kind, firstName, lastName, followerCount, words });
    }
    return out;
  }

  /** The snapshot when there is one; starts a refresh when it is missing or old (served meanwhile if old). */
  private current(): Snapshot | null {
    if (this.deps.size <= 0) return null;
    const snapshot = this.snapshot;
    const age = snapshot ? this.deps.clock.now() - snapshot.takenAt : Infinity;
    if (age >= (this.deps.refreshMs ?? PEOPLE_TOP_REFRESH_MS) && !this.loading) {
      this.loading = this.load()
        .catch(() => undefined) // a failed read leaves the old snapshot (or none): queries read the index meanwhile
        .finally(() => {
          this.loading = null;
        });
    }
    return snapshot;
  }

  /** Reads the snapshot again (exposed for tests: resolves once the new one is in place). */
  async refresh(): Promise<void> {
    if (this.deps.size <= 0) return;
    await (this.loading ?? this.load());
  }

  private async load(): Promise<void> {
    const takenAt = this.deps.clock.now();
    const aliases = await this.deps.people.popular(this.deps.size);
    const before = this.snapshot;
    // An account as it was in the last snapshot is kept as that very object (and its words): a refresh every
    // PEOPLE_TOP_REFRESH_MS then makes new objects only for what changed. A snapshot built anew is ~10 MB of young
    // objects that every scavenge of the HTTP thread copies until they are promoted (two 10-23 ms pauses, measured).
    const earlier = new Earlier(before?.accounts ?? []);
    const accounts: TopCandidate[] = [];
    // Each account's name words (shared arrays, from `names`), for the terms when they are made again.
    const nameWordsAt: (readonly string[])[] = [];
    const names = new Map<string, readonly string[]>();
    for (let from = 0; from < aliases.length; from += LOAD_SLICE) {
      if (from > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      const slice = aliases.slice(from, from + LOAD_SLICE);
      const records = await this.deps.users.getMany(slice);
      for (const alias of slice) {
        const user = records.get(alias);
        if (!user) continue; // deleted since it was listed
        const key = `${user.firstName}\u0000${user.lastName}`;
        // Names repeat (and stay from one snapshot to the next): each is normalized once.
        const nameWords =
          this.names.get(key) ?? names.get(key) ?? searchWords(`${user.firstName} ${user.lastName}`, NAME_TERMS_MAX);
        names.set(key, nameWords);
        const at = accounts.length;
        const was = earlier.find(alias, at);
        const same = was !== undefined && was.firstName === user.firstName && was.lastName === user.lastName;
        accounts.push(
          same && was.followerCount === user.followerCount
            ? was
            : {
                alias,
                kind: 'name',
                firstName: user.firstName,
                lastName: user.lastName,
                followerCount: user.followerCount,
                words: same ? was.words : [...nameWords, ...aliasTerm(alias).split('_')],
              },
        );
        nameWordsAt.push(nameWords);
      }
    }
    // The accounts' order is the index's (followers, then alias), as read; counts may have moved between slices. Only
    // the distinct terms are sorted (the default string sort: sorting 30,000 pairs with a comparator took 60-180 ms).
    this.names.clear();
    for (const [key, words] of names) this.names.set(key, words);
    // The terms hold positions and words only: where every position holds the same alias with the same words, the
    // last snapshot's terms (and, if nothing else moved, its list) serve as they are.
    if (before && sameTerms(before.accounts, accounts)) {
      const unchanged = accounts.every((a, i) => a === before.accounts[i]);
      this.snapshot = { ...before, accounts: unchanged ? before.accounts : accounts, takenAt };
      return;
    }
    const aliasTerms = new Map<string, number[]>();
    const nameTerms = new Map<string, number[]>();
    accounts.forEach((account, at) => {
      addTerm(aliasTerms, aliasTerm(account.alias), at);
      for (const word of nameWordsAt[at] ?? []) addTerm(nameTerms, word, at);
    });
    this.snapshot = {
      accounts,
      aliasTerms: { sorted: [...aliasTerms.keys()].sort(), positions: aliasTerms },
      nameTerms: { sorted: [...nameTerms.keys()].sort(), positions: nameTerms },
      takenAt,
    };
  }
}

/** The last snapshot's accounts, looked up by alias: at the same position first, by a map made only when needed. */
class Earlier {
  private byAlias: Map<string, TopCandidate> | null = null;

  constructor(private readonly accounts: readonly TopCandidate[]) {}

  find(alias: string, at: number): TopCandidate | undefined {
    const there = this.accounts[at];
    if (there?.alias === alias) return there;
    if (this.accounts.length === 0) return undefined;
    this.byAlias ??= new Map(this.accounts.map((a) => [a.alias, a]));
    return this.byAlias.get(alias);
  }
}

/** Whether two lists give the same terms: the same alias and the very same words at every position. */
function sameTerms(a: readonly TopCandidate[], b: readonly TopCandidate[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]?.alias !== b[i]?.alias || a[i]?.words !== b[i]?.words) return false;
  return true;
}

/** Positions are added in ascending order (accounts are read most followed first). */
function addTerm(terms: Map<string, number[]>, term: string, at: number): void {
  const list = terms.get(term);
  if (list) list.push(at);
  else terms.set(term, [at]);
}

/** The first index whose term is not below `prefix` (the default sort's order: UTF-16 code units, as `<`). */
function lowerBound(sorted: readonly string[], prefix: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] ?? '') < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
