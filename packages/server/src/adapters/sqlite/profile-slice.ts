import type { ProfileSliceReader, ProfileSliceRow } from '../../ports/profile-slice.js';
import type { Db } from './database.js';

type Row = [string, string, string, string | null, string | null, number, number, number, number, number];

/**
 * People search's slice in one statement: the accounts' profile columns (not the password hash or the others a
 * profile never shows: better-sqlite3 pays for every value it hands over) and the viewer's edges to each, as key
 * seeks per account. It replaces three statements that each parsed the alias list again (the block and mute edges,
 * the users, the follows). CROSS JOIN keeps json_each the outer loop: rows come in the order asked, with no sort.
 */
export function createProfileSliceReader(db: Db): ProfileSliceReader {
  const select = db
    .prepare<{ viewer: string; aliases: string }, Row>(
      `SELECT u.alias, u.first_name, u.last_name, u.image_key, u.bio, u.follower_count, u.followee_count,
         u.alias <> @viewer AND EXISTS (SELECT 1 FROM follows f WHERE f.follower = @viewer AND f.followee = u.alias),
         u.alias <> @viewer
           AND EXISTS (SELECT 1 FROM relations r WHERE r.owner = @viewer AND r.kind = 'mute' AND r.target = u.alias),
         u.alias <> @viewer AND (
           EXISTS (SELECT 1 FROM relations r WHERE r.owner = @viewer AND r.kind = 'block' AND r.target = u.alias)
           OR EXISTS (SELECT 1 FROM relations r WHERE r.owner = u.alias AND r.kind = 'block' AND r.target = @viewer))
       FROM json_each(@aliases) AS j CROSS JOIN users AS u ON u.alias = j.value`,
    )
    .raw();
  return {
    async read(viewer, aliases) {
      if (aliases.length === 0) return [];
      return select
        .all({ viewer, aliases: JSON.stringify(aliases) })
        .map(
          ([
            alias,
            firstName,
            lastName,
            imageKey,
            bio,
            followerCount,
            followeeCount,
            follows,
            mutes,
            blocks,
          ]): ProfileSliceRow => ({
            user: { alias, firstName, lastName, imageKey, bio: bio ?? '', followerCount, followeeCount },
            followedByMe: follows === 1,
            mutedByMe: mutes === 1,
            blocked: blocks === 1,
          }),
        );
    },
  };
}
