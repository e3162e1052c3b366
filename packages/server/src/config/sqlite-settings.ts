import { z } from 'zod';

const MMAP_ALLOWED = 'must be a whole number from 0 to 65536';
const SPIN_ALLOWED = 'must be a whole number from 0 to 10000';

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
  /**
   * µs the HTTP thread keeps its event loop polling (not blocked) while a write it sent to the job thread is
   * unanswered, from the last write sent, so that the answer does not have to wake a halted thread (0: off).
   */
  WRITE_ANSWER_SPIN_US: z.coerce
    .number({ error: SPIN_ALLOWED })
    .int(SPIN_ALLOWED)
    .min(0, SPIN_ALLOWED)
    .max(10_000, SPIN_ALLOWED)
    .default(0),
};

export interface SqliteSettings {
  /** Bytes of the file each read connection maps (0: none). */
  readMmapBytes: number;
  /** µs the HTTP thread polls for an outstanding write's answer before its loop may block (0: never). */
  writeAnswerSpinUs: number;
}

export function sqliteSettings(e: { SQLITE_MMAP_MB: number; WRITE_ANSWER_SPIN_US: number }): SqliteSettings {
  return { readMmapBytes: e.SQLITE_MMAP_MB * 1_048_576, writeAnswerSpinUs: e.WRITE_ANSWER_SPIN_US };
}
