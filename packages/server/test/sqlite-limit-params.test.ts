import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const ADAPTERS = join(import.meta.dirname, '../src/adapters/sqlite');

describe('LIMIT and OFFSET parameters in the SQLite adapters', () => {
  // A bare `LIMIT ?` makes SQLite plan with the bound value, so every call that binds it parses and plans the
  // statement again (docs/architecture.md, "One writer"); `LIMIT +?` is an expression the planner does not look into.
  it('no statement binds a bare LIMIT or OFFSET parameter', () => {
    const bare: string[] = [];
    for (const file of readdirSync(ADAPTERS).filter((f) => f.endsWith('.ts'))) {
      readFileSync(join(ADAPTERS, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const comment = /^\s*(\/\/|\*|\/\*)/.test(line);
          if (!comment && /\b(LIMIT|OFFSET)\s+[?@:$]/.test(line)) bare.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(bare).toEqual([]);
  });

  it('`LIMIT +?` and `OFFSET +?` return the rows a bare parameter does', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    for (let k = 1; k <= 50; k++) insert.run(k);
    const plain = db.prepare('SELECT k FROM t ORDER BY k DESC LIMIT ? OFFSET ?').pluck();
    const plus = db.prepare('SELECT k FROM t ORDER BY k DESC LIMIT +? OFFSET +?').pluck();
    for (const [limit, offset] of [
      [20, 0],
      [20, 40],
      [1, 49],
      [0, 0],
      [-1, 45],
    ]) {
      expect(plus.all(limit, offset)).toEqual(plain.all(limit, offset));
    }
    db.close();
  });
});
