import { describe, expect } from 'vitest';
import { T0, user, type CoreContractHooks } from './store-fixtures.js';

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
