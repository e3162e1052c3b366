import { describe, expect } from 'vitest';
import type { MessageRecord, Store } from '../../src/ports/store.js';
import { audit, bid, board, message, T0, type SocialContractHooks } from './social-fixtures.js';

/** The Store contract for a board's timeline: ids assigned in write order, paging both ways, polling, retention. */
export function runSocialMessagesContract({ test, store: current }: SocialContractHooks): void {
  const auditOf = async (n = 1) => current().audit.list(`board:${bid(n)}`, { limit: 100 });
  const ids = (rows: MessageRecord[]) => rows.map((m) => m.id);

  /** Boards 1 and 2, `count` messages on board 1 and one on board 2; `id(n)` is message n's id. */
  async function seed(count: number): Promise<{ store: Store; id: (n: number) => string; other: string }> {
    const store = current();
    await store.boards.create(board(1));
    await store.boards.create(board(2));
    const written: string[] = [];
    for (let n = 1; n <= count; n++) written.push((await store.messages.create(message(n))).id);
    const other = (await store.messages.create(message(100, 2))).id;
    const id = (n: number): string => written[n - 1] ?? `missing ${n}`;
    return { store, id, other };
  }

  describe('messages', () => {
    test('create assigns the id and returns the record; get reads it by board and id', async () => {
      const { store, id, other } = await seed(2);
      expect(await store.messages.get(bid(1), id(2))).toEqual({ ...message(2), id: id(2) });
      expect(id(1) < id(2)).toBe(true);
      expect(await store.messages.get(bid(2), id(2))).toBeNull();
      expect(await store.messages.get(bid(1), other)).toBeNull();
    });

    test('ids sort in write order whatever the writer’s clock says', async () => {
      const store = current();
      await store.boards.create(board(1));
      const ahead = await store.messages.create(message(1, 1, { createdAt: T0 + 60_000 }));
      const behind = await store.messages.create(message(2, 1, { createdAt: T0 }));
      expect(behind.id > ahead.id).toBe(true);
      expect(behind.createdAt).toBe(T0);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', after: ahead.id, limit: 5 }))).toEqual([behind.id]);
    });

    test('a poller paging with after sees every message once while several writers interleave', async () => {
      const store = current();
      await store.boards.create(board(1));
      const writers = 3;
      const each = 12;
      // Writer w's clock runs w minutes behind: a poller trusting clocks would skip its messages.
      const write = async (w: number) => {
        const mine: string[] = [];
        for (let i = 0; i < each; i++) {
          const at = T0 + 600_000 - w * 60_000 + i;
          mine.push((await store.messages.create(message(w * 100 + i, 1, { createdAt: at }))).id);
        }
        return mine;
      };
      const seen: string[] = [];
      let done = false;
      const poll = async () => {
        for (let round = 0; round < 100_000; round++) {
          const page = await store.messages.page(bid(1), { order: 'asc', after: seen.at(-1), limit: 5 });
          seen.push(...ids(page));
          if (done && page.length === 0) return;
          if (page.length === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      };
      const polling = poll();
      const written = (await Promise.all(Array.from({ length: writers }, (_, w) => write(w)))).flat();
      done = true;
      await polling;
      expect(seen).toEqual([...written].sort());
      expect(new Set(seen).size).toBe(writers * each);
    });

    test('page newest first, with before as an exclusive bound', async () => {
      const { store, id } = await seed(5);
      const desc = (before?: string) => store.messages.page(bid(1), { order: 'desc', before, limit: 2 }).then(ids);
      expect(await desc()).toEqual([id(5), id(4)]);
      expect(await desc(id(4))).toEqual([id(3), id(2)]);
      expect(await desc(id(2))).toEqual([id(1)]);
      expect(await desc(id(1))).toEqual([]);
    });

    test('page oldest first, with after as an exclusive bound', async () => {
      const { store, id, other } = await seed(5);
      const asc = (after?: string) => store.messages.page(bid(1), { order: 'asc', after, limit: 2 }).then(ids);
      expect(await asc()).toEqual([id(1), id(2)]);
      expect(await asc(id(2))).toEqual([id(3), id(4)]);
      expect(await asc(id(5))).toEqual([]);
      expect(ids(await store.messages.page(bid(2), { order: 'asc', limit: 5 }))).toEqual([other]);
    });

    test('since is an inclusive lower bound combined with after and before', async () => {
      const { store, id } = await seed(6);
      const page = (r: { after?: string; before?: string; since?: string }, order: 'asc' | 'desc' = 'asc') =>
        store.messages.page(bid(1), { order, limit: 10, ...r }).then(ids);
      expect(await page({ since: id(4) })).toEqual([id(4), id(5), id(6)]);
      expect(await page({ since: id(4), after: id(2) })).toEqual([id(4), id(5), id(6)]);
      expect(await page({ since: id(4), after: id(4) })).toEqual([id(5), id(6)]);
      expect(await page({ since: id(4), after: id(5) })).toEqual([id(6)]);
      expect(await page({ since: id(3), before: id(5) }, 'desc')).toEqual([id(4), id(3)]);
      expect(await page({ since: id(5), before: id(5) }, 'desc')).toEqual([]);
    });

    test('softDelete empties text and topic once, keeps the place, and audits only then', async () => {
      const { store, id, other } = await seed(3);
      const entry = audit(1, `board:${bid(1)}`, { action: 'message.delete', target: id(2) });
      const first = await store.messages.softDelete(bid(1), id(2), { audit: entry });
      const placeholder = { ...message(2), id: id(2), text: '', topic: null, deleted: true };
      expect(first).toEqual({ message: placeholder, changed: true });
      expect(await store.messages.softDelete(bid(1), id(2), { audit: audit(2) })).toEqual({
        message: placeholder,
        changed: false,
      });
      expect(await store.messages.softDelete(bid(2), id(2), { audit: audit(3) })).toBeNull();
      expect(await store.messages.softDelete(bid(1), other)).toBeNull();
      expect(ids(await store.messages.page(bid(1), { order: 'asc', limit: 5 }))).toEqual([id(1), id(2), id(3)]);
      expect(await store.messages.get(bid(1), id(2))).toEqual(placeholder);
      expect(await auditOf()).toEqual([entry]);
    });

    test('idsBefore lists the oldest ids first and deleteMany removes them for good', async () => {
      const { store, id, other } = await seed(5);
      expect(await store.messages.idsBefore(bid(1), id(4), 2)).toEqual([id(1), id(2)]);
      expect(await store.messages.idsBefore(bid(1), id(4), 10)).toEqual([id(1), id(2), id(3)]);
      expect(await store.messages.deleteMany(bid(1), [id(1), id(2), other])).toBe(2);
      expect(await store.messages.deleteMany(bid(1), [])).toBe(0);
      expect(ids(await store.messages.page(bid(1), { order: 'asc', limit: 10 }))).toEqual([id(3), id(4), id(5)]);
      expect(await store.messages.get(bid(2), other)).not.toBeNull();
    });
  });
}
