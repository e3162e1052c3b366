import { describe, expect } from 'vitest';
import { eventually } from '../support/test-app.js';
import { T0, status, user, type CoreContractHooks } from './store-fixtures.js';

// What a user changes of their own account, and what their export reads (users, sessions, comments, reactions).

/** The Store contract for profile edits, password changes (ending sessions) and the export's reads by user. */
export function runAccountsContract(hooks: CoreContractHooks): void {
  const { test, createUsers, store } = hooks;
  const session = (alias: string, tokenHash: string, expiresAt = T0 + 60_000) => ({
    tokenHash,
    alias,
    createdAt: T0,
    expiresAt,
  });

  describe('accounts', () => {
    test('updateProfile changes only the fields given and returns the user as it is now', async () => {
      await createUsers('ann');
      expect((await store.users.get('ann'))?.bio).toBe('');
      const after = await store.users.updateProfile('ann', { bio: 'line one\nline two 🦆' });
      expect(after).toEqual(user('ann', { bio: 'line one\nline two 🦆' }));
      expect(await store.users.updateProfile('ann', { firstName: 'Ann', lastName: 'Other' })).toEqual(
        user('ann', { firstName: 'Ann', lastName: 'Other', bio: 'line one\nline two 🦆' }),
      );
      expect(await store.users.updateProfile('ann', {})).toMatchObject({ firstName: 'Ann' });
      expect((await store.users.getMany(['ann'])).get('ann')).toMatchObject({ lastName: 'Other' });
    });

    test('updateProfile of an unknown alias returns null and creates nobody', async () => {
      expect(await store.users.updateProfile('nobody', { bio: 'x' })).toBeNull();
      expect(await store.users.get('nobody')).toBeNull();
    });

    test('setPasswordHash replaces the hash and nothing else', async () => {
      await createUsers('ann');
      await store.users.setPasswordHash('ann', 'new-hash');
      expect(await store.users.get('ann')).toEqual(user('ann', { passwordHash: 'new-hash' }));
    });

    test('deleteOfUser removes every session of the user but the one kept, and returns their hashes', async () => {
      await createUsers('ann', 'bob');
      for (const s of [session('ann', 'a1'), session('ann', 'a2'), session('ann', 'a3', T0 - 1), session('bob', 'b1')])
        await store.sessions.create(s);
      expect((await store.sessions.deleteOfUser('ann', { except: 'a2' })).sort()).toEqual(['a1', 'a3']);
      expect(await store.sessions.get('a1')).toBeNull();
      expect(await store.sessions.get('a3')).toBeNull();
      expect(await store.sessions.get('a2')).toEqual(session('ann', 'a2'));
      expect(await store.sessions.get('b1')).toEqual(session('bob', 'b1'));
      expect(await store.sessions.deleteOfUser('ann', { except: 'a2' })).toEqual([]);
      expect(await store.sessions.deleteOfUser('ann')).toEqual(['a2']);
      expect(await store.sessions.get('a2')).toBeNull();
      expect(await store.sessions.deleteOfUser('nobody')).toEqual([]);
    });

    test('statuses.postsByAuthor lists id, text and time of one author, newest first, page by page', async () => {
      await createUsers('ann', 'bob');
      for (const [n, author] of [
        [1, 'ann'],
        [2, 'bob'],
        [3, 'ann'],
        [4, 'ann'],
      ] as const) {
        await store.statuses.create(status(n, author), { audience: 0 });
      }
      const post = (n: number) => ({
        id: status(n, 'ann').id,
        post: `post ${n}`,
        createdAt: status(n, 'ann').createdAt,
      });
      await eventually(async () => (await store.statuses.postsByAuthor('ann', { limit: 10 })).length === 3);
      expect(await store.statuses.postsByAuthor('ann', { limit: 10 })).toEqual([post(4), post(3), post(1)]);
      expect(await store.statuses.postsByAuthor('ann', { limit: 2 })).toEqual([post(4), post(3)]);
      expect(await store.statuses.postsByAuthor('ann', { before: post(3).id, limit: 2 })).toEqual([post(1)]);
      expect(await store.statuses.postsByAuthor('cat', { limit: 2 })).toEqual([]);
    });

    test("comments.byAuthor lists one author's comments oldest first, page by page, deleted ones included", async () => {
      await createUsers('ann', 'bob');
      await store.statuses.create(status(1, 'bob'), { audience: 0 });
      await store.statuses.create(status(2, 'bob'), { audience: 0 });
      const comment = (n: number, author: string, statusN: number) => ({
        id: `01C${String(n).padStart(8, '0')}`,
        statusId: status(statusN, 'bob').id,
        author,
        text: `c${n}`,
        createdAt: T0 + n,
        deleted: false,
      });
      for (const c of [comment(1, 'ann', 1), comment(2, 'bob', 1), comment(3, 'ann', 2), comment(4, 'ann', 1)])
        expect(await store.comments.create(c)).toBe(true);
      await store.comments.softDelete(comment(3, 'ann', 2).id);
      // The DynamoDB index may lag a moment behind the writes.
      const all = await eventually(async () => {
        const page = await store.comments.byAuthor('ann', { limit: 10 });
        return page.length === 3 && page[1]?.deleted ? page : undefined;
      });
      expect(all.map((c) => c.text)).toEqual(['c1', '', 'c4']);
      expect(all[0]).toEqual(comment(1, 'ann', 1));
      const first = await store.comments.byAuthor('ann', { limit: 2 });
      expect(first.map((c) => c.id)).toEqual([comment(1, 'ann', 1).id, comment(3, 'ann', 2).id]);
      const rest = await store.comments.byAuthor('ann', { after: first[1]?.id ?? '', limit: 2 });
      expect(rest.map((c) => c.id)).toEqual([comment(4, 'ann', 1).id]);
      expect(await store.comments.byAuthor('cat', { limit: 5 })).toEqual([]);
    });

    test('reactions.byUser lists what one user gave, in key order, page by page', async () => {
      await createUsers('ann', 'bob');
      await store.statuses.create(status(1, 'bob'), { audience: 0 });
      await store.statuses.create(status(2, 'bob'), { audience: 0 });
      const [s1, s2] = [status(1, 'bob').id, status(2, 'bob').id];
      await store.reactions.add('status', s2, 'ann', 'like', T0 + 1);
      await store.reactions.add('status', s1, 'ann', 'heart', T0 + 2);
      await store.reactions.add('status', s1, 'ann', 'like', T0 + 3);
      await store.reactions.add('message', 'M1', 'ann', 'like', T0 + 4);
      await store.reactions.add('status', s1, 'bob', 'like', T0 + 5);
      await store.reactions.remove('status', s1, 'ann', 'like');
      const expected = [
        { type: 'message', targetId: 'M1', kind: 'like', createdAt: T0 + 4 },
        { type: 'status', targetId: s1, kind: 'heart', createdAt: T0 + 2 },
        { type: 'status', targetId: s2, kind: 'like', createdAt: T0 + 1 },
      ];
      await eventually(async () => (await store.reactions.byUser('ann', { limit: 10 })).items.length === 3);
      const all = await store.reactions.byUser('ann', { limit: 10 });
      expect(all).toEqual({ items: expected, next: null });
      const first = await store.reactions.byUser('ann', { limit: 2 });
      expect(first.items).toEqual(expected.slice(0, 2));
      expect(first.next).not.toBeNull();
      const rest = await store.reactions.byUser('ann', { after: first.next ?? '', limit: 2 });
      expect(rest.items).toEqual(expected.slice(2));
      expect(await store.reactions.byUser('cat', { limit: 5 })).toEqual({ items: [], next: null });
    });
  });
}
