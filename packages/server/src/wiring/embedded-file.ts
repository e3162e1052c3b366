// What only the embedded shape has: one SQLite file under DATA_DIR to migrate or copy. The commands that act on it
// (migrate, backup) come here rather than to the adapter, and refuse the AWS shape instead of acting on a local file.

import { backupDatabase, type BackupResult } from '../adapters/sqlite/backup.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { migrate, schemaVersion } from '../adapters/sqlite/migrations.js';
import type { Config } from '../config/config.js';
import { StartupError } from '../runtimes/node/startup-error.js';

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
  const db = openDatabase(config.databaseFile, { migrate: false });
  try {
    return (db.prepare('SELECT count(*) AS n FROM feed_entries').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
