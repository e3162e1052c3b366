import type { StatusRecord, Store } from '../ports/store.js';
import type { PopulationPlan } from './graph.js';

// Replies and quotes in a populated graph: what they point at, their thread and quote records, who they reach.

/** What a populated status replies to and quotes. */
export interface Refs {
  parent?: StatusRecord;
  quoted?: StatusRecord;
}

/**
 * For a `replyShare` (and a `quoteShare`) of statuses, chosen by a hash of i and n so a rerun agrees: an earlier
 * status of the same round by another user (a few early ones get most replies, as real threads cluster).
 */
export function pickRefs(plan: PopulationPlan, round: readonly StatusRecord[], i: number, n: number): Refs {
  if (i < 2) return {};
  const h = Math.imul(i * 131 + n * 7, 2654435761) >>> 0;
  const g = Math.imul(h ^ 0x5bd1e995, 2246822519) >>> 0;
  // Squared: targets lean towards the first users of the round (the popular threads).
  const target = (x: number) => round[1 + Math.floor(((x % 10_000) / 10_000) ** 2 * (i - 1))];
  const refs: Refs = {};
  if ((h % 1000) / 1000 < (plan.replyShare ?? 0)) {
    const parent = target(g);
    if (parent) refs.parent = parent;
  }
  if (((h >>> 10) % 1000) / 1000 < (plan.quoteShare ?? 0)) {
    const quoted = target(g >>> 7);
    if (quoted) refs.quoted = quoted;
  }
  return refs;
}

/** The followers a status reaches: all of them, but for a reply to someone else only those following them too. */
export async function reachedBy(store: Store, s: StatusRecord, followers: string[]): Promise<string[]> {
  const parent = s.inReplyToAuthor;
  if (parent === undefined || parent === s.author || followers.length === 0) return followers;
  const both = await store.follows.existing(followers.map((follower) => ({ follower, followee: parent })));
  const inside = new Set(both.map((e) => e.follower));
  return followers.filter((f) => f === parent || inside.has(f));
}
