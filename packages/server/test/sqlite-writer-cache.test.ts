import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, WRITER_CACHE_KIB } from '../src/adapters/sqlite/open.js';
import { loadConfig } from '../src/config/config.js';
import { systemClock } from '../src/ports/clock.js';

// The writer's page cache is small (SQLite walks all of it at a COMMIT whose page split reordered pages; open.ts),
// the read connections' stays 64 MiB: read back from the connections a real file opens.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-cache-'));
  dirs.push(dir);
  return dir;
}

describe("the writer's page cache", () => {
  it('is WRITER_CACHE_KIB on the writing connection, 64 MiB on a read connection', async () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    const writer = openSqlite(config, systemClock);
    try {
      expect(WRITER_CACHE_KIB).toBe(4096);
      expect(writer.db.pragma('cache_size', { simple: true })).toBe(-WRITER_CACHE_KIB);
      // It writes as before: a job through the writer, read back on a read connection.
      await writer.queue.enqueue([{ name: 'index.status', payload: { statusId: 's1', author: 'alice' } }]);
      const reader = openSqlite(config, systemClock, { writes: 'elsewhere' });
      try {
        expect(reader.db.pragma('cache_size', { simple: true })).toBe(-65_536);
        expect(reader.db.prepare('SELECT count(*) FROM jobs').pluck().get()).toBe(1);
      } finally {
        reader.db.close();
      }
    } finally {
      await writer.store.close();
    }
  });
});
