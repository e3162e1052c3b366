import {
  configFromEnvironment,
  hashPassword,
  hashToken,
  newToken,
  openStoresChecked,
  systemClock,
  type UserRecord,
} from '@tweeter/server/tooling';

export interface FeedAudience {
  author: string;
  authorToken: string;
  /** One session token per follower, in follower order. */
  followerTokens: string[];
}

const BATCH = 5000;
const DAY_MS = 86_400_000;

/**
 * Writes an author and `followers` users who follow them straight into a fresh DATA_DIR (before the server
 * starts), with a session per user inserted directly: 10,000 logins would cost 10,000 scrypt hashes.
 */
export async function seedFeedAudience(dataDir: string, followers: number, password: string): Promise<FeedAudience> {
  // Through the server's own wiring, in the shape the child server will run (the environment's, on this DATA_DIR).
  const opened = await openStoresChecked(configFromEnvironment({ DATA_DIR: dataDir }), systemClock);
  const { store } = opened;
  try {
    const now = systemClock.now();
    const passwordHash = await hashPassword(password, { N: 1024, r: 8, p: 1 });
    const user = (alias: string): UserRecord => ({
      alias,
      firstName: 'Bench',
      lastName: alias,
      passwordHash,
      imageKey: null,
      createdAt: now,
      followerCount: 0,
      followeeCount: 0,
    });
    const author = 'ws_author';
    const aliases = Array.from({ length: followers }, (_, i) => `ws_sub_${String(i).padStart(6, '0')}`);
    await store.users.createMany([user(author)]);
    const tokens: string[] = [];
    const session = async (alias: string): Promise<string> => {
      const token = newToken();
      await store.sessions.create({ tokenHash: hashToken(token), alias, createdAt: now, expiresAt: now + DAY_MS });
      return token;
    };
    for (let from = 0; from < aliases.length; from += BATCH) {
      const batch = aliases.slice(from, from + BATCH);
      await store.users.createMany(batch.map(user));
      await store.follows.addMany(
        batch.map((follower) => ({ follower, followee: author })),
        now,
      );
      for (const alias of batch) tokens.push(await session(alias));
    }
    return { author, authorToken: await session(author), followerTokens: tokens };
  } finally {
    await opened.close();
  }
}
