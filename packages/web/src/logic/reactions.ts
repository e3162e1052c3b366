import type { ReactionCounts, ReactionKind, Reactions } from '@tweeter/shared';

/** The optimistic result of pressing a reaction button: my reaction toggled and its count moved. */
export function toggleReaction(r: Reactions, kind: ReactionKind): { next: Reactions; on: boolean } {
  const on = !r.mine.includes(kind);
  return {
    on,
    next: {
      ...r,
      [kind]: Math.max(0, r[kind] + (on ? 1 : -1)),
      mine: on ? [...r.mine, kind] : r.mine.filter((k) => k !== kind),
    },
  };
}

/** Live counts from someone else's reaction: the stream carries no `mine`, so mine stays. */
export function withCounts(r: Reactions, counts: ReactionCounts): Reactions {
  return { ...r, like: counts.like, heart: counts.heart };
}
