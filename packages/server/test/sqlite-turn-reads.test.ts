import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { turnReads } from '../src/adapters/sqlite/turn-reads.js';

// A read-only connection's reads of one turn share one read transaction (turn-reads.ts), on a real file with its
// writer beside it: the transaction ends with the turn, and what committed before a turn is read in it.
const opened: Db[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function files(): { writer: Db; reader: Db } {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-turn-'));
  dirs.push(dir);
  const file = join(dir, 'tweeter.db');
  const writer = openDatabase(file, { migrate: false });
  writer.exec('CREATE TABLE t (n INTEGER)');
  const reader = openDatabase(file, { readonly: true });
  opened.push(reader, writer);
  return { writer, reader };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('turnReads', () => {
  it('holds one read transaction for the rest of the turn, microtasks included, and ends it with the turn', async () => {
    const { writer, reader } = files();
    const count = reader.prepare<[], number>('SELECT count(*) FROM t').pluck();
    await nextTurn();
    turnReads(reader)();
    expect(reader.inTransaction).toBe(true);
    expect(count.get()).toBe(0);
    writer.prepare('INSERT INTO t VALUES (1)').run();
    await Promise.resolve();
    // Still the turn's snapshot: its statements agree with each other.
    expect(reader.inTransaction).toBe(true);
    expect(count.get()).toBe(0);
    await nextTurn();
    expect(reader.inTransaction).toBe(false);
    // What committed before this turn is read in it.
    turnReads(reader)();
    expect(count.get()).toBe(1);
    await nextTurn();
    expect(reader.inTransaction).toBe(false);
  });

  it('does not pin a snapshot: the WAL can be restarted once the turn is over', async () => {
    const { writer, reader } = files();
    const count = reader.prepare<[], number>('SELECT count(*) FROM t').pluck();
    const restart = () => (writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]?.busy;
    writer.prepare('INSERT INTO t VALUES (1)').run();
    turnReads(reader)();
    expect(count.get()).toBe(1);
    writer.prepare('INSERT INTO t VALUES (2)').run();
    // The turn's reader holds its snapshot: the WAL cannot be restarted under it.
    expect(restart()).toBe(1);
    await nextTurn();
    expect(restart()).toBe(0);
    turnReads(reader)();
    expect(count.get()).toBe(2);
  });

  it('never opens a transaction on a connection that writes (the writer commits its own)', async () => {
    const { writer } = files();
    turnReads(writer)();
    expect(writer.inTransaction).toBe(false);
    writer.prepare('INSERT INTO t VALUES (1)').run();
    expect(writer.inTransaction).toBe(false);
  });

  it('joins a transaction already open instead of nesting one', async () => {
    const { reader } = files();
    reader.exec('BEGIN');
    turnReads(reader)();
    await nextTurn();
    // Left to whoever opened it.
    expect(reader.inTransaction).toBe(true);
    reader.exec('COMMIT');
  });
});
