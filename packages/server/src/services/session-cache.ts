/** What a cached session needs for a token check: who it acts for, and until when. */
export interface CachedSession {
  alias: string;
  expiresAt: number;
}

interface Entry extends CachedSession {
  /** performance.now() when read from the store: trusted until `cachedAt + ttlMs`. */
  cachedAt: number;
}

/**
 * The sessions read from the store in the last `ttlMs`, at most `max` of them. A Map in insertion order: the oldest
 * read goes first when full (an entry is never refreshed by a hit: the TTL bounds staleness from the read). It
 * replaced lru-cache here: every like from a token new to the process paid lru-cache's TTL bookkeeping on `get` and
 * `set`, still interpreted while a server warms up (~20 µs a like in a burst's profile; docs/benchmarks.md, `s15-jit`).
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
  ) {}

  get(tokenHash: string): CachedSession | undefined {
    const entry = this.entries.get(tokenHash);
    if (entry === undefined) return undefined;
    if (performance.now() - entry.cachedAt < this.ttlMs) return entry;
    this.entries.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, session: CachedSession): void {
    // Re-set: moved to the newest place.
    this.entries.delete(tokenHash);
    if (this.entries.size >= this.max) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(tokenHash, { alias: session.alias, expiresAt: session.expiresAt, cachedAt: performance.now() });
  }

  delete(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  /** Forgets every session of `alias` (an account deleted). */
  deleteAlias(alias: string): void {
    for (const [tokenHash, entry] of this.entries) if (entry.alias === alias) this.entries.delete(tokenHash);
  }

  get size(): number {
    return this.entries.size;
  }
}
