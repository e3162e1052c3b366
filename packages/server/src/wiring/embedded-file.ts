// What only the embedded shape has: one SQLite file under DATA_DIR to migrate or copy. The commands that act on it
// (migrate, backup) come here rather than to the adapter, and refuse the AWS shape instead of acting on a local file.

import { backupDatabase, type BackupResult } from '../adapters/sqlite/backup.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { MIGRATIONS, migrate, schemaVersion } from '../adapters/sqlite/migrations.js';
import type { Config } from '../config/config.js';
import { StartupError } from '../runtimes/node/startup-error.js';

/** The schema version a new embedded file gets (the last migration's): tools key cached files by it. */
export const EMBEDDED_SCHEMA_VERSION: number = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/**
 * Throws one line naming TWEETER_STORE unless the config names the embedded file: `what` says what the command
 * does, `instead` what to do on the AWS shape.
 */
export function requireEmbeddedFile(config: Config, what: string, instead: string): void {
  if (config.shape.store === 'sqlite') return;
  throw new StartupError(
    `${what} works on the embedded SQLite file only, and TWEETER_STORE=${config.shape.store} keeps the data in DynamoDB: ${instead}`,
  );
}

/** Applies pending migrations to DATA_DIR/tweeter.db (creating it); returns those applied and the schema version. */
export function migrateEmbeddedFile(config: Config): { applied: number[]; version: number } {
  requireEmbeddedFile(config, 'migrate', MIGRATE_INSTEAD);
  const db = openDatabase(config.databaseFile, { migrate: false });
  try {
    const applied = migrate(db);
    return { applied, version: schemaVersion(db) };
  } finally {
    db.close();
  }
}

/** A consistent copy of DATA_DIR/tweeter.db at `destination`, taken while the server keeps running. */
export function backupEmbeddedFile(config: Config, destination: string): Promise<BackupResult> {
  requireEmbeddedFile(config, 'backup', BACKUP_INSTEAD);
  return backupDatabase(config.databaseFile, destination);
}

export const MIGRATE_INSTEAD = 'its tables have no schema to migrate';
export const BACKUP_INSTEAD = "use DynamoDB's point-in-time recovery or on-demand backups";

/** The feed rows in DATA_DIR/tweeter.db, counted beside a running server (the benchmark's fan-out figures). */
export function countEmbeddedFeedRows(config: Config): number {
  requireEmbeddedFile(config, 'counting feed rows in the file', 'read tweeter_feed_entries_delivered_total instead');
  const db = openDatabase(config.databaseFile, { readonly: true }); // beside the server's one writer
  try {
    return (db.prepare('SELECT count(*) AS n FROM feed_entries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** One post's fan-out as the embedded file records it (the `deliveries` row). */
export interface EmbeddedDelivery {
  statusId: string;
  audience: number;
  delivered: number;
  /** When the last feed entry was written (ms since the epoch); null while under way. */
  finishedAt: number | null;
}

/** A read-only look into a running server's embedded file, for the crash benchmark's accounting. */
export interface EmbeddedFileInspector {
  /** The fan-outs of the posts created at or after `sinceMs`, by status id. */
  deliveriesSince(sinceMs: number): Map<string, EmbeddedDelivery>;
  /** How many feed entries each status has. */
  feedRowsByStatus(): Map<string, number>;
  /** How many followers the author of `statusId` has now (0 if the status is unknown). */
  followersOfAuthor(statusId: string): number;
  close(): void;
}

/** Opens DATA_DIR/tweeter.db beside a running server (WAL readers never block it) to inspect its deliveries. */
export function inspectEmbeddedFile(config: Config): EmbeddedFileInspector {
  requireEmbeddedFile(config, 'inspecting deliveries in the file', 'read the fan-out metrics instead');
  const db = openDatabase(config.databaseFile, { readonly: true }); // beside the server's one writer
  const deliveries = db.prepare<
    [number],
    { status_id: string; audience: number; delivered: number; finished_at: number | null }
  >('SELECT status_id, audience, delivered, finished_at FROM deliveries WHERE created_at >= ?');
  const feedRows = db.prepare<[], { status_id: string; n: number }>(
    'SELECT status_id, count(*) AS n FROM feed_entries GROUP BY status_id',
  );
  const followers = db.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM followers WHERE followee = (SELECT author FROM statuses WHERE id = ?)',
  );
  return {
    deliveriesSince: (sinceMs) =>
      new Map(
        deliveries
          .all(sinceMs)
          .map((row) => [
            row.status_id,
            { statusId: row.status_id, audience: row.audience, delivered: row.delivered, finishedAt: row.finished_at },
          ]),
      ),
    feedRowsByStatus: () => new Map(feedRows.all().map((row) => [row.status_id, row.n])),
    followersOfAuthor: (statusId) => followers.get(statusId)?.n ?? 0,
    close: () => db.close(),
  };
}

/** The status search index in DATA_DIR/tweeter.db (beside a running server): statuses in it and bytes on disk. */
export function embeddedSearchIndexSize(config: Config): { statuses: number; bytes: number; fileBytes: number } {
  requireEmbeddedFile(config, 'measuring the search index', 'DynamoDB reports table sizes in its console');
  const db = openDatabase(config.databaseFile, { readonly: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get() as { n: number | null }).n ?? 0;
    return {
      statuses: one('SELECT count(*) AS n FROM search_docs'),
      // The FTS5 table's shadow tables, the docs table and its unique index (dbstat: pages in use).
      bytes: one(
        `SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'status_fts%' OR name = 'search_docs'
           OR name LIKE 'sqlite_autoindex_search_docs%'`,
      ),
      fileBytes: one('SELECT page_count * page_size AS n FROM pragma_page_count(), pragma_page_size()'),
    };
  } finally {
    db.close();
  }
}
