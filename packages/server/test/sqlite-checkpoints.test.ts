import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/adapters/sqlite/database.js';

// A job thread's connection never checkpoints the WAL (its commits would fsync the database file); the connection
// that does (the checkpoint thread, or the main connection) copies its frames back.
let dir: string | undefined;
const open: Db[] = [];
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function openAt(file: string, options?: { automaticCheckpoints?: boolean }): Db {
  const db = openDatabase(file, options);
  open.push(db);
  return db;
}

/** Writes enough pages to cross SQLite's default autocheckpoint threshold (1,000 WAL pages) many times over. */
function writeMuch(db: Db): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body BLOB)');
  const insert = db.prepare('INSERT INTO filler (body) VALUES (randomblob(3000))');
  for (let i = 0; i < 40; i++)
    db.transaction(() => {
      for (let j = 0; j < 100; j++) insert.run();
    })();
}

describe('WAL checkpoints of a connection', () => {
  it('with automaticCheckpoints: false, its commits leave every frame in the WAL for another connection', () => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-ckpt-'));
    const file = join(dir, 'tweeter.db');
    const jobs = openAt(file, { automaticCheckpoints: false });
    const main = openAt(file);
    writeMuch(jobs);
    const [log] = jobs.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
    expect(log?.log).toBeGreaterThan(3000);
    expect(log?.checkpointed).toBe(0);
    const [copied] = main.pragma('wal_checkpoint(PASSIVE)') as { log: number; checkpointed: number }[];
    expect(copied?.checkpointed).toBe(copied?.log);
    expect(statSync(file).size).toBeGreaterThan(40 * 100 * 3000);
  });

  it('by default, its own commits checkpoint once the WAL passes 1,000 pages', () => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-ckpt-'));
    const file = join(dir, 'tweeter.db');
    const db = openAt(file);
    writeMuch(db);
    // The frames were copied into the database file as the commits went (about 12 MB written; without checkpoints
    // the file would still be its first pages). Asserting on the WAL's own counters would depend on where the last
    // reset of the WAL fell, which a checkpoint that completes moves.
    expect(statSync(file).size).toBeGreaterThan((40 * 100 * 3000) / 2);
    expect(statSync(`${file}-wal`).size).toBeLessThan(40 * 100 * 3000);
  });
});
