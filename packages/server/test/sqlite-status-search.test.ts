import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { searchRowid } from '../src/adapters/sqlite/status-search-repo.js';
import { newId } from '../src/domain/ids.js';
import { systemClock } from '../src/ports/clock.js';
import { runStatusSearchContract } from './contract/status-search-contract.js';

// The status search contract on a SQLite file (FTS5 in the same file as everything else).
runStatusSearchContract({
  name: 'sqlite',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-search-'));
    const db = openDatabase(join(dir, 'tweeter.db'));
    const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
    return {
      store,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe('SQLite status search specifics', () => {
  it('orders FTS rowids as ids sort, and gives colliding ids distinct rowids', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => newId(1_780_000_000_000 + Math.floor(i / 10)));
    const rowids = ids.map(searchRowid);
    expect([...rowids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(rowids);
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-search-'));
    const db = openDatabase(join(dir, 'tweeter.db'));
    const store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
    try {
      // Same millisecond, same low bits: another process's id. Both are indexed, both found.
      const a = '01KB00000000000000000AAAAA';
      const b = '01KB00000000000000001AAAAA';
      expect(searchRowid(a)).toBe(searchRowid(b));
      for (const id of [a, b]) {
        await store.search.index({ statusId: id, author: 'ann', createdAt: 0, terms: ['twin'], tags: [] });
      }
      const read = await store.search.search(['twin'], { limit: 10, scan: 100 });
      expect(read.hits.map((h) => h.statusId).sort()).toEqual([a, b]);
      expect(await store.search.size()).toMatchObject({ statuses: 2 });
      expect((await store.search.size())?.bytes).toBeGreaterThan(0);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
