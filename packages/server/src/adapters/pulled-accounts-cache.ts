import type { UserRepo } from '../ports/store.js';

// The pulled accounts (hybrid fan-out), cached per process. Every home-feed page needs the set of pulled accounts:
// on DynamoDB reading it each time would add a strongly consistent Query of the PULLED registry's whole partition to
// every page; on SQLite a statement with a read lock of its own (two `fcntl`) on every page. The set only grows
// (being pulled is sticky), so a copy up to `ttlMs` old can only lack accounts pulled since it was read: their first
// pulled posts reach the feeds read through this process up to `ttlMs` late, never wrongly. A mark made through this
// process is seen by its next read at once (on the SQLite file every mark is made by the one process: `cachePulled`).

/** How long one read of the registry serves this process's feed pages (10 s). */
export const PULLED_REGISTRY_TTL_MS = 10_000;

export class PulledRegistryCache {
  private cached: { accounts: ReadonlyMap<string, string>; until: number } | null = null;
  private loading: { generation: number; accounts: Promise<ReadonlyMap<string, string>> } | null = null;
  /** Bumped by every mark made here: a read started before it may lack that mark, so its result is not kept. */
  private generation = 0;

  constructor(
    /** Reads the whole registry: alias → the id of the first pulled status. */
    private readonly load: () => Promise<Map<string, string>>,
    private readonly now: () => number,
    /** 0: no cache, every call reads the registry. */
    private readonly ttlMs: number = PULLED_REGISTRY_TTL_MS,
  ) {
    if (!(ttlMs >= 0)) throw new RangeError(`the pulled registry TTL must be at least 0 ms, got ${ttlMs}`);
  }

  /** The pulled accounts, read at most once per TTL; concurrent callers after it lapses share one read. */
  async accounts(): Promise<Map<string, string>> {
    const started = this.now();
    if (this.cached && started < this.cached.until) return new Map(this.cached.accounts);
    let loading = this.loading;
    if (loading?.generation !== this.generation) {
      const generation = this.generation;
      const accounts = this.load().then((found) => {
        // Counted from the start of the read: no copy is ever kept longer than the TTL after it was read.
        if (generation === this.generation) this.cached = { accounts: found, until: started + this.ttlMs };
        return found;
      });
      const current = { generation, accounts };
      loading = this.loading = current;
      // Settled either way: the next call after a failed read tries again.
      const settle = () => {
        if (this.loading === current) this.loading = null;
      };
      accounts.then(settle, settle);
    }
    return new Map(await loading.accounts);
  }

  /** This process has just marked an account: the next call reads the registry again, and no older read is kept. */
  marked(): void {
    this.generation += 1;
    this.cached = null;
  }
}

/**
 * The users repository with its pulled accounts read through a cache (the embedded shape, where every `markPulled`
 * goes through this process's own store, so no mark is ever read late: the TTL only bounds how long an account
 * deleted meanwhile is still looked for, whose statuses a page leaves out without their author). The other methods
 * are the repository's own.
 */
export function cachePulled(users: UserRepo, now: () => number, ttlMs: number = PULLED_REGISTRY_TTL_MS): UserRepo {
  const pulled = new PulledRegistryCache(() => users.pulledAccounts(), now, ttlMs);
  return {
    ...users,
    async markPulled(alias, since) {
      try {
        await users.markPulled(alias, since);
      } finally {
        pulled.marked();
      }
    },
    pulledAccounts: () => pulled.accounts(),
  };
}
