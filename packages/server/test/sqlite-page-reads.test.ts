import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { createPageReads } from '../src/adapters/sqlite/page-reads.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';

// A feed page's reads in one read transaction on a read-only connection (page-reads.ts), over a real file with a
// writer beside it: one snapshot for the page, and the transaction (with its WAL read lock) ends with the page.
let dir: string;
let open: Db[];
let writer: Db;
let reader: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-page-reads-'));
  const file = join(dir, 'page.db');
  writer = openDatabase(file, { migrate: false, automaticCheckpoints: false });
  writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
  writer.prepare('INSERT INTO t (id) VALUES (1)').run();
  reader = openDatabase(file, { readonly: true });
  open = [writer, reader];
});

afterEach(() => {
  for (const db of open) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (db: Db) => db.prepare('SELECT count(*) FROM t').pluck().get() as number;
const insert = (id: number) => writer.prepare('INSERT INTO t (id) VALUES (?)').run(id);
// RESTART waits for no reader: busy 1 while a reader's snapshot holds the WAL, 0 once none does.
const restartBusy = () => (writer.pragma('wal_checkpoint(RESTART)') as { busy: number }[])[0]?.busy;

describe('a page read in one transaction (SQLite, read-only connection)', () => {
  it('reads one snapshot for the whole page, and the next page sees what was committed meanwhile', async () => {
    const reads = createPageReads(reader);
    const seen = await reads.run(async () => {
      const before = count(reader);
      insert(2); // committed by the writer between two of the page's reads
      await Promise.resolve();
      return [before, count(reader)];
    });
    expect(seen).toEqual([1, 1]);
    expect(reader.inTransaction).toBe(false);
    expect(await reads.run(async () => count(reader))).toBe(2);
  });

  it('holds the WAL read lock only while the page runs', async () => {
    const reads = createPageReads(reader);
    insert(2);
    let during: number | undefined;
    await reads.run(async () => {
      count(reader);
      during = restartBusy();
    });
    expect(during).toBe(1);
    expect(restartBusy()).toBe(0);
  });

  it('ends the transaction when the page fails', async () => {
    const reads = createPageReads(reader);
    await expect(
      reads.run(async () => {
        count(reader);
        throw new Error('page failed');
      }),
    ).rejects.toThrow('page failed');
    expect(reader.inTransaction).toBe(false);
    expect(restartBusy()).toBe(0);
  });

  it('lets pages interleave at their awaits: a page started inside another reads in its transaction', async () => {
    const reads = createPageReads(reader);
    const page = (n: number) =>
      reads.run(async () => {
        const first = count(reader);
        for (let i = 0; i < n; i++) await Promise.resolve();
        return first + count(reader);
      });
    expect(await Promise.all([page(1), page(5), page(2)])).toEqual([2, 2, 2]);
    expect(reader.inTransaction).toBe(false);
  });

  it('is offered by the store on a read-only connection only', () => {
    const file = join(dir, 'store.db');
    const main = openDatabase(file);
    const readOnly = openDatabase(file, { readonly: true });
    open.push(main, readOnly);
    const options = { clock: { now: () => Date.now() }, signal: new ReadySignal() };
    expect(createSqliteStore(readOnly, options).pageReads).toBeDefined();
    expect(createSqliteStore(main, options).pageReads).toBeUndefined();
  });
});
