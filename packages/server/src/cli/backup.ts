import type { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { configFromEnvironment } from '../config/index.js';
import { requireExistingDatabase } from '../runtimes/node/data-dir-access.js';
import { BACKUP_INSTEAD, backupEmbeddedFile, requireEmbeddedFile } from '../wiring/embedded-file.js';
import { strictCommand } from './options.js';
import { UsageError } from './usage-error.js';

/** `tweeter backup <file>`: a consistent copy of DATA_DIR/tweeter.db, safe while the server runs. */
export function backupCommand(): Command {
  return strictCommand('backup')
    .description(
      'Copy DATA_DIR/tweeter.db to <file> while the server keeps running (SQLite online backup). ' +
        'Restore: put the file at tweeter.db in an empty DATA_DIR. Profile images (DATA_DIR/blobs) are plain files: copy them too.',
    )
    .argument('<file>', 'where to write the copy (must not exist yet)')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action(async (file: string, opts: { dataDir?: string }) => {
      const config = configFromEnvironment(opts.dataDir === undefined ? {} : { DATA_DIR: opts.dataDir });
      requireEmbeddedFile(config, 'backup', BACKUP_INSTEAD);
      requireExistingDatabase(config);
      const destination = resolve(file);
      if (existsSync(destination)) throw new UsageError(`${destination} exists already: choose a new file name`);
      if (!existsSync(dirname(destination)) || !statSync(dirname(destination)).isDirectory()) {
        throw new UsageError(`${dirname(destination)} is not a directory: create it first`);
      }
      if (destination === config.databaseFile)
        throw new UsageError('the backup must not overwrite the database itself');
      const result = await backupEmbeddedFile(config, destination);
      console.log(`backed up ${config.databaseFile} to ${result.file} (${result.bytes} bytes)`);
    });
}
