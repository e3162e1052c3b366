import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/adapters/sqlite/open.js';
import { ConfigError, loadConfig } from '../src/config/config.js';
import { systemClock } from '../src/ports/clock.js';

// SQLITE_MMAP_MB maps the file into the read connection's memory (PRAGMA mmap_size), read back from a real file.
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function readConnectionMmap(env: Record<string, string>): number {
  const dir = mkdtempSync(join(tmpdir(), 'tweeter-mmap-'));
  dirs.push(dir);
  const opened = openSqlite(loadConfig({ DATA_DIR: dir, ...env }), systemClock, { writes: 'elsewhere' });
  try {
    return opened.db.pragma('mmap_size', { simple: true }) as number;
  } finally {
    opened.db.close();
  }
}

describe('SQLITE_MMAP_MB', () => {
  it('maps nothing by default', () => {
    expect(loadConfig({}).sqlite.readMmapBytes).toBe(0);
    expect(readConnectionMmap({})).toBe(0);
  });

  it('maps what it says on the read connection', () => {
    expect(readConnectionMmap({ SQLITE_MMAP_MB: '16' })).toBe(16 * 1_048_576);
    expect(readConnectionMmap({ SQLITE_MMAP_MB: '1024' })).toBe(1024 * 1_048_576);
  });

  it('refuses what is not a whole number of MiB from 0 to 65536, saying what is allowed', () => {
    for (const value of ['-1', 'lots', '1.5', '65537']) {
      try {
        loadConfig({ SQLITE_MMAP_MB: value });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.join('\n')).toContain(
          `SQLITE_MMAP_MB="${value}": must be a whole number from 0 to 65536`,
        );
      }
    }
  });
});
