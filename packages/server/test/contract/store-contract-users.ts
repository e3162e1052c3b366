import { describe, expect } from 'vitest';
import { DEFAULT_SCRYPT } from '../../src/domain/passwords.js';
import { hashToken } from '../../src/domain/tokens.js';
import type { Store } from '../../src/ports/store.js';
import { LoginThrottle } from '../../src/services/login-throttle.js';
import { PasswordHasher } from '../../src/services/password-hasher.js';
import { SessionService } from '../../src/services/sessions.js';
import { UserPresenter } from '../../src/services/user-presenter.js';
import { T0, user, type CoreContractHooks } from './store-fixtures.js';

/** The token checks over `store`: with the store's one-read session lookup where it has one (SQLite). */
function sessionService(store: Store): SessionService {
  const clock = { now: () => T0 + 500 };
  const limits = { maxFailures: 5, maxFailuresPerAddress: 50, windowMs: 60_000, aliasDelayMaxMs: 0 };
  return new SessionService({
    users: store.users,
    sessions: store.sessions,
    throttle: new LoginThrottle(clock, limits),
    hasher: new PasswordHasher(DEFAULT_SCRYPT, { concurrency: 1, queue: 1 }),
    userPresenter: new UserPresenter('http://127.0.0.1'),
    clock,
    tokenTtlMs: 60_000,
    scrypt: DEFAULT_SCRYPT,
  });
}

/** The Store contract for users and login sessions. */
export function runUsersContract(hooks: CoreContractHooks): void {
  const { test, createUsers, store } = hooks;
  describe('users', () => {
    test('create then get returns the same record', async () => {
      const ann = user('ann', { imageKey: 'img/ann.png', createdAt: T0 + 5 });
      expect(await store.users.create(ann)).toBe(true);
      expect(await store.users.get('ann')).toEqual(ann);
    });

    test('create with a taken alias returns false and keeps the first user', async () => {
      expect(await store.users.create(user('ann'))).toBe(true);
      expect(await store.users.create(user('ann', { firstName: 'Other' }))).toBe(false);
      expect((await store.users.get('ann'))?.firstName).toBe('ANN');
    });

    test('get of an unknown alias returns null', async () => {
      expect(await store.users.get('nobody')).toBeNull();
    });

    test('getMany returns the users found, keyed by alias', async () => {
      await createUsers('ann', 'bob', 'cat');
      const found = await store.users.getMany(['cat', 'ann', 'nobody', 'ann']);
      expect([...found.keys()].sort()).toEqual(['ann', 'cat']);
      expect(found.get('cat')).toEqual(user('cat'));
      expect((await store.users.getMany([])).size).toBe(0);
    });

    test('setImage sets and clears the image key', async () => {
      await createUsers('ann');
      await store.users.setImage('ann', 'images/ann-1.webp');
      expect((await store.users.get('ann'))?.imageKey).toBe('images/ann-1.webp');
      await store.users.setImage('ann', null);
      expect((await store.users.get('ann'))?.imageKey).toBeNull();
    });

    test('createMany inserts new users only and returns how many were new', async () => {
      await store.users.create(user('bob', { firstName: 'First' }));
      expect(await store.users.createMany([user('ann'), user('bob'), user('cat')])).toBe(2);
      expect(await store.users.createMany([user('ann'), user('cat')])).toBe(0);
      expect(await store.users.createMany([])).toBe(0);
      expect((await store.users.get('bob'))?.firstName).toBe('First');
      expect((await store.users.getMany(['ann', 'bob', 'cat'])).size).toBe(3);
    });
  });

  describe('sessions', () => {
    test('create, get and delete a session', async () => {
      const session = { tokenHash: 'h1', alias: 'ann', createdAt: T0, expiresAt: T0 + 1000 };
      await store.sessions.create(session);
      expect(await store.sessions.get('h1')).toEqual(session);
      await store.sessions.delete('h1');
      expect(await store.sessions.get('h1')).toBeNull();
    });

    test('a token acts for its account only while that account, not a later one of its alias, exists', async () => {
      await store.users.create(user('ann', { createdAt: T0 }));
      await store.users.create(user('bob', { createdAt: T0 + 200 }));
      const open = (token: string, alias: string, createdAt: number) =>
        store.sessions.create({ tokenHash: hashToken(token), alias, createdAt, expiresAt: T0 + 10_000 });
      await open('ann-token', 'ann', T0 + 100);
      await open('ghost-token', 'ghost', T0 + 100); // no such account (deleted)
      await open('old-bob-token', 'bob', T0 + 100); // opened before this bob registered: an earlier owner's
      await store.sessions.create({ tokenHash: hashToken('gone-token'), alias: 'ann', createdAt: T0, expiresAt: T0 });
      const sessions = sessionService(store);
      expect(await sessions.authenticate('ann-token')).toBe('ann');
      expect(await sessions.state(hashToken('ann-token'))).toBe('active');
      for (const token of ['ghost-token', 'old-bob-token', 'unknown-token']) {
        await expect(sessions.authenticate(token)).rejects.toThrow('token is not valid');
        expect(await sessions.state(hashToken(token))).toBe('revoked');
      }
      expect(await sessions.state(hashToken('gone-token'))).toBe('expired');
      await expect(sessions.authenticate('gone-token')).rejects.toThrow('token has expired');
    });

    test('get and delete of an unknown token', async () => {
      expect(await store.sessions.get('missing')).toBeNull();
      await expect(store.sessions.delete('missing')).resolves.toBeUndefined();
    });

    test('deleteExpired removes only expired sessions and returns how many', async () => {
      await store.sessions.create({ tokenHash: 'old1', alias: 'ann', createdAt: T0, expiresAt: T0 + 10 });
      await store.sessions.create({ tokenHash: 'old2', alias: 'bob', createdAt: T0, expiresAt: T0 + 20 });
      await store.sessions.create({ tokenHash: 'live', alias: 'ann', createdAt: T0, expiresAt: T0 + 10_000 });
      expect(await store.sessions.deleteExpired(T0 + 100, 1)).toBe(1);
      expect(await store.sessions.deleteExpired(T0 + 100, 10)).toBe(1);
      expect(await store.sessions.deleteExpired(T0 + 100, 10)).toBe(0);
      expect(await store.sessions.get('old1')).toBeNull();
      expect(await store.sessions.get('live')).not.toBeNull();
    });
  });
}
