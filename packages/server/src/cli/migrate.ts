import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { migrate, schemaVersion } from '../adapters/sqlite/migrations.js';
import { configFromEnvironment } from '../config/index.js';
import { openDataDirForWriting } from '../runtimes/node/data-dir-access.js';

/** `tweeter migrate`: applies pending schema migrations (the server also does this at start). */
export function migrateCommand(): Command {
  return strictCommand('migrate')
    .description('Apply pending database migrations to DATA_DIR/tweeter.db and print the schema version')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action((opts: { dataDir?: string }) => {
      const config = configFromEnvironment(opts.dataDir === undefined ? {} : { DATA_DIR: opts.dataDir });
      const lock = openDataDirForWriting(config, 'migrating it');
      const db = openDatabase(config.databaseFile, { migrate: false });
      try {
        const applied = migrate(db);
        console.log(
          applied.length
            ? `applied migration(s) ${applied.join(', ')}; schema version ${schemaVersion(db)}`
            : `up to date; schema version ${schemaVersion(db)}`,
        );
      } finally {
        db.close();
        lock.release();
      }
    });
}
