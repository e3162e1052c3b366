import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  migrate?: boolean;
  /** false: this connection never checkpoints the WAL, another one does (see checkpointer.ts). */
  automaticCheckpoints?: boolean;
  /** A read connection beside the one writer (see writer.ts): every write on it fails with SQLITE_READONLY. */
  readonly?: boolean;
  /**
   * Read connections: bytes of the file mapped into memory (PRAGMA mmap_size). A page read is then a memory access
   * in the OS page cache instead of a read() copied into this connection's cache. 0 or absent: off.
   */
  mmapBytes?: number;
}

/**
 * What `PRAGMA compile_options` lists when better-sqlite3 was built from SQLite with Tweeter's patch
 * (packages/server/sqlite-patch: the page cache keeps its largest page number exact after a B-tree split, so a COMMIT
 * does not walk the writer's whole cache; see docs/architecture.md, "The bundled SQLite's patch").
 */
export const SQLITE_PATCH_OPTION = 'TWEETER_PCACHE1_MAXKEY';

/** Whether this connection's SQLite carries Tweeter's patch (SQLITE_PATCH_OPTION). */
export function hasSqlitePatch(db: Db): boolean {
  const options = db.pragma('compile_options') as { compile_options: string }[];
  return options.some((row) => row.compile_options === SQLITE_PATCH_OPTION);
}

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. No connection waits for the
 * write lock (busy_timeout 0): the file has one writer (writer.ts), readers never wait in WAL mode, so SQLITE_BUSY
 * means a second writer, a bug that must fail loudly instead of sleeping in SQLite's busy handler.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (options.readonly) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 0');
    db.pragma('cache_size = -65536');
    if (options.mmapBytes) db.pragma(`mmap_size = ${Math.floor(options.mmapBytes)}`);
    return db;
  }
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // durable across process crashes in WAL mode; fsync at checkpoints
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 0');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('temp_store = MEMORY');
  if (options.automaticCheckpoints === false) db.pragma('wal_autocheckpoint = 0');
  if (options.migrate !== false) migrate(db);
  return db;
}
