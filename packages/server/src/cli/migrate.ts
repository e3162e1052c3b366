import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { configFromEnvironment } from '../config/index.js';
import { openDataDirForWriting } from '../runtimes/node/data-dir-access.js';
import { MIGRATE_INSTEAD, migrateEmbeddedFile, requireEmbeddedFile } from '../wiring/embedded-file.js';

/** `tweeter migrate`: applies pending schema migrations (the server also does this at start). */
export function migrateCommand(): Command {
  return strictCommand('migrate')
    .description('Apply pending database migrations to DATA_DIR/tweeter.db and print the schema version')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action((opts: { dataDir?: string }) => {
      const config = configFromEnvironment(opts.dataDir === undefined ? {} : { DATA_DIR: opts.dataDir });
      requireEmbeddedFile(config, 'migrate', MIGRATE_INSTEAD); // before DATA_DIR is created or locked
      const lock = openDataDirForWriting(config, 'migrating it');
      try {
        const { applied, version } = migrateEmbeddedFile(config);
        console.log(
          applied.length
            ? `applied migration(s) ${applied.join(', ')}; schema version ${version}`
            : `up to date; schema version ${version}`,
        );
      } finally {
        lock.release();
      }
    });
}
