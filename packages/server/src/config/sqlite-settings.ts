import { z } from 'zod';

const MMAP_ALLOWED = 'must be a whole number from 0 to 65536';

/** The SQLite read connections' settings in the environment (composed into EnvSchema). */
export const SqliteEnvFields = {
  /**
   * MiB of the SQLite file the read connections map into memory (PRAGMA mmap_size; 0: off, every page read is a
   * read() into the connection's page cache). Off by default until a quiet A/B shows no read path worse
   * (docs/benchmarks.md, "Search tails").
   */
  SQLITE_MMAP_MB: z.coerce
    .number({ error: MMAP_ALLOWED })
    .int(MMAP_ALLOWED)
    .min(0, MMAP_ALLOWED)
    .max(65_536, MMAP_ALLOWED)
    .default(0),
};

export interface SqliteSettings {
  /** Bytes of the file each read connection maps (0: none). */
  readMmapBytes: number;
}

export function sqliteSettings(e: { SQLITE_MMAP_MB: number }): SqliteSettings {
  return { readMmapBytes: e.SQLITE_MMAP_MB * 1_048_576 };
}
