import type { Profile } from '@tweeter/shared';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import type { FollowRepo, RelationRepo, UserRecord } from '../ports/store.js';
import type { ProfileSliceRow } from '../ports/profile-slice.js';
import type { UserPresenter } from './user-presenter.js';

/** Cursor over a ranked list computed per request (bounded): the offset of the next item. */
const OffsetCursor = z.object({ o: z.number().int().min(0).max(10_000) });

export function decodeOffset(cursor: string | undefined): number {
  return decodeCursor(cursor, OffsetCursor)?.o ?? 0;
}

export function nextOffset(offset: number, pageSize: number, total: number): string | null {
  return offset + pageSize < total ? encodeCursor({ o: offset + pageSize }) : null;
}

/**
 * Profiles of accounts already filtered by `Visibility.blocked` for `viewer` (so neither side blocks the other), with
 * the viewer's follow and mute of each read in two batched key lookups; `muted`: those of `users` the viewer mutes,
 * read already with the blocks (then only the follows are read).
 */
export async function presentProfiles(
  deps: {
    follows: Pick<FollowRepo, 'existing'>;
    relations: Pick<RelationRepo, 'existing'>;
    userPresenter: UserPresenter;
  },
  viewer: string,
  users: readonly UserRecord[],
  muted?: ReadonlySet<string>,
): Promise<Profile[]> {
  const others = users.filter((u) => u.alias !== viewer).map((u) => u.alias);
  const readMutes = async (): Promise<ReadonlySet<string>> => {
    const edges = await deps.relations.existing(
      others.map((target) => ({ owner: viewer, kind: 'mute' as const, target })),
    );
    return new Set(edges.map((e) => e.target));
  };
  const [followed, muting] = await Promise.all([
    deps.follows.existing(others.map((followee) => ({ follower: viewer, followee }))),
    muted ?? readMutes(),
  ]);
  const following = new Set(followed.map((e) => e.followee));
  return users.map((u) => profileOf(deps.userPresenter, u, following.has(u.alias), muting.has(u.alias)));
}

/** The profile of a row read with the viewer's edges (`ProfileSliceReader`), the same object `presentProfiles` makes. */
export function sliceProfile(presenter: UserPresenter, row: ProfileSliceRow): Profile {
  return profileOf(presenter, row.user, row.followedByMe, row.mutedByMe);
}

/** A profile of an account neither side blocks (both block flags false: such accounts are filtered out first). */
function profileOf(
  presenter: UserPresenter,
  u: ProfileSliceRow['user'],
  followedByMe: boolean,
  mutedByMe: boolean,
): Profile {
  // Fields listed, not spread: spreading the presenter's object per profile was most of a page's CPU.
  const user = presenter.user(u);
  return {
    alias: user.alias,
    firstName: user.firstName,
    lastName: user.lastName,
    imageUrl: user.imageUrl,
    bio: u.bio ?? '',
    followerCount: u.followerCount,
    followeeCount: u.followeeCount,
    followedByMe,
    blockedByMe: false,
    mutedByMe,
    blocksMe: false,
  };
}
