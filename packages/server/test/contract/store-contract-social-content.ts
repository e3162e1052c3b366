import { describe, expect } from 'vitest';
import type { ReactionKind } from '@tweeter/shared';
import type { CommentRecord, ReactionChange } from '../../src/ports/store.js';
import { audit, cid, comment, statuses, T0, type SocialContractHooks } from './social-fixtures.js';
import { runSocialMessagesContract } from './store-contract-social-messages.js';
import { runThreadsContract } from './store-contract-threads.js';

/**
 * A reaction write's `{changed, counts}`; its optional `mine` (the alias's kinds after the write, where the store
 * reads them in the write's transaction) must then be `mine`, as a later `mine` read would say.
 */
async function change(
  write: Promise<ReactionChange | null>,
  mine: readonly ReactionKind[],
): Promise<Omit<ReactionChange, 'mine'> | null> {
  const result = await write;
  if (result?.mine !== undefined) expect(result.mine).toEqual(mine);
  return result && { changed: result.changed, counts: result.counts };
}

/** The Store contract for what boards and statuses hold: messages, reactions and comments. */
export function runSocialContentContract(hooks: SocialContractHooks): void {
  const { test, store: current } = hooks;
  runSocialMessagesContract(hooks);
  runThreadsContract(hooks);

  describe('reactions', () => {
    test('add and remove are idempotent and change the count only when they write', async () => {
      const { reactions } = current();
      await statuses(current(), 'S1');
      expect(await change(reactions.add('status', 'S1', 'ann', 'like', T0), ['like'])).toEqual({
        changed: true,
        counts: { like: 1, heart: 0 },
      });
      expect(await change(reactions.add('status', 'S1', 'ann', 'like', T0), ['like'])).toEqual({
        changed: false,
        counts: { like: 1, heart: 0 },
      });
      expect(await change(reactions.add('status', 'S1', 'ann', 'heart', T0), ['like', 'heart'])).toEqual({
        changed: true,
        counts: { like: 1, heart: 1 },
      });
      expect(await change(reactions.add('status', 'S1', 'bob', 'like', T0), ['like'])).toEqual({
        changed: true,
        counts: { like: 2, heart: 1 },
      });
      expect(await change(reactions.remove('status', 'S1', 'ann', 'like'), ['heart'])).toEqual({
        changed: true,
        counts: { like: 1, heart: 1 },
      });
      expect(await change(reactions.remove('status', 'S1', 'ann', 'like'), ['heart'])).toEqual({
        changed: false,
        counts: { like: 1, heart: 1 },
      });
      expect(await change(reactions.remove('status', 'S9', 'ann', 'like'), [])).toEqual({
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
      await statuses(current(), 'X1');
      await reactions.add('status', 'X1', 'ann', 'like', T0);
      await reactions.add('message', 'X1', 'ann', 'heart', T0);
      expect((await reactions.counts('status', ['X1'])).get('X1')).toEqual({ like: 1, heart: 0 });
      expect((await reactions.mine('message', 'ann', ['X1'])).get('X1')).toEqual(['heart']);
    });

    test('counts and mine read a page of targets at once; mine lists kinds in declared order', async () => {
      const { reactions } = current();
      await statuses(current(), 'S2', 'S3');
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

    test('purge removes the reactions and counts of the targets given, at most limit a call', async () => {
      const { reactions } = current();
      const zero = { like: 0, heart: 0 };
      for (const u of ['ann', 'bob', 'cid', 'dan', 'eve']) await reactions.add('message', 'M1', u, 'like', T0);
      await reactions.add('message', 'M1', 'ann', 'heart', T0);
      await reactions.add('message', 'M2', 'ann', 'like', T0);
      expect(await reactions.purge('message', ['M1', 'M9'], 4)).toBe(4);
      expect(await reactions.purge('message', ['M1', 'M9'], 4)).toBe(2);
      expect(await reactions.purge('message', ['M1', 'M9'], 4)).toBe(0);
      expect(await reactions.purge('message', [], 4)).toBe(0);
      expect((await reactions.counts('message', ['M1'])).get('M1') ?? zero).toEqual(zero);
      expect((await reactions.mine('message', 'ann', ['M1', 'M2'])).has('M1')).toBe(false);
      expect((await reactions.counts('message', ['M2'])).get('M2')).toEqual({ like: 1, heart: 0 });
      expect(await change(reactions.add('message', 'M1', 'ann', 'like', T0), ['like'])).toEqual({
        changed: true,
        counts: { like: 1, heart: 0 },
      });
    });

    test('add to a status that does not exist writes nothing and says so', async () => {
      const { reactions } = current();
      expect(await reactions.add('status', 'S9', 'ann', 'like', T0)).toBeNull();
      expect((await reactions.counts('status', ['S9'])).get('S9') ?? { like: 0, heart: 0 }).toEqual({
        like: 0,
        heart: 0,
      });
      expect((await reactions.mine('status', 'ann', ['S9'])).size).toBe(0);
      await statuses(current(), 'S9');
      expect(await current().statuses.delete('S9')).toBe(true);
      expect(await reactions.add('status', 'S9', 'ann', 'like', T0)).toBeNull();
      expect(await reactions.purge('status', ['S9'], 10)).toBe(0);
    });

    test('recount sets the counts from the reactions', async () => {
      const { reactions } = current();
      await statuses(current(), 'S1');
      for (const u of ['ann', 'bob', 'cid']) await reactions.add('status', 'S1', u, 'like', T0);
      await reactions.add('status', 'S1', 'ann', 'heart', T0);
      expect(await reactions.recount('status', 'S1')).toEqual({ like: 3, heart: 1 });
      expect(await reactions.recount('message', 'M9')).toEqual({ like: 0, heart: 0 });
      expect((await reactions.counts('status', ['S1'])).get('S1')).toEqual({ like: 3, heart: 1 });
    });
  });

  describe('comments', () => {
    test('create counts the comment; get and list read it back oldest first', async () => {
      const { comments } = current();
      await statuses(current(), 'S1', 'S2');
      for (let n = 1; n <= 5; n++) expect(await comments.create(comment(n))).toBe(true);
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
      await statuses(current(), 'S1');
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
      await statuses(current(), 'S1', 'S2');
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

    test('create on a status that does not exist writes nothing and says so', async () => {
      const { comments } = current();
      expect(await comments.create(comment(1, 'S9'))).toBe(false);
      await statuses(current(), 'S8');
      expect(await current().statuses.delete('S8')).toBe(true);
      expect(await comments.create(comment(2, 'S8'))).toBe(false);
      expect(await comments.get(cid(1))).toBeNull();
      expect(await comments.get(cid(2))).toBeNull();
      expect(await comments.list('S8', { limit: 10 })).toEqual([]);
      expect((await comments.counts(['S8', 'S9'])).size).toBe(0);
    });

    test('recount sets the count from the comments not deleted', async () => {
      const { comments } = current();
      await statuses(current(), 'S1');
      for (let n = 1; n <= 4; n++) await comments.create(comment(n));
      await comments.softDelete(cid(2));
      expect(await comments.recount('S1')).toBe(3);
      expect((await comments.counts(['S1'])).get('S1')).toBe(3);
      expect(await comments.recount('S7')).toBe(0);
    });
  });
}
