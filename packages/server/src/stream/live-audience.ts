import type { FollowEdge, FollowRepo, RelationRepo } from '../ports/store.js';

/**
 * The follow edges that carry live pushes of a pulled account's statuses (`Realtime.toFollowersOf`): those whose
 * follower does not mute the followee. (A block needs no check: it ends the follow edges.) Both transports check
 * connected users through this, so a muted author's live pushes never reach the muter, as fan-out's do not.
 */
export function liveAudience(deps: {
  follows: Pick<FollowRepo, 'existing'>;
  relations: Pick<RelationRepo, 'existing'>;
}): Pick<FollowRepo, 'existing'> {
  return {
    async existing(edges: readonly FollowEdge[]): Promise<FollowEdge[]> {
      const followed = await deps.follows.existing(edges);
      if (followed.length === 0) return followed;
      const muting = await deps.relations.existing(
        followed.map((e) => ({ owner: e.follower, kind: 'mute' as const, target: e.followee })),
      );
      if (muting.length === 0) return followed;
      const muted = new Set(muting.map((e) => `${e.owner} ${e.target}`));
      return followed.filter((e) => !muted.has(`${e.follower} ${e.followee}`));
    },
  };
}
