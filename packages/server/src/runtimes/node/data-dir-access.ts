import { existsSync } from 'node:fs';
import type { Config } from '../../config/config.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { checkDataDir, ensureDataDir } from './data-dir.js';
import { StartupError } from './startup-error.js';

/**
 * For a command that writes (migrate, populate, dlq redrive): DATA_DIR checked, created if missing, and locked
 * against every other writer. Release the lock when done (it is also released when the process exits).
 */
export function openDataDirForWriting(config: Config, command: string): DataDirLock {
  checkDataDir(config.dataDir);
  ensureDataDir(config.dataDir);
  return lockDataDir(config.dataDir, command);
}

/** For a command that only reads (dlq list, backup): the database must exist already; nothing is created. */
export function requireExistingDatabase(config: Config): void {
  if (!existsSync(config.databaseFile)) {
    throw new StartupError(
      `DATA_DIR ${config.dataDir} holds no database (${config.databaseFile} does not exist): check DATA_DIR or --data-dir`,
    );
  }
}
