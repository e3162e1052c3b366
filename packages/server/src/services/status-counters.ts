import type { Reactions } from '@tweeter/shared';
import type { CommentRepo, QuoteRepo, RepostRepo } from '../ports/store.js';
import type { StatusCounts, StatusCountsReader } from '../ports/status-counts.js';
import type { ReactionReader } from './reaction-reader.js';

/** A page's counters as the hydrator uses them: absent from a map means 0. */
export interface Counters {
  reactions: Map<string, Reactions>;
  comments: Map<string, number>;
  quotes: Map<string, number>;
  reposts: Map<string, number>;
  reposted: Set<string>;
}

/** No counts at all (a status created by this very request): no read. */
export function emptyCounters(): Counters {
  return { reactions: new Map(), comments: new Map(), quotes: new Map(), reposts: new Map(), reposted: new Set() };
}

/**
 * Counts of these statuses and the viewer's part in them, read fresh: in one read where the store offers it
 * (`counts`, SQLite), else one batched read per repository (the DynamoDB shape). Both give the same figures.
 */
export async function readCounters(
  deps: {
    reactions: ReactionReader;
    comments: Pick<CommentRepo, 'counts'>;
    quotes: Pick<QuoteRepo, 'counts'>;
    reposts: Pick<RepostRepo, 'counts' | 'mine'>;
    counts?: StatusCountsReader;
  },
  ids: readonly string[],
  viewer: string | null,
): Promise<Counters> {
  if (deps.counts) {
    const out = emptyCounters();
    if (ids.length > 0) for (const [id, c] of await deps.counts.read(ids, viewer)) put(out, id, c);
    return out;
  }
  const [reactions, comments, quotes, reposts, reposted] = await Promise.all([
    deps.reactions.read('status', ids, viewer),
    deps.comments.counts(ids),
    deps.quotes.counts(ids),
    deps.reposts.counts(ids),
    viewer === null ? new Set<string>() : deps.reposts.mine(viewer, ids),
  ]);
  return { reactions, comments, quotes, reposts, reposted };
}

/** The reads `readCounters` and `countersAt` make. */
export type CounterReads = Parameters<typeof readCounters>[0];

/**
 * `readCounters` by position: `out[i]` is the counts of `ids[i]` (undefined: no id there; zeros otherwise where the
 * store has no figure), with no maps of the five kinds: the counters' one read where the store has it.
 */
export async function countersAt(
  deps: CounterReads,
  ids: readonly (string | undefined)[],
  viewer: string | null,
  known?: ReadonlyMap<string, StatusCounts>,
): Promise<(StatusCounts | undefined)[]> {
  const out = new Array<StatusCounts | undefined>(ids.length);
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id === undefined) continue;
    const c = known?.get(id);
    if (c === undefined) missing.push(id);
    else out[i] = c;
  }
  if (missing.length === 0) return out;
  const read = deps.counts ? await deps.counts.read(missing, viewer) : byId(await readCounters(deps, missing, viewer));
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id !== undefined && out[i] === undefined) out[i] = read.get(id);
  }
  return out;
}

// The five kinds' maps as one StatusCounts an id (`readCounters` without the counts reader).
function byId(c: Counters): { get(id: string): StatusCounts } {
  return {
    get: (id) => {
      const reactions = c.reactions.get(id);
      return {
        like: reactions?.like ?? 0,
        heart: reactions?.heart ?? 0,
        mine: reactions?.mine ?? [],
        comments: c.comments.get(id) ?? 0,
        quotes: c.quotes.get(id) ?? 0,
        reposts: c.reposts.get(id) ?? 0,
        repostedByMe: c.reposted.has(id),
      };
    },
  };
}

function put(out: Counters, id: string, c: StatusCounts): void {
  out.reactions.set(id, { like: c.like, heart: c.heart, mine: c.mine });
  if (c.comments > 0) out.comments.set(id, c.comments);
  if (c.quotes > 0) out.quotes.set(id, c.quotes);
  if (c.reposts > 0) out.reposts.set(id, c.reposts);
  if (c.repostedByMe) out.reposted.add(id);
}
