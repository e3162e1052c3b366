import { describe, expect } from 'vitest';
import type { DeletionRecord } from '../../src/ports/account-deletions.js';
import { job, sid, status, T0, user, type CoreContractHooks } from './store-fixtures.js';

const DAY = 86_400_000;

function tombstone(alias: string, overrides: Partial<DeletionRecord> = {}): DeletionRecord {
  return {
    alias,
    imageKey: null,
    deletedAt: T0,
    reservedUntil: T0 + 30 * DAY,
    step: 'followers',
    cursor: null,
    seq: 0,
    ...overrides,
  };
}

/** The Store contract for account deletion: tombstones, progress, the alias reservation and what an alias wrote. */
export function runDeletionsContract(hooks: CoreContractHooks): void {
  const { test, createUsers, store, expectJobs } = hooks;
  const first = job('account.delete', { alias: 'ann', seq: 0 });

  describe('account deletions', () => {
    test('begin removes the user and writes the tombstone with its job, once', async (ctx) => {
      await createUsers('ann');
      const record = tombstone('ann', { imageKey: 'avatars/ann-1.png' });
      expect(await store.deletions.begin(record, [first])).toBe(true);
      expect(await store.users.get('ann')).toBeNull();
      expect(await store.deletions.get('ann')).toEqual(record);
      expect(await store.deletions.begin(record, [first])).toBe(false);
      await expectJobs(ctx, [first]);
    });

    test('begin of an unknown user writes nothing', async (ctx) => {
      expect(await store.deletions.begin(tombstone('ghost'), [first])).toBe(false);
      expect(await store.deletions.get('ghost')).toBeNull();
      await expectJobs(ctx, []);
    });

    test('advance is a compare-and-set on seq, and sends the next job only when applied', async (ctx) => {
      await createUsers('ann');
      const record = tombstone('ann');
      await store.deletions.begin(record, [first]);
      const next = job('account.delete', { alias: 'ann', seq: 1 });
      const to = { step: 'followers', cursor: 'bob', seq: 1 };
      expect(await store.deletions.advance('ann', record, to, [next])).toBe(true);
      expect(await store.deletions.advance('ann', record, to, [next])).toBe(false);
      expect(await store.deletions.get('ann')).toMatchObject(to);
      const done = { step: 'done', cursor: null, seq: 2 };
      expect(await store.deletions.advance('ann', to, done, [])).toBe(true);
      expect(await store.deletions.get('ann')).toMatchObject(done);
      expect(await store.deletions.advance('nobody', record, to, [])).toBe(false);
      await expectJobs(ctx, [first, next]);
    });

    test('the reservation ends only for finished deletions past it, and release frees the alias', async () => {
      await createUsers('ann', 'bob', 'cat');
      await store.deletions.begin(tombstone('ann', { reservedUntil: T0 + DAY }), []);
      await store.deletions.begin(tombstone('bob', { reservedUntil: T0 + 2 * DAY }), []);
      await store.deletions.begin(tombstone('cat', { reservedUntil: T0 }), []);
      const done = { step: 'done', cursor: null, seq: 1 };
      await store.deletions.advance('ann', tombstone('ann'), done, []);
      await store.deletions.advance('bob', tombstone('bob'), done, []);
      // cat is still being deleted: its alias stays taken whatever the date.
      await eventuallyEqual(() => store.deletions.expired(T0 + 3 * DAY, 10), ['ann', 'bob']);
      expect(await store.deletions.expired(T0 + DAY, 10)).toEqual(['ann']);
      expect(await store.deletions.release('bob', T0 + DAY)).toBe(false);
      expect(await store.deletions.release('cat', T0 + 3 * DAY)).toBe(false);
      expect(await store.deletions.release('ann', T0 + DAY)).toBe(true);
      expect(await store.deletions.get('ann')).toBeNull();
      expect(await store.users.create(user('ann'))).toBe(true);
    });

    test('transferBoard hands the board and its owner role over, once', async () => {
      await createUsers('ann', 'bob');
      await store.boards.create({
        id: 'B1',
        name: 'b',
        description: '',
        visibility: 'public',
        owner: 'ann',
        memberCount: 1,
        retentionDays: null,
        createdAt: T0,
      });
      await store.members.put({ boardId: 'B1', alias: 'bob', role: 'moderator', joinedAt: T0 + 1 });
      await store.deletions.transferBoard('B1', 'ann', 'bob');
      await store.deletions.transferBoard('B1', 'ann', 'bob');
      expect(await store.boards.get('B1')).toMatchObject({ owner: 'bob', memberCount: 1 });
      expect(await store.members.get('B1', 'bob')).toMatchObject({ role: 'owner' });
      expect(await store.members.get('B1', 'ann')).toBeNull();
      await store.deletions.deleteBoard('B1');
      expect(await store.boards.get('B1')).toBeNull();
      expect(await store.members.list('B1', { limit: 10 })).toEqual([]);
    });

    test('messagesBy pages the board messages an alias wrote, by cursor; eraseComment removes one for good', async () => {
      await createUsers('ann', 'bob');
      for (const n of [1, 2]) await store.statuses.create(status(n, 'bob'), { audience: 0 });
      await store.reactions.add('status', sid(1), 'ann', 'like', T0);
      await store.reactions.add('status', sid(2), 'ann', 'heart', T0);
      await store.reactions.add('status', sid(2), 'bob', 'like', T0);
      for (const id of ['C1', 'C2', 'C3'])
        await store.comments.create({ id, statusId: sid(1), author: 'ann', text: 'x', createdAt: T0, deleted: false });
      await store.comments.create({
        id: 'C4',
        statusId: sid(2),
        author: 'bob',
        text: 'y',
        createdAt: T0,
        deleted: false,
      });
      const m = await store.messages.create({
        boardId: 'B9',
        author: 'ann',
        topic: null,
        text: 'm',
        createdAt: T0,
        deleted: false,
      });

      const all = { limit: 10 };
      await eventuallyEqual(
        async () => (await store.deletions.messagesBy('ann', all)).items,
        [{ boardId: 'B9', id: m.id }],
      );
      expect((await store.deletions.messagesBy('bob', all)).items).toEqual([]);

      await store.deletions.eraseComment(sid(1), 'C1');
      await store.deletions.eraseComment(sid(1), 'C1');
      expect(await store.comments.get('C1')).toBeNull();
      expect((await store.comments.list(sid(1), all)).map((c) => c.id)).toEqual(['C2', 'C3']);
    });
  });
}

/** Lists read from an index may lag (DynamoDB GSIs): wait a little for them to show a write. */
async function eventuallyEqual<T>(read: () => Promise<T>, expected: T): Promise<T> {
  let last: T = await read();
  for (let i = 0; i < 50 && JSON.stringify(last) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await read();
  }
  expect(last).toEqual(expected);
  return last;
}
