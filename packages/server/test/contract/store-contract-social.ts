import { describe, expect } from 'vitest';
import type { BoardRecord, MemberRecord } from '../../src/ports/store.js';
import { aid, audit, bid, board, member, T0, type SocialContractHooks } from './social-fixtures.js';
import { runSocialContentContract } from './store-contract-social-content.js';

export type { SocialContractHooks } from './social-fixtures.js';

/** The Store contract for boards, members, messages, reactions, comments and the audit log. */
export function runSocialStoreContract(hooks: SocialContractHooks): void {
  const { test, store: current } = hooks;
  const auditOf = async (n = 1) => current().audit.list(`board:${bid(n)}`, { limit: 100 });

  describe('boards', () => {
    test('create writes the board and its owner as the one member', async () => {
      const store = current();
      await store.boards.create(board(1, { retentionDays: 7, description: 'about' }));
      expect(await store.boards.get(bid(1))).toEqual(board(1, { retentionDays: 7, description: 'about' }));
      expect(await store.members.get(bid(1), 'ann')).toEqual({
        boardId: bid(1),
        alias: 'ann',
        role: 'owner',
        joinedAt: T0 + 1,
      });
      expect(await store.boards.get(bid(2))).toBeNull();
    });

    test('getMany returns the boards found, keyed by id', async () => {
      const store = current();
      await store.boards.create(board(1));
      await store.boards.create(board(2));
      const found = await store.boards.getMany([bid(2), bid(9), bid(1), bid(2)]);
      expect([...found.keys()].sort()).toEqual([bid(1), bid(2)]);
      expect((await store.boards.getMany([])).size).toBe(0);
    });

    test('update changes only the given fields and returns the board as it was', async () => {
      const store = current();
      await store.boards.create(board(1, { retentionDays: 7 }));
      expect(await store.boards.update(bid(1), { name: 'renamed' })).toEqual(board(1, { retentionDays: 7 }));
      expect(await store.boards.update(bid(1), { retentionDays: null, description: 'd' })).toMatchObject({
        name: 'renamed',
        retentionDays: 7,
      });
      expect(await store.boards.get(bid(1))).toMatchObject({ name: 'renamed', description: 'd', retentionDays: null });
      expect(await store.boards.update(bid(9), { name: 'x' }, { audit: audit(1) })).toBeNull();
      expect(await auditOf()).toEqual([]);
    });

    test('update writes its audit entry only when a value changed', async () => {
      const store = current();
      await store.boards.create(board(1, { retentionDays: 7 }));
      const entry = (n: number) =>
        audit(n, `board:${bid(1)}`, { action: 'board.retention', target: bid(1), detail: { from: 7, to: 30 } });
      await store.boards.update(bid(1), { retentionDays: 7 }, { audit: entry(1) });
      expect(await auditOf()).toEqual([]);
      await store.boards.update(bid(1), { retentionDays: 30 }, { audit: entry(2) });
      expect(await auditOf()).toEqual([entry(2)]);
    });

    test('publicBoards lists public boards newest first, paged with before', async () => {
      const store = current();
      for (let n = 1; n <= 5; n++) await store.boards.create(board(n, { visibility: n === 3 ? 'private' : 'public' }));
      const ids = (boards: BoardRecord[]) => boards.map((b) => b.id);
      expect(ids(await store.boards.publicBoards({ limit: 10 }))).toEqual([bid(5), bid(4), bid(2), bid(1)]);
      expect(ids(await store.boards.publicBoards({ limit: 2 }))).toEqual([bid(5), bid(4)]);
      expect(ids(await store.boards.publicBoards({ before: bid(4), limit: 2 }))).toEqual([bid(2), bid(1)]);
      expect(ids(await store.boards.publicBoards({ before: bid(1), limit: 2 }))).toEqual([]);
    });

    test('withRetention lists only boards with a retention period, by id, paged with after', async () => {
      const store = current();
      for (let n = 1; n <= 5; n++) await store.boards.create(board(n, { retentionDays: n % 2 === 1 ? n : null }));
      const ids = (boards: BoardRecord[]) => boards.map((b) => b.id);
      expect(ids(await store.boards.withRetention({ limit: 10 }))).toEqual([bid(1), bid(3), bid(5)]);
      expect(ids(await store.boards.withRetention({ after: bid(1), limit: 1 }))).toEqual([bid(3)]);
      await store.boards.update(bid(3), { retentionDays: null });
      expect(ids(await store.boards.withRetention({ after: bid(1), limit: 1 }))).toEqual([bid(5)]);
    });
  });

  describe('members', () => {
    test('put adds a member once, counted once; a role change keeps the count', async () => {
      const store = current();
      await store.boards.create(board(1));
      expect(await store.members.put(member(1, 'bob'))).toEqual({ previous: null, changed: true });
      expect(await store.members.put(member(1, 'bob'))).toEqual({ previous: 'member', changed: false });
      expect((await store.boards.get(bid(1)))?.memberCount).toBe(2);
      expect(await store.members.put(member(1, 'bob', 'moderator'))).toEqual({ previous: 'member', changed: true });
      expect(await store.members.get(bid(1), 'bob')).toEqual({ ...member(1, 'bob'), role: 'moderator' });
      expect((await store.boards.get(bid(1)))?.memberCount).toBe(2);
    });

    test("put never changes the owner's row, and writes nothing on a missing board", async () => {
      const store = current();
      await store.boards.create(board(1));
      expect(await store.members.put(member(1, 'ann', 'moderator'), { audit: audit(1) })).toEqual({
        previous: 'owner',
        changed: false,
      });
      expect((await store.members.get(bid(1), 'ann'))?.role).toBe('owner');
      expect(await store.members.put(member(9, 'bob'), { audit: audit(2, `board:${bid(9)}`) })).toEqual({
        previous: null,
        changed: false,
      });
      expect(await store.members.get(bid(9), 'bob')).toBeNull();
      expect(await auditOf(1)).toEqual([]);
      expect(await auditOf(9)).toEqual([]);
    });

    test('remove uncounts once, and never removes the owner', async () => {
      const store = current();
      await store.boards.create(board(1));
      await store.members.put(member(1, 'bob'));
      expect(await store.members.remove(bid(1), 'bob')).toBe(true);
      expect(await store.members.remove(bid(1), 'bob')).toBe(false);
      expect(await store.members.remove(bid(1), 'ann')).toBe(false);
      expect(await store.members.get(bid(1), 'bob')).toBeNull();
      expect(await store.boards.get(bid(1))).toMatchObject({ memberCount: 1 });
      expect((await store.members.get(bid(1), 'ann'))?.role).toBe('owner');
    });

    test('put and remove write their audit entries only when they changed something', async () => {
      const store = current();
      await store.boards.create(board(1));
      await store.members.put(member(1, 'bob'), { audit: audit(1) });
      await store.members.put(member(1, 'bob'), { audit: audit(2) });
      await store.members.put(member(1, 'bob', 'moderator'), { audit: audit(3, undefined, { action: 'member.role' }) });
      await store.members.remove(bid(1), 'bob', { audit: audit(4, undefined, { action: 'member.remove' }) });
      await store.members.remove(bid(1), 'bob', { audit: audit(5, undefined, { action: 'member.remove' }) });
      expect((await auditOf()).map((e) => [e.id, e.action])).toEqual([
        [aid(4), 'member.remove'],
        [aid(3), 'member.role'],
        [aid(1), 'member.add'],
      ]);
    });

    test('memberCount stays exact through duplicate puts and removes issued without awaiting each other', async () => {
      const store = current();
      await store.boards.create(board(1));
      const aliases = Array.from({ length: 40 }, (_, i) => `u${i}`);
      await Promise.all(aliases.flatMap((a) => [store.members.put(member(1, a)), store.members.put(member(1, a))]));
      await Promise.all(
        aliases.slice(0, 10).flatMap((a) => [store.members.remove(bid(1), a), store.members.remove(bid(1), a)]),
      );
      expect((await store.boards.get(bid(1)))?.memberCount).toBe(31);
      expect(await store.members.list(bid(1), { limit: 100 })).toHaveLength(31);
    });

    test('rolesOf returns the roles on the boards given', async () => {
      const store = current();
      for (const n of [1, 2, 3]) await store.boards.create(board(n));
      await store.members.put(member(1, 'bob', 'moderator'));
      await store.members.put(member(3, 'bob'));
      const roles = await store.members.rolesOf('bob', [bid(1), bid(2), bid(3), bid(9)]);
      expect(Object.fromEntries(roles)).toEqual({ [bid(1)]: 'moderator', [bid(3)]: 'member' });
      expect(Object.fromEntries(await store.members.rolesOf('ann', [bid(2)]))).toEqual({ [bid(2)]: 'owner' });
      expect((await store.members.rolesOf('bob', [])).size).toBe(0);
    });

    test('list pages members by alias', async () => {
      const store = current();
      await store.boards.create(board(1, { owner: 'kim' }));
      for (const a of ['bob', 'zed', 'amy']) await store.members.put(member(1, a));
      const aliases = (rows: MemberRecord[]) => rows.map((m) => m.alias);
      expect(aliases(await store.members.list(bid(1), { limit: 2 }))).toEqual(['amy', 'bob']);
      expect(aliases(await store.members.list(bid(1), { after: 'bob', limit: 2 }))).toEqual(['kim', 'zed']);
      expect(aliases(await store.members.list(bid(1), { after: 'zed', limit: 2 }))).toEqual([]);
      expect(await store.members.list(bid(9), { limit: 2 })).toEqual([]);
    });

    test('recount sets memberCount from the membership items', async () => {
      const store = current();
      await store.boards.create(board(1));
      for (const a of ['bob', 'cid', 'dan']) await store.members.put(member(1, a));
      await store.members.remove(bid(1), 'cid');
      expect(await store.members.recount(bid(1))).toBe(3);
      expect((await store.boards.get(bid(1)))?.memberCount).toBe(3);
      expect(await store.members.recount(bid(9))).toBeNull();
      expect(await store.boards.get(bid(9))).toBeNull();
    });

    test("boardsOf pages a user's boards newest first", async () => {
      const store = current();
      for (let n = 1; n <= 4; n++) await store.boards.create(board(n));
      for (const n of [1, 2, 4]) await store.members.put(member(n, 'bob'));
      expect(await store.members.boardsOf('bob', { limit: 2 })).toEqual([bid(4), bid(2)]);
      expect(await store.members.boardsOf('bob', { before: bid(2), limit: 2 })).toEqual([bid(1)]);
      expect(await store.members.boardsOf('ann', { limit: 10 })).toEqual([bid(4), bid(3), bid(2), bid(1)]);
      await store.members.remove(bid(4), 'bob');
      expect(await store.members.boardsOf('bob', { limit: 1 })).toEqual([bid(2)]);
    });
  });

  runSocialContentContract(hooks);

  describe('audit', () => {
    test('list reads one scope newest first, paged with before', async () => {
      const store = current();
      await store.boards.create(board(1));
      await store.boards.create(board(2));
      for (let n = 1; n <= 5; n++) {
        await store.members.put(member(n % 2 === 0 ? 2 : 1, `u${n}`), {
          audit: audit(n, `board:${bid(n % 2 === 0 ? 2 : 1)}`, { target: `u${n}` }),
        });
      }
      const list = (scope: string, before?: string) =>
        store.audit.list(scope, { before, limit: 2 }).then((rows) => rows.map((e) => e.id));
      expect(await list(`board:${bid(1)}`)).toEqual([aid(5), aid(3)]);
      expect(await list(`board:${bid(1)}`, aid(3))).toEqual([aid(1)]);
      expect(await list(`board:${bid(2)}`)).toEqual([aid(4), aid(2)]);
      expect(await list(`board:${bid(9)}`)).toEqual([]);
      expect((await store.audit.list(`board:${bid(1)}`, { limit: 1 }))[0]).toEqual(
        audit(5, `board:${bid(1)}`, { target: 'u5' }),
      );
    });
  });
}
