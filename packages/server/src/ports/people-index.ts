/** What the people index holds of an account: its alias and names (normalized by the adapter's caller). */
export interface PeopleEntry {
  alias: string;
  firstName: string;
  lastName: string;
}

/** One index hit: the account and which kind of term matched (`alias` or a word of its `name`). */
export interface PeopleHit {
  alias: string;
  kind: 'alias' | 'name';
}

/**
 * A hit with what ranking it needs (the account as it is now: names and follower count), and nothing else: ranking
 * reads these narrow rows for every match and the full records only for the page shown.
 */
export interface PeopleCandidate extends PeopleHit {
  firstName: string;
  lastName: string;
  followerCount: number;
}

/**
 * The people index: normalized terms (search-normalize.ts in @tweeter/shared) of each account's alias and name
 * words, read by prefix. SQLite keeps them in a table of the same file; DynamoDB in items keyed by the term's first
 * character, written by the `index.user` job. Entries may be stale for a moment (a job not yet run, a profile edited
 * twice at once): callers re-check each hit against the account as it is now, so a stale entry can only hide an
 * account until the job runs, never show a wrong one.
 */
export interface PeopleIndex {
  /** Replaces the account's terms with those of `entry` (idempotent). */
  put(entry: PeopleEntry): Promise<void>;
  /** Bulk `put` for the population tool. */
  putMany(entries: readonly PeopleEntry[]): Promise<void>;
  /** Removes every term of `alias` (idempotent: an account not indexed is left alone). */
  remove(alias: string): Promise<void>;
  /**
   * Accounts with an alias term starting with `aliasPrefix` (when given) and accounts with a name word starting with
   * `namePrefix` (when given), each in term order, at most `limit` of each; an account may come once of each kind.
   */
  match(query: { aliasPrefix?: string; namePrefix?: string }, limit: number): Promise<PeopleHit[]>;
  /**
   * The hits of `match`, each with the account's current names and follower count (accounts gone are left out).
   * SQLite: the alias kind is a key range of the users table itself (an alias term is the alias: the same accounts,
   * never behind the index), the name kind one join of the term range with it; DynamoDB: `match`, then one batch read
   * of the users.
   */
  candidates(query: { aliasPrefix?: string; namePrefix?: string }, limit: number): Promise<PeopleCandidate[]>;
  /**
   * Accounts followed by many: up to `limit` aliases, most followers first (SQLite: exact, from the users table's
   * index; DynamoDB: the POPULAR partition, accounts with at least POPULAR_MIN_FOLLOWERS as of their last count).
   */
  popular(limit: number): Promise<string[]>;
}
