import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';
import { user } from './contract/store-fixtures.js';

// On a SQLite file an alias prefix's candidates are a key range of the users table (adapters/sqlite/people-index.ts):
// the accounts as they are, never behind the index.user job, in alias order, at most `limit`.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-people-alias-'));
  dirs.push(dir);
  return createSqliteStore(openDatabase(join(dir, 'tweeter.db')), { clock: systemClock, signal: new ReadySignal() });
}

describe('SQLite people index: alias candidates', () => {
  it('come from the accounts themselves: one not yet indexed is found, one indexed but gone is not', async () => {
    const store = openStore();
    try {
      await store.users.createMany([
        user('kit_b', { firstName: 'Kit', lastName: 'Brown', followerCount: 3 }),
        user('kit_a', { firstName: 'Kit', lastName: 'Ames', followerCount: 9 }),
        user('kite', { firstName: 'Kay', lastName: 'Ite', followerCount: 1 }),
        user('kiwi', { firstName: 'Kiwi', lastName: 'Fruit' }),
      ]);
      // Indexed, but its account is gone (deleted before its index.user job ran).
      await store.people.put({ alias: 'kit_gone', firstName: 'Kit', lastName: 'Gone' });
      const found = await store.people.candidates({ aliasPrefix: 'kit' }, 10);
      expect(found).toEqual([
        { alias: 'kit_a', kind: 'alias', firstName: 'Kit', lastName: 'Ames', followerCount: 9 },
        { alias: 'kit_b', kind: 'alias', firstName: 'Kit', lastName: 'Brown', followerCount: 3 },
        { alias: 'kite', kind: 'alias', firstName: 'Kay', lastName: 'Ite', followerCount: 1 },
      ]);
      expect((await store.people.candidates({ aliasPrefix: 'kit' }, 2)).map((c) => c.alias)).toEqual([
        'kit_a',
        'kit_b',
      ]);
      expect(await store.people.candidates({ aliasPrefix: 'kiz' }, 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
