import { describe, expect } from 'vitest';
import type { CommentRecord, MessageRecord, Store } from '../../src/ports/store.js';
import {
  audit,
  bid,
  board,
  cid,
  comment,
  message,
  mid,
  range,
  T0,
  type SocialContractHooks,
} from './social-fixtures.js';

/** The Store contract for what boards and statuses hold: messages, reactions and comments. */
export function runSocialContentContract({ test, store: current }: SocialContractHooks): void {
  const auditOf = async (n = 1) => current().audit.list(`board:${bid(n)}`, { limit: 100 });

  describe('messages', () => {
    async function seed(count: number): Promise<Store> {
      const store = current();
      await store.boards.create(board(1));
      await store.boards.create(board(2));
      for (let n = 1; n <= count; n++) await store.messages.create(message(n));
      await store.messages.create(message(100, 2));
      return store;
    }
    const ids = (rows: MessageRecord[]) => rows.map((m) => m.id);

    test('create then get by board and id', async () => {
      const store = await seed(2);
      expect(await store.messages.get(bid(1), mid(2))).toEqual(message(2));
      expect(await store.messages.get(bid(2), mid(2))).toBeNull();
      expect(await store.messages.get(bid(1), mid(9))).toBeNull();
    });

    test('page newest first, with before as an exclusive bound', async () => {
      const store = await seed(5);
      expect(ids(await store.messages.page(bid(1), { order: 'desc', limit: 2 }))).toEqual([mid(5), mid(4)]);
      expect(ids(await store.messages.page(bid(1), { order: 'desc', before: mid(4), limit: 2 }))).toEqual([
        mid(3),
        mid(2),
      ]);
      expect(ids(await store.messages.page(bid(1), { order: 'desc', before: mid(2), limit: 2 }))).toEqual([mid(1)]);
      expect(ids(await store.messages.page(bid(1), { order: 'desc', before: mid(1), limit: 2 }))).toEqual([]);
    });

    test('page oldest first, with after as an exclusive bound', async () => {
      const store = await seed(5);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', limit: 2 }))).toEqual([mid(1), mid(2)]);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', after: mid(2), limit: 2 }))).toEqual([
        mid(3),
        mid(4),
      ]);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', after: mid(5), limit: 2 }))).toEqual([]);
      expect(ids(await store.messages.page(bid(2), { order: 'asc', limit: 5 }))).toEqual([mid(100)]);
    });

    test('since is an inclusive lower bound combined with after and before', async () => {
      const store = await seed(6);
      const page = (r: { after?: string; before?: string; since?: string }, order: 'asc' | 'desc' = 'asc') =>
        store.messages.page(bid(1), { order, limit: 10, ...r }).then(ids);
      expect(await page({ since: mid(4) })).toEqual([mid(4), mid(5), mid(6)]);
      expect(await page({ since: mid(4), after: mid(2) })).toEqual([mid(4), mid(5), mid(6)]);
      expect(await page({ since: mid(4), after: mid(4) })).toEqual([mid(5), mid(6)]);
      expect(await page({ since: mid(4), after: mid(5) })).toEqual([mid(6)]);
      expect(await page({ since: mid(3), before: mid(5) }, 'desc')).toEqual([mid(4), mid(3)]);
      expect(await page({ since: mid(5), before: mid(5) }, 'desc')).toEqual([]);
    });

    test('softDelete empties text and topic once, keeps the place, and audits only then', async () => {
      const store = await seed(3);
      const entry = audit(1, `board:${bid(1)}`, { action: 'message.delete', target: mid(2) });
      const first = await store.messages.softDelete(bid(1), mid(2), { audit: entry });
      const placeholder = { ...message(2), text: '', topic: null, deleted: true };
      expect(first).toEqual({ message: placeholder, changed: true });
      expect(await store.messages.softDelete(bid(1), mid(2), { audit: audit(2) })).toEqual({
        message: placeholder,
        changed: false,
      });
      expect(await store.messages.softDelete(bid(2), mid(2), { audit: audit(3) })).toBeNull();
      expect(await store.messages.softDelete(bid(1), mid(9))).toBeNull();
      expect(ids(await store.messages.page(bid(1), { order: 'asc', limit: 5 }))).toEqual([mid(1), mid(2), mid(3)]);
      expect(await store.messages.get(bid(1), mid(2))).toEqual(placeholder);
      expect(await auditOf()).toEqual([entry]);
    });

    test('idsBefore lists the oldest ids first and deleteMany removes them for good', async () => {
      const store = await seed(5);
      expect(await store.messages.idsBefore(bid(1), mid(4), 2)).toEqual([mid(1), mid(2)]);
      expect(await store.messages.idsBefore(bid(1), mid(4), 10)).toEqual([mid(1), mid(2), mid(3)]);
      expect(await store.messages.deleteMany(bid(1), [mid(1), mid(2), mid(9)])).toBe(2);
      expect(await store.messages.deleteMany(bid(1), [])).toBe(0);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', limit: 10 }))).toEqual(range(3, 5, mid));
      expect(await store.messages.get(bid(2), mid(100))).not.toBeNull();
    });
  });

  describe('reactions', () => {
    test('add and remove are idempotent and change the count only when they write', async () => {
      const { reactions } = current();
      expect(await reactions.add('status', 'S1', 'ann', 'like', T0)).toEqual({
        changed: true,
        counts: { like: 1, heart: 0 },
      });
      expect(await reactions.add('status', 'S1', 'ann', 'like', T0)).toEqual({
        changed: false,
        counts: { like: 1, heart: 0 },
      });
      expect(await reactions.add('status', 'S1', 'ann', 'heart', T0)).toEqual({
        changed: true,
        counts: { like: 1, heart: 1 },
      });
      expect(await reactions.add('status', 'S1', 'bob', 'like', T0)).toEqual({
        changed: true,
        counts: { like: 2, heart: 1 },
      });
      expect(await reactions.remove('status', 'S1', 'ann', 'like')).toEqual({
        changed: true,
        counts: { like: 1, heart: 1 },
      });
      expect(await reactions.remove('status', 'S1', 'ann', 'like')).toEqual({
        changed: false,
        counts: { like: 1, heart: 1 },
      });
      expect(await reactions.remove('status', 'S9', 'ann', 'like')).toEqual({
        changed: false,
        counts: { like: 0, heart: 0 },
      });
    });

    test('counts stay exact under duplicate adds and removes issued without awaiting each other', async () => {
      const { reactions } = current();
      const users = Array.from({ length: 50 }, (_, i) => `u${i}`);
      await Promise.all(
        users.flatMap((u) => [
          reactions.add('message', 'M1', u, 'heart', T0),
          reactions.add('message', 'M1', u, 'heart', T0),
        ]),
      );
      await Promise.all(
        users
          .slice(0, 20)
          .flatMap((u) => [
            reactions.remove('message', 'M1', u, 'heart'),
            reactions.remove('message', 'M1', u, 'heart'),
          ]),
      );
      expect((await reactions.counts('message', ['M1'])).get('M1')).toEqual({ like: 0, heart: 30 });
    });

    test('statuses and messages with the same id are separate targets', async () => {
      const { reactions } = current();
      await reactions.add('status', 'X1', 'ann', 'like', T0);
      await reactions.add('message', 'X1', 'ann', 'heart', T0);
      expect((await reactions.counts('status', ['X1'])).get('X1')).toEqual({ like: 1, heart: 0 });
      expect((await reactions.mine('message', 'ann', ['X1'])).get('X1')).toEqual(['heart']);
    });

    test('counts and mine read a page of targets at once; mine lists kinds in declared order', async () => {
      const { reactions } = current();
      await reactions.add('status', 'S2', 'ann', 'heart', T0);
      await reactions.add('status', 'S2', 'ann', 'like', T0);
      await reactions.add('status', 'S3', 'bob', 'like', T0);
      const counts = await reactions.counts('status', ['S1', 'S2', 'S3']);
      expect(counts.get('S2')).toEqual({ like: 1, heart: 1 });
      expect(counts.get('S3')).toEqual({ like: 1, heart: 0 });
      expect(counts.get('S1') ?? { like: 0, heart: 0 }).toEqual({ like: 0, heart: 0 });
      const mine = await reactions.mine('status', 'ann', ['S1', 'S2', 'S3']);
      expect(Object.fromEntries(mine)).toEqual({ S2: ['like', 'heart'] });
      expect((await reactions.counts('status', [])).size).toBe(0);
      expect((await reactions.mine('status', 'ann', [])).size).toBe(0);
    });

    test('purge removes every reaction and count of the targets given', async () => {
      const { reactions } = current();
      await reactions.add('message', 'M1', 'ann', 'like', T0);
      await reactions.add('message', 'M1', 'bob', 'like', T0);
      await reactions.add('message', 'M2', 'ann', 'like', T0);
      expect(await reactions.purge('message', ['M1', 'M9'])).toBe(2);
      expect(await reactions.purge('message', [])).toBe(0);
      expect((await reactions.counts('message', ['M1'])).get('M1') ?? { like: 0, heart: 0 }).toEqual({
        like: 0,
        heart: 0,
      });
      expect((await reactions.mine('message', 'ann', ['M1', 'M2'])).has('M1')).toBe(false);
      expect((await reactions.counts('message', ['M2'])).get('M2')).toEqual({ like: 1, heart: 0 });
      expect(await reactions.add('message', 'M1', 'ann', 'like', T0)).toEqual({
        changed: true,
        counts: { like: 1, heart: 0 },
      });
    });
  });

  describe('comments', () => {
    test('create counts the comment; get and list read it back oldest first', async () => {
      const { comments } = current();
      for (let n = 1; n <= 5; n++) await comments.create(comment(n));
      await comments.create(comment(6, 'S2'));
      expect(await comments.get(cid(3))).toEqual(comment(3));
      expect(await comments.get(cid(9))).toBeNull();
      const idsOf = (rows: CommentRecord[]) => rows.map((c) => c.id);
      expect(idsOf(await comments.list('S1', { limit: 2 }))).toEqual([cid(1), cid(2)]);
      expect(idsOf(await comments.list('S1', { after: cid(2), limit: 2 }))).toEqual([cid(3), cid(4)]);
      expect(idsOf(await comments.list('S1', { after: cid(4), limit: 2 }))).toEqual([cid(5)]);
      expect(Object.fromEntries(await comments.counts(['S1', 'S2', 'S3']))).toEqual({ S1: 5, S2: 1 });
      expect((await comments.counts([])).size).toBe(0);
    });

    test('softDelete empties the text and uncounts once; the placeholder keeps its place', async () => {
      const { comments, audit: log } = current();
      for (let n = 1; n <= 3; n++) await comments.create(comment(n));
      const entry = audit(1, 'status:S1', { action: 'comment.delete', target: cid(2) });
      const placeholder = { ...comment(2), text: '', deleted: true };
      expect(await comments.softDelete(cid(2), { audit: entry })).toEqual({ comment: placeholder, changed: true });
      expect(await comments.softDelete(cid(2), { audit: audit(2, 'status:S1') })).toEqual({
        comment: placeholder,
        changed: false,
      });
      expect(await comments.softDelete(cid(9))).toBeNull();
      expect((await comments.list('S1', { limit: 10 })).map((c) => c.deleted)).toEqual([false, true, false]);
      expect((await comments.counts(['S1'])).get('S1')).toBe(2);
      expect(await log.list('status:S1', { limit: 10 })).toEqual([entry]);
    });

    test('purgeStatus removes a status’s comments in batches, then its count', async () => {
      const { comments } = current();
      for (let n = 1; n <= 5; n++) await comments.create(comment(n));
      await comments.create(comment(6, 'S2'));
      expect(await comments.purgeStatus('S1', 2)).toBe(2);
      expect((await comments.counts(['S1'])).get('S1')).toBe(5); // the count goes with the last batch
      expect(await comments.purgeStatus('S1', 2)).toBe(2);
      expect(await comments.purgeStatus('S1', 2)).toBe(1);
      expect(await comments.purgeStatus('S1', 2)).toBe(0);
      expect(await comments.list('S1', { limit: 10 })).toEqual([]);
      expect((await comments.counts(['S1'])).get('S1') ?? 0).toBe(0);
      expect(await comments.get(cid(6))).toEqual(comment(6, 'S2'));
    });
  });
}
