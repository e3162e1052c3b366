import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { openDatabase } from '../adapters/sqlite/database.js';
import { migrate, schemaVersion } from '../adapters/sqlite/migrations.js';
import { configFromEnvironment } from '../config/index.js';

/** `tweeter migrate`: applies pending schema migrations (the server also does this at start). */
export function migrateCommand(): Command {
  return strictCommand('migrate')
    .description('Apply pending database migrations to DATA_DIR/tweeter.db and print the schema version')
    .action(() => {
      const config = configFromEnvironment();
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
      }
    });
}
