import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { systemClock } from '../src/ports/clock.js';
import { PeopleTop, type TopCandidate } from '../src/services/people-top.js';
import { user } from './contract/store-fixtures.js';

// A refresh of the snapshot of the most followed accounts (people-top.ts) keeps the accounts that did not change as
// the same objects, and the terms too when no position moved: what changed must show all the same (a rename, a new
// account that ranks first and shifts every position), whether the terms were reused or made again.

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openStore() {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-people-top-'));
  dirs.push(dir);
  return createSqliteStore(openDatabase(join(dir, 'tweeter.db')), { clock: systemClock, signal: new ReadySignal() });
}

// The snapshot's own account objects (private): whether a refresh kept them is what this file checks.
const accountsOf = (top: PeopleTop): readonly TopCandidate[] =>
  (top as unknown as { snapshot: { accounts: TopCandidate[] } }).snapshot.accounts;

describe('PeopleTop refresh', () => {
  it('keeps unchanged accounts as they were, and shows a rename and a new account', async () => {
    const store = openStore();
    try {
      await store.users.createMany(
        Array.from({ length: 12 }, (_, i) =>
          user(`acc${String(i).padStart(2, '0')}`, { firstName: 'Mara', lastName: 'Quill', followerCount: 100 - i }),
        ),
      );
      const top = new PeopleTop({ people: store.people, users: store.users, clock: systemClock, size: 10 });
      const names = (prefix: string) => (top.matches('name', prefix, 3) ?? []).map((c) => c.alias);
      await top.refresh();
      const first = accountsOf(top);
      expect(names('mar')).toEqual(['acc00', 'acc01', 'acc02']);

      // Nothing changed: the very same objects (no new snapshot for the scavenger to copy).
      await top.refresh();
      expect(accountsOf(top)).toBe(first);

      // A rename: a new object for that account only; the old name no longer matches it, the new one does.
      await store.users.updateProfile('acc01', { firstName: 'Zeno' });
      await top.refresh();
      const renamed = accountsOf(top);
      expect(renamed[0]).toBe(first[0]);
      expect(renamed[1]).not.toBe(first[1]);
      expect(renamed[1]?.firstName).toBe('Zeno');
      expect(names('mar')).toEqual(['acc00', 'acc02', 'acc03']);
      expect(top.matches('name', 'zen', 1)?.map((c) => c.alias)).toEqual(['acc01']);

      // A new account that ranks first shifts every position: the others are still found, as they were.
      await store.users.createMany([user('newbie', { firstName: 'Mara', lastName: 'New', followerCount: 500 })]);
      await top.refresh();
      const shifted = accountsOf(top);
      expect(shifted[0]?.alias).toBe('newbie');
      expect(shifted[1]).toBe(renamed[0]);
      expect(names('mar')).toEqual(['newbie', 'acc00', 'acc02']);
      expect(top.matches('alias', 'acc', 9)?.map((c) => c.alias)).toEqual([
        'acc00',
        'acc01',
        'acc02',
        'acc03',
        'acc04',
        'acc05',
        'acc06',
        'acc07',
        'acc08',
      ]);
    } finally {
      await store.close();
    }
  });
});
