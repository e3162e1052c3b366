import { sampleDistinct, seededRandom } from './random.js';

/** What `tweeter populate` builds; every field is checked by the caller. */
export interface PopulationPlan {
  /** Generated users user_000001 ... */
  users: number;
  /** The user everybody follows (created too). */
  celebrity: string;
  /** How many of the generated users (the first ones) follow the celebrity. */
  followers: number;
  /** Extra random follows per generated user (distinct, never oneself). */
  followeesEach: number;
  /** Statuses each generated user posts. */
  statusesEach: number;
  /** Random accounts each generated user mutes (distinct, never oneself; absent: 0). */
  mutesEach?: number;
  /** Random accounts each generated user blocks (distinct, never oneself; absent: 0); the follows between end. */
  blocksEach?: number;
  /** Share of those statuses (0 to 1) that carry 1 to 4 images (stock pictures made once); absent: 0. */
  mediaShare?: number;
  /** Share (0 to 0.9) of what reaches feeds that is reposts among the generated users; absent: 0. */
  repostShare?: number;
  /** Write the follow notifications of the generated follows (absent: none). */
  notifications?: boolean;
  /** Share of statuses (0 to 1) that reply to an earlier status of the same round by another user; absent: 0. */
  replyShare?: number;
  /** Share of statuses (0 to 1) that quote one, chosen the same way (a status may be both); absent: 0. */
  quoteShare?: number;
  password: string;
  /** Seeds the random follows: the same plan always gives the same graph. */
  seed: number;
}

export interface Edge {
  follower: string;
  followee: string;
}

/** Aliases are a fixed pattern (not padded to the user count) so a bigger run extends a smaller one. */
export function userAlias(i: number): string {
  return `user_${String(i).padStart(6, '0')}`;
}

/** Follow edges planned: an upper bound for progress (a second run adds fewer). */
export function edgeCount(plan: PopulationPlan): number {
  return plan.followers + plan.users * plan.followeesEach;
}

/** The follow edges of the plan, in batches of at most `batchSize`: the celebrity's followers first, then random ones. */
export function* followEdges(plan: PopulationPlan, batchSize: number): Generator<Edge[]> {
  let batch: Edge[] = [];
  for (let i = 1; i <= plan.followers; i++) {
    batch.push({ follower: userAlias(i), followee: plan.celebrity });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (plan.followeesEach > 0) {
    const random = seededRandom(plan.seed);
    for (let i = 1; i <= plan.users; i++) {
      const follower = userAlias(i);
      for (const j of sampleDistinct(random, plan.users, plan.followeesEach, i)) {
        batch.push({ follower, followee: userAlias(j) });
      }
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length) yield batch;
}

/** The mutes of the plan: each generated user mutes `mutesEach` random others (its own seeded stream). */
export function* muteEdges(plan: PopulationPlan): Generator<Edge> {
  const k = plan.mutesEach ?? 0;
  if (k === 0) return;
  const random = seededRandom(plan.seed + 0x6d757465); // 'mute': a stream apart from the follows'
  for (let i = 1; i <= plan.users; i++) {
    for (const j of sampleDistinct(random, plan.users, k, i)) yield { follower: userAlias(i), followee: userAlias(j) };
  }
}

/** The blocks of the plan: each generated user blocks `blocksEach` random others (its own seeded stream). */
export function* blockEdges(plan: PopulationPlan): Generator<Edge> {
  const k = plan.blocksEach ?? 0;
  if (k === 0) return;
  const random = seededRandom(plan.seed + 0x626c6f63); // 'bloc': a stream apart from the follows' and mutes'
  for (let i = 1; i <= plan.users; i++) {
    for (const j of sampleDistinct(random, plan.users, k, i)) yield { follower: userAlias(i), followee: userAlias(j) };
  }
}
