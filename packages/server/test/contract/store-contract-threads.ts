import { describe, expect } from 'vitest';
import type { StatusRecord } from '../../src/ports/store.js';
import { statuses, T0, type SocialContractHooks } from './social-fixtures.js';

/** The Store contract for replies and quotes: the references a status keeps, adopted statuses, deletion markers, quotes. */
export function runThreadsContract(hooks: SocialContractHooks): void {
  const { test, store: current } = hooks;

  const reply: StatusRecord = {
    id: 'R1',
    author: 'bob',
    post: 'hi',
    segments: [{ type: 'text', text: 'hi', start: 0, end: 2 }],
    createdAt: T0 + 10,
    inReplyToId: 'S1',
    inReplyToAuthor: 'ann',
    quoteOfId: 'S2',
  };

  describe('replies and quotes', () => {
    test('a status keeps what it replies to and quotes, read back by get, getMany and byAuthor', async () => {
      const { statuses: repo } = current();
      await statuses(current(), 'S1', 'S2');
      expect((await repo.create(reply, { audience: 0 })).created).toBe(true);
      expect(await repo.get('R1')).toEqual(reply);
      expect((await repo.getMany(['R1', 'S1'])).get('R1')).toEqual(reply);
      const plain = await repo.get('S1');
      expect([plain?.inReplyToId, plain?.quoteOfId]).toEqual([undefined, undefined]);
      // The quote's edge comes with the status, counted once.
      expect(await current().quotes.list('S2', { limit: 5 })).toEqual([{ quotedId: 'S2', id: 'R1', author: 'bob' }]);
      expect((await current().quotes.counts(['S2'])).get('S2')).toBe(1);
      // byAuthor may lag (a GSI on DynamoDB): poll briefly.
      for (let i = 0; i < 50 && (await repo.byAuthor('bob', { limit: 5 })).length === 0; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await repo.byAuthor('bob', { limit: 5 })).toEqual([reply]);
    });

    test('adopt writes a status once, never over one that exists, with no delivery', async () => {
      const { statuses: repo, deliveries } = current();
      await statuses(current(), 'S1');
      const legacy: StatusRecord = { ...reply, id: 'C1', quoteOfId: undefined };
      delete legacy.quoteOfId;
      expect(await repo.adopt(legacy)).toBe(true);
      expect(await repo.adopt({ ...legacy, post: 'other' })).toBe(false);
      expect(await repo.get('C1')).toEqual(legacy);
      expect(await repo.adopt({ ...legacy, id: 'S1' })).toBe(false);
      expect((await repo.get('S1'))?.author).toBe('ann');
      const d = await deliveries.get('C1');
      expect(d === null || d.audience === 0).toBe(true);
    });

    test('wasDeleted is true only for a status that existed and was deleted', async () => {
      const { statuses: repo } = current();
      await statuses(current(), 'S1', 'S2');
      expect(await repo.wasDeleted('S1')).toBe(false);
      expect(await repo.wasDeleted('S9')).toBe(false);
      expect(await repo.delete('S1')).toBe(true);
      expect(await repo.wasDeleted('S1')).toBe(true);
      expect(await repo.wasDeleted('S2')).toBe(false);
      expect(await repo.delete('S1')).toBe(false);
      expect(await repo.wasDeleted('S1')).toBe(true);
    });

    test('quotes: add and remove are idempotent, counted, listed newest first by page', async () => {
      const { quotes } = current();
      await quotes.add({ quotedId: 'S1', id: 'Q1', author: 'bob' });
      await quotes.add({ quotedId: 'S1', id: 'Q1', author: 'bob' });
      await quotes.add({ quotedId: 'S1', id: 'Q3', author: 'cat' });
      await quotes.add({ quotedId: 'S1', id: 'Q2', author: 'ann' });
      await quotes.add({ quotedId: 'S2', id: 'Q4', author: 'bob' });
      const counts = await quotes.counts(['S1', 'S2', 'S3']);
      expect([counts.get('S1'), counts.get('S2'), counts.get('S3') ?? 0]).toEqual([3, 1, 0]);
      expect((await quotes.list('S1', { limit: 2 })).map((e) => e.id)).toEqual(['Q3', 'Q2']);
      expect(await quotes.list('S1', { before: 'Q2', limit: 5 })).toEqual([
        { quotedId: 'S1', id: 'Q1', author: 'bob' },
      ]);
      expect(await quotes.remove('S1', 'Q3')).toBe(true);
      expect(await quotes.remove('S1', 'Q3')).toBe(false);
      expect((await quotes.counts(['S1'])).get('S1')).toBe(2);
      expect((await quotes.list('S1', { limit: 5 })).map((e) => e.id)).toEqual(['Q2', 'Q1']);
    });

    test('a reply is written with its place in its thread, counted; a place is never written twice', async () => {
      const { statuses: repo, comments } = current();
      await statuses(current(), 'S1', 'S2');
      const plain = { ...reply, quoteOfId: undefined };
      delete plain.quoteOfId;
      expect(await repo.create(plain, { audience: 0 })).toEqual({ status: plain, created: true });
      expect(await comments.get('R1')).toEqual({
        id: 'R1',
        statusId: 'S1',
        author: 'bob',
        text: 'hi',
        createdAt: T0 + 10,
        deleted: false,
      });
      expect((await comments.list('S1', { limit: 5 })).map((c) => c.id)).toEqual(['R1']);
      expect((await comments.counts(['S1'])).get('S1')).toBe(1);
      // Writing the same place again (a replayed write) neither counts it twice nor revives a deleted one.
      expect(
        await comments.create({ id: 'R1', statusId: 'S1', author: 'bob', text: 'hi', createdAt: 1, deleted: false }),
      ).toBe(true);
      expect((await comments.counts(['S1'])).get('S1')).toBe(1);
      await comments.softDelete('R1');
      expect(
        await comments.create({ id: 'R1', statusId: 'S1', author: 'bob', text: 'hi', createdAt: 1, deleted: false }),
      ).toBe(true);
      expect(await comments.get('R1')).toMatchObject({ deleted: true, text: '' });
      expect((await comments.counts(['S1'])).get('S1') ?? 0).toBe(0);
      // A plain status has no place; a reply whose parent is gone gets none and says so.
      expect(await comments.get('S2')).toBeNull();
      await repo.delete('S2');
      const orphan = { ...plain, id: 'R2', inReplyToId: 'S2' };
      expect(await repo.create(orphan, { audience: 0 })).toEqual({ status: orphan, created: true, parentGone: true });
      expect(await comments.get('R2')).toBeNull();
      expect(await comments.list('S2', { limit: 5 })).toEqual([]);
    });

    test('a thread read down, depth first, oldest first, lists places under statuses with live replies', async () => {
      const { statuses: repo, comments } = current();
      await statuses(current(), 'S1');
      const tree: [string, string][] = [
        ['R1', 'S1'],
        ['R2', 'S1'],
        ['R3', 'R1'],
        ['R4', 'R1'],
        ['R5', 'R3'],
        ['R6', 'R2'],
        ['R7', 'S1'],
        ['R8', 'R7'],
      ];
      for (const [id, parent] of tree) {
        const { quoteOfId: _, ...plain } = reply;
        await repo.create({ ...plain, id, inReplyToId: parent, inReplyToAuthor: 'ann' }, { audience: 0 });
      }
      await comments.softDelete('R4'); // keeps its place: R1 still has a live reply
      await comments.softDelete('R8'); // R7 has none left: nothing is listed under it
      // The level-by-level walk the service does without placesDown (every store has list and counts).
      const walk = async (parent: string, out: string[] = []): Promise<string[]> => {
        const page = await comments.list(parent, { limit: 100 });
        const counts = await comments.counts(page.map((c) => c.id));
        for (const c of page) {
          out.push(c.deleted ? `${c.id}-` : c.id);
          if ((counts.get(c.id) ?? 0) > 0) await walk(c.id, out);
        }
        return out;
      };
      const expected = ['R1', 'R3', 'R5', 'R4-', 'R2', 'R6', 'R7'];
      expect(await walk('S1')).toEqual(expected);
      if (!comments.placesDown) return; // DynamoDB: the service walks as above
      const down = await comments.placesDown('S1', 50);
      expect(down.map((c) => (c.deleted ? `${c.id}-` : c.id))).toEqual(expected);
      expect(down[1]).toEqual({
        id: 'R3',
        statusId: 'R1',
        author: 'bob',
        createdAt: T0 + 10,
        deleted: false,
      });
      expect((await comments.placesDown('S1', 3)).map((c) => c.id)).toEqual(['R1', 'R3', 'R5']);
      expect((await comments.placesDown('R2', 5)).map((c) => c.id)).toEqual(['R6']);
      expect(await comments.placesDown('R6', 5)).toEqual([]);
    });

    test('quotes: recount repairs a count from the edges', async () => {
      const { quotes } = current();
      await quotes.add({ quotedId: 'S1', id: 'Q1', author: 'bob' });
      await quotes.add({ quotedId: 'S1', id: 'Q2', author: 'bob' });
      expect(await quotes.recount('S1')).toBe(2);
      expect((await quotes.counts(['S1'])).get('S1')).toBe(2);
      expect(await quotes.recount('S9')).toBe(0);
      expect((await quotes.counts(['S9'])).get('S9') ?? 0).toBe(0);
    });
  });
}
