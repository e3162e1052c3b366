import { loadConfig } from '../../src/config/config.js';
import { hashPassword } from '../../src/domain/passwords.js';
import { systemClock } from '../../src/ports/clock.js';
import type { Store } from '../../src/ports/store.js';
import { openTestStores } from './aws-local.js';
import { TEST_ENV } from './test-app.js';

/** The store a test's child servers use, opened in this process (to seed it, or to count what they wrote). */
export function openSeedStore(env: Record<string, string>): Promise<{ store: Store; close: () => Promise<void> }> {
  return openTestStores(loadConfig({ ...TEST_ENV, ...env }), systemClock);
}

/**
 * Writes `aliases` as users who sign in with `password1` and the follow edges between them, in bulk, before a child
 * server starts on the same store (its HTTP sign-up would cost a scrypt hash and a request per user).
 */
export async function seedGraph(
  env: Record<string, string>,
  aliases: readonly string[],
  follows: readonly { follower: string; followee: string }[],
): Promise<void> {
  const { store, close } = await openSeedStore(env);
  try {
    const passwordHash = await hashPassword('password1', { N: 1024, r: 8, p: 1 });
    const createdAt = Date.now();
    await store.users.createMany(
      aliases.map((alias) => ({
        alias,
        firstName: 'F',
        lastName: 'L',
        passwordHash,
        imageKey: null,
        createdAt,
        followerCount: 0,
        followeeCount: 0,
      })),
    );
    await store.follows.addMany([...follows], createdAt);
  } finally {
    await close();
  }
}
