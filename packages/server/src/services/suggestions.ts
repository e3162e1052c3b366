import type { Page, PageQuery, Profile } from '@tweeter/shared';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, PeopleIndex, RelationRepo, StatusRepo, UserRecord, UserRepo } from '../ports/store.js';
import { mapLimit } from './map-limit.js';
import { decodeOffset, nextOffset, presentProfiles } from './people-profiles.js';
import type { UserPresenter } from './user-presenter.js';

/** The work a suggestion list may cost, whatever the viewer follows (docs/api.md, "Suggestions"). */
export const SUGGESTION_BOUNDS = {
  /** Of my followees, at most this many are read (key order)... */
  followeesRead: 5_000,
  /** ...and this many of them sampled (a stable sample per viewer and day)... */
  sampled: 100,
  /** ...each of whose followees is read up to this many. */
  perSampled: 100,
  /** Candidates kept for the exclusion checks, best counted first. */
  candidates: 200,
  /** Accounts followed by many, read as the fallback (only when those above give fewer than listMax). */
  popular: 50,
  /** An account counts as active when it posted within this long. */
  activeWithinMs: 30 * 24 * 3_600_000,
  /** The list's length: every page comes out of it. */
  listMax: 100,
} as const;

/**
 * Who to follow (GET /me/suggestions): accounts followed by those I follow, ranked by how many of them follow each
 * (then by followers); then active accounts followed by many. Never me, those I follow, those I block or mute, or
 * those who block me. Bounded by sampling: for someone following 5,000, SUGGESTION_BOUNDS.sampled of them (a sample
 * stable for the day, so pages agree) are read, never all their followees (a precomputed list would need a job per
 * follow of everyone followed; sampling costs nothing until asked).
 */
export class SuggestionService {
  constructor(
    private readonly deps: {
      people: Pick<PeopleIndex, 'popular'>;
      users: UserRepo;
      follows: Pick<FollowRepo, 'existing' | 'followees'>;
      relations: Pick<RelationRepo, 'existing'>;
      statuses: Pick<StatusRepo, 'byAuthor'>;
      visibility: Pick<Visibility, 'feedHidden'>;
      userPresenter: UserPresenter;
      clock: Clock;
    },
  ) {}

  async suggestions(viewer: string, query: PageQuery): Promise<Page<Profile>> {
    const offset = decodeOffset(query.cursor);
    const list = await this.list(viewer);
    const page = list.slice(offset, offset + query.limit);
    return {
      items: await presentProfiles(this.deps, viewer, page),
      nextCursor: nextOffset(offset, page.length, list.length),
    };
  }

  private async list(viewer: string): Promise<UserRecord[]> {
    const b = SUGGESTION_BOUNDS;
    const { follows } = this.deps;
    const mine = (await follows.followees(viewer, { limit: b.followeesRead })).items;
    const day = Math.floor(this.deps.clock.now() / 86_400_000);
    const sample = stableSample(mine, b.sampled, `${viewer} ${day}`);
    const counts = new Map<string, number>();
    const theirs = await mapLimit(sample, 8, async (a) => (await follows.followees(a, { limit: b.perSampled })).items);
    for (const list of theirs) for (const a of list) if (a !== viewer) counts.set(a, (counts.get(a) ?? 0) + 1);
    const top = mostCounted(counts, b.candidates);
    const friends = await this.admissible(viewer, top);
    const byFriends = [...friends.values()].sort(
      (x, y) => (counts.get(y.alias) ?? 0) - (counts.get(x.alias) ?? 0) || y.followerCount - x.followerCount,
    );
    if (byFriends.length >= b.listMax) return byFriends.slice(0, b.listMax);
    // Too few through the people I follow (a new account has none): accounts followed by many that posted lately.
    const popular = (await this.deps.people.popular(b.popular)).filter((a) => a !== viewer && !friends.has(a));
    const others = await this.admissible(viewer, popular);
    const active = await this.active(popular.filter((a) => others.has(a)));
    const fallback = active.map((a) => others.get(a)).filter((u): u is UserRecord => u !== undefined);
    return [...byFriends, ...fallback].slice(0, b.listMax);
  }

  /** Of `aliases`, the accounts that exist and that `viewer` neither follows nor hides (blocks either way, mutes). */
  private async admissible(viewer: string, aliases: readonly string[]): Promise<Map<string, UserRecord>> {
    if (aliases.length === 0) return new Map();
    const [followed, hidden, users] = await Promise.all([
      this.deps.follows.existing(aliases.map((followee) => ({ follower: viewer, followee }))),
      this.deps.visibility.feedHidden(viewer, aliases),
      this.deps.users.getMany(aliases),
    ]);
    const out = new Set([...followed.map((e) => e.followee), ...hidden]);
    for (const a of out) users.delete(a);
    return users;
  }

  /** Of `aliases` (in order), those who posted within SUGGESTION_BOUNDS.activeWithinMs. */
  private async active(aliases: readonly string[]): Promise<string[]> {
    const since = this.deps.clock.now() - SUGGESTION_BOUNDS.activeWithinMs;
    const latest = await mapLimit(aliases, 8, (a) => this.deps.statuses.byAuthor(a, { limit: 1 }));
    return aliases.filter((_, i) => (latest[i]?.[0]?.createdAt ?? 0) >= since);
  }
}

/**
 * Up to `n` of `items`, chosen by a hash of each with `seed`: the same seed gives the same sample. FNV-1a, not a
 * cryptographic hash: the sample needs spread, not secrecy, and SHA-1 of 1,000 followees was a fifth of the list's
 * CPU time.
 */
function stableSample(items: readonly string[], n: number, seed: string): string[] {
  if (items.length <= n) return [...items];
  const base = fnv1a(0x811c9dc5, `${seed} `);
  const score = (a: string) => mix(fnv1a(base, a));
  return items
    .map((a) => ({ a, s: score(a) }))
    .sort((x, y) => x.s - y.s)
    .slice(0, n)
    .map((x) => x.a);
}

/**
 * The `n` keys of `counts` with the highest counts, ties in the map's order: what a stable sort by count would give,
 * in one pass over buckets (counts are at most SUGGESTION_BOUNDS.sampled) instead of sorting thousands of entries.
 */
function mostCounted(counts: ReadonlyMap<string, number>, n: number): string[] {
  const buckets: string[][] = [];
  for (const [alias, count] of counts) (buckets[count] ??= []).push(alias);
  const out: string[] = [];
  for (let c = buckets.length - 1; c > 0 && out.length < n; c--) {
    for (const alias of buckets[c] ?? []) {
      out.push(alias);
      if (out.length === n) break;
    }
  }
  return out;
}

/** MurmurHash3's finalizer: aliases differing in their last digit land far apart. */
function mix(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a (32 bits) of `text`'s UTF-16 code units, continuing from `hash`. */
function fnv1a(hash: number, text: string): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
