import { key, type Key } from '../client.js';

// Every key prefix of the core items (docs/aws.md, "Table design"). Aliases are [a-z0-9_], ids Crockford base32
// and token hashes hex, so '#' never occurs inside a part; idempotency keys may hold '#', but only ever as the
// last part.

/** A user's profile; its partition also holds the user's edges, both directions. */
export const userKey = (alias: string): Key => ({ pk: key('USER', alias), sk: 'PROFILE' });
/** `follower` follows `followee`: the edge itself, the truth that conditional writes decide on. */
export const FOLLOWS_PREFIX = 'FOLLOWS#';
export const followsKey = (follower: string, followee: string): Key => ({
  pk: key('USER', follower),
  sk: `${FOLLOWS_PREFIX}${followee}`,
});
/** The same edge seen from the followee: its followers, read in key order by fan-out (strongly consistent). */
export const FOLLOWER_PREFIX = 'FOLLOWER#';
export const followerKey = (followee: string, follower: string): Key => ({
  pk: key('USER', followee),
  sk: `${FOLLOWER_PREFIX}${follower}`,
});
/** The profile attribute counting unfollows of the user (ADDed once the mirror is gone, before the purge is sent). */
export const UNFOLLOWS = 'unfollows';

/**
 * `owner` blocks or mutes `target` (kind 'block' or 'mute'): in the owner's partition, so whom I block is one
 * Query; gsi1 `RELATED#<kind>#<target>` / owner lists who blocks me (may lag; visibility reads keys instead).
 */
export const relationKey = (owner: string, kind: string, target: string): Key => ({
  pk: key('USER', owner),
  sk: `${relationPrefix(kind)}${target}`,
});
export const relationPrefix = (kind: string): string => `${kind.toUpperCase()}#`;
export const relatedOf = (kind: string, target: string): string => key('RELATED', kind, target);
/** The profile attribute counting the owner's edges of a kind (`blockCount`, `muteCount`): the bound's check. */
export const relationCount = (kind: string): string => `${kind}Count`;

/** The registry of pulled accounts (hybrid fan-out): one small partition, read whole (adapters/pulled-accounts-cache.ts). */
export const PULLED_PK = 'PULLED';
export const pulledKey = (alias: string): Key => ({ pk: PULLED_PK, sk: key('USER', alias) });

export const sessionKey = (tokenHash: string): Key => ({ pk: key('SESSION', tokenHash), sk: 'SESSION' });
/** A user's session, listed in the user's partition so that a password change can end every other one. */
export const USER_SESSION_PREFIX = 'SESSION#';
export const userSessionKey = (alias: string, tokenHash: string): Key => ({
  pk: key('USER', alias),
  sk: `${USER_SESSION_PREFIX}${tokenHash}`,
});

/** A status and its delivery record share a partition; the author's story is gsi1 `STORY#<author>`. */
export const statusKey = (id: string): Key => ({ pk: key('STATUS', id), sk: 'STATUS' });
/** The marker a deleted status leaves (kept: a reply to it is told it was deleted). */
export const deletedStatusKey = (id: string): Key => ({ pk: key('GONE', id), sk: 'GONE' });
export const deliveryKey = (id: string): Key => ({ pk: key('STATUS', id), sk: 'DELIVERY' });
export const storyOf = (author: string): string => key('STORY', author);
/** A repost, in the reposted status's partition (its reposts are one Query); gsi1 `REPOSTS#<reposter>` / repost id. */
export const REPOST_PREFIX = 'REPOST#';
export const repostKey = (statusId: string, reposter: string): Key => ({
  pk: key('STATUS', statusId),
  sk: `${REPOST_PREFIX}${reposter}`,
});
export const repostsOf = (reposter: string): string => key('REPOSTS', reposter);
export const idempotencyKey = (author: string, idemKey: string): Key => ({
  pk: key('IDEM', author, idemKey),
  sk: 'IDEM',
});

/** DynamoDB's TTL attribute is in epoch seconds. */
export function ttlSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}
