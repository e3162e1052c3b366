import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';
import { createReadSnapshot } from '../src/adapters/sqlite/read-snapshot.js';

// A real file: a writer connection and a read-only one beside it, as the server opens them (WAL).
describe('one read transaction for a page (createReadSnapshot)', () => {
  let dir: string;
  let writer: Db;
  let reader: Db;
  const rows = (db: Db): number => db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM probe').get()?.n ?? -1;
  const add = (): void => void writer.prepare('INSERT INTO probe (x) VALUES (1)').run();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-snapshot-'));
    writer = openDatabase(join(dir, 'tweeter.db'), { migrate: false });
    writer.exec('CREATE TABLE probe (x INTEGER)');
    reader = openDatabase(join(dir, 'tweeter.db'), { readonly: true });
  });
  afterEach(() => {
    reader.close();
    writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads in one snapshot while the work runs, then ends it: later reads see the writer's commits", async () => {
    const inOneRead = createReadSnapshot(reader);
    const seen = await inOneRead(async () => {
      const before = rows(reader);
      expect(reader.inTransaction).toBe(true);
      add(); // committed by the writer meanwhile: not in this read's snapshot
      await Promise.resolve();
      return [before, rows(reader)];
    });
    expect(seen).toEqual([0, 0]);
    expect(reader.inTransaction).toBe(false);
    expect(rows(reader)).toBe(1);
  });

  it('ends the transaction when the work fails', async () => {
    const inOneRead = createReadSnapshot(reader);
    await expect(
      inOneRead(async () => {
        rows(reader);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(reader.inTransaction).toBe(false);
  });

  it('a scope inside another joins it; the outer one ends it', async () => {
    const inOneRead = createReadSnapshot(reader);
    await inOneRead(async () => {
      await inOneRead(async () => void rows(reader));
      expect(reader.inTransaction).toBe(true);
    });
    expect(reader.inTransaction).toBe(false);
  });

  it('work that awaits real I/O does not keep the snapshot past the current microtasks', async () => {
    const inOneRead = createReadSnapshot(reader);
    const seen = await inOneRead(async () => {
      const before = rows(reader);
      add();
      await sleep(5); // a timer: other callbacks (a writer's answer) may run here, so the snapshot has ended
      expect(reader.inTransaction).toBe(false);
      return [before, rows(reader)];
    });
    expect(seen).toEqual([0, 1]);
  });

  it('on a connection that writes, runs the work as it is (no read transaction around its writes)', async () => {
    const inOneRead = createReadSnapshot(writer);
    await inOneRead(async () => {
      expect(writer.inTransaction).toBe(false);
      add();
    });
    expect(rows(reader)).toBe(1);
  });
});
