import type { KeyPage, Outbox, RangeOptions } from './store.js';

/** Block: neither side sees the other. Mute: the owner's feed leaves the target out; the target is not told. */
export type RelationKind = 'block' | 'mute';

/** `owner` blocks or mutes `target`. */
export interface RelationEdge {
  owner: string;
  kind: RelationKind;
  target: string;
}

/** The edge kinds `RelationRepo.around` reads: from the viewer (`out`) and to the viewer (`into`). */
export interface RelationKinds {
  out: readonly RelationKind[];
  into: readonly RelationKind[];
}

/** The pairs `around` stands for, for a store that answers it with `existing`. */
export function aroundEdges(viewer: string, others: readonly string[], kinds: RelationKinds): RelationEdge[] {
  return others.flatMap((other) => [
    ...kinds.out.map((kind) => ({ owner: viewer, kind, target: other })),
    ...kinds.into.map((kind) => ({ owner: other, kind, target: viewer })),
  ]);
}

/** What `RelationRepo.add` did. */
export type RelationAdd = 'added' | 'exists' | 'full';

/**
 * Blocks and mutes. The edge (owner, kind, target) is the truth; "whom I block or mute" is listed from the owner's
 * side and "who blocks me" from the target's (SQLite: an index; DynamoDB: a GSI, may lag). Visibility never lists:
 * it asks `existing` about the pairs it needs, one batched, strongly consistent read.
 */
export interface RelationRepo {
  /**
   * Adds the edge with its outbox jobs unless it exists ('exists', nothing written) or the owner already has `max`
   * edges of this kind ('full', nothing written). SQLite decides in one transaction; DynamoDB keeps a per-kind
   * counter on the owner's profile, raised by a conditional ADD before the edge is claimed (a crash in between
   * leaves it one high until `recount`).
   */
  add(edge: RelationEdge, options: Outbox & { createdAt: number; max: number }): Promise<RelationAdd>;
  /** Removes the edge; false (nothing written) if it did not exist. */
  remove(edge: RelationEdge): Promise<boolean>;
  /** Which of these edges exist (batched key lookups; strongly consistent), in the order given. */
  existing(edges: readonly RelationEdge[]): Promise<RelationEdge[]>;
  /**
   * `existing` of the edges between `viewer` and each of `others`: from the viewer, of the kinds in `out`, and to
   * the viewer, of the kinds in `into`; in no particular order. The same answer as listing those pairs, asked by
   * shape so that a store can read them in one pass (SQLite: one statement, no per-pair JSON to take apart).
   */
  around(viewer: string, others: readonly string[], kinds: RelationKinds): Promise<RelationEdge[]>;
  /**
   * Of `owners`, those with an edge of `kind` to `target`: `existing` of those pairs, asked from the target's side so
   * that a store can answer with one seek when no one has such an edge to it (SQLite), as for nearly every author a
   * fan-out writes. Strongly consistent; optional (DynamoDB's index by target may lag, so it asks by pairs).
   */
  ownersAmong?(target: string, kind: RelationKind, owners: readonly string[]): Promise<string[]>;
  /** The targets `owner` blocks or mutes, ascending by alias; `after` is exclusive. Strongly consistent. */
  targets(owner: string, kind: RelationKind, range: RangeOptions): Promise<KeyPage<string>>;
  /** The owners who block or mute `target`, ascending. May lag (DynamoDB: a GSI). */
  owners(target: string, kind: RelationKind, range: RangeOptions): Promise<KeyPage<string>>;
  /** Re-counts owner's edges of `kind` from the edges, stores the count (DynamoDB) and returns it. */
  recount(owner: string, kind: RelationKind): Promise<number>;
}
