import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations. With
 * `automaticCheckpoints: false` this connection never checkpoints: another one does (see checkpointer.ts).
 */
export function openDatabase(file: string, options: { migrate?: boolean; automaticCheckpoints?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL'); // durable across process crashes in WAL mode; fsync at checkpoints
  db.pragma('foreign_keys = OFF');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536'); // 64 MiB page cache
  db.pragma('temp_store = MEMORY');
  if (options.automaticCheckpoints === false) db.pragma('wal_autocheckpoint = 0');
  if (options.migrate !== false) migrate(db);
  return db;
}
