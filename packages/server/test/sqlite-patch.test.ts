import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hasSqlitePatch, openDatabase, SQLITE_PATCH_OPTION } from '../src/adapters/sqlite/database.js';

// The bundled SQLite's patch (packages/server/sqlite-patch, applied by the root postinstall): the installed build is
// the patched one, and the patched path (a page cache whose largest page number comes back down after a B-tree split
// renumbers its pages through the lock page's number) keeps every row of a file written the way the writer writes.

let dir: string | null = null;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

/** A deterministic stream of 32-bit values (so a failure repeats). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

// A build from source (this project's install: only the npm registry is reachable) has a build tree; a binary that
// came prebuilt has none, and the install leaves it unpatched on purpose (sqlite-patch/apply.mjs).
const betterSqlite = dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
const builtFromSource = existsSync(join(betterSqlite, 'build', 'Makefile'));

describe('the bundled SQLite', () => {
  it.skipIf(!builtFromSource)('is built from source with the patch', () => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-sqlite-patch-'));
    const db = openDatabase(join(dir, 'a.db'), { migrate: false });
    const options = (db.pragma('compile_options') as { compile_options: string }[]).map((row) => row.compile_options);
    expect(options).toContain(SQLITE_PATCH_OPTION);
    expect(hasSqlitePatch(db)).toBe(true);
    db.close();
  });

  it('keeps every row through many out-of-order page splits, merges and rollbacks', () => {
    dir = mkdtempSync(join(tmpdir(), 'tweeter-sqlite-patch-'));
    const file = join(dir, 'splits.db');
    // The writer's settings (openDatabase: WAL, synchronous NORMAL, a 64 MiB cache, temp store in memory).
    const db = openDatabase(file, { migrate: false });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL, v BLOB NOT NULL); CREATE INDEX t_k ON t (k)');
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, randomblob(?))');
    const next = random(7);
    const kept = new Map<number, string>();
    let transaction = 0;
    // Random keys land in the middle of the index, so its pages split out of order (balance_nonroot renumbers them);
    // every 13th transaction rolls back, and deletes merge pages now and then.
    for (let written = 0; written < 30_000; written += 50) {
      transaction++;
      const rows: [number, string][] = [];
      db.exec('BEGIN');
      for (let i = 0; i < 50; i++) {
        const k = `${next().toString(16).padStart(8, '0')}-${next().toString(16).padStart(8, '0')}-key`;
        const id = Number(insert.run(k, 50 + (next() % 400)).lastInsertRowid);
        rows.push([id, k]);
      }
      if (transaction % 13 === 5) {
        db.exec('ROLLBACK');
        continue;
      }
      db.exec('COMMIT');
      for (const [id, k] of rows) kept.set(id, k);
      if (transaction % 100 === 0) {
        db.exec('DELETE FROM t WHERE id % 7 = 3');
        for (const id of [...kept.keys()]) if (id % 7 === 3) kept.delete(id);
      }
    }
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    // Read back on a fresh connection (a cold cache): every committed row, nothing else.
    const reader = openDatabase(file, { readonly: true });
    expect(reader.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = reader.prepare('SELECT id, k FROM t ORDER BY id').all() as { id: number; k: string }[];
    expect(rows.length).toBe(kept.size);
    expect(rows.every((row) => kept.get(row.id) === row.k)).toBe(true);
    const byIndex = reader.prepare('SELECT count(*) AS n FROM t INDEXED BY t_k WHERE k > ?').get('') as { n: number };
    expect(byIndex.n).toBe(kept.size);
    reader.close();
  });
});
