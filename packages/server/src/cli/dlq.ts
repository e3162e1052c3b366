import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { configFromEnvironment, type Config } from '../config/index.js';
import { systemClock } from '../ports/clock.js';
import type { DeadJob, JobQueue } from '../ports/job-queue.js';
import { openDataDirForWriting, requireExistingDatabase } from '../runtimes/node/data-dir-access.js';
import { openStoresChecked } from '../wiring/stores.js';
import { UsageError } from './usage-error.js';

const PAGE = 1000;

function configFor(opts: { dataDir?: string }): Config {
  return configFromEnvironment(opts.dataDir === undefined ? {} : { DATA_DIR: opts.dataDir });
}

async function withQueue<T>(config: Config, fn: (queue: JobQueue) => Promise<T>): Promise<T> {
  const opened = await openStoresChecked(config, systemClock);
  try {
    return await fn(opened.queue);
  } finally {
    await opened.close();
  }
}

/** The SQLite queue lives in DATA_DIR: it must exist (nothing is created by a look), and writers lock it. */
const embedded = (config: Config) => config.shape.queue === 'sqlite';

/** Every dead job's id, page by page. */
async function deadIds(queue: JobQueue): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let after: string | undefined; ;) {
    const page: DeadJob[] = await queue.listDead({ limit: PAGE, ...(after === undefined ? {} : { after }) });
    for (const job of page) ids.add(job.id);
    if (page.length < PAGE) return ids;
    after = page[page.length - 1]?.id;
  }
}

/** `tweeter dlq list|redrive`: inspect and replay jobs that failed every attempt. */
export function dlqCommand(): Command {
  const dlq = strictCommand('dlq').description('Dead-letter queue: jobs that failed JOB_MAX_ATTEMPTS times');

  dlq
    .command('list')
    .description('List dead jobs, oldest first (reads only: works while the server runs)')
    .option('-n, --limit <n>', 'how many to show (1 to 1000)', '100')
    .option('--json', 'print one JSON array instead of a table')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action(async (opts: { limit: string; json?: boolean; dataDir?: string }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      }
      const config = configFor(opts);
      if (embedded(config)) requireExistingDatabase(config);
      const jobs = await withQueue(config, (q) => q.listDead({ limit }));
      if (opts.json) {
        console.log(JSON.stringify(jobs, null, 2));
        return;
      }
      if (!jobs.length) {
        console.log('no dead jobs');
        return;
      }
      console.log(['id', 'name', 'attempts', 'died at', 'last error'].join('\t'));
      for (const j of jobs) {
        console.log([j.id, j.name, j.attempts, new Date(j.diedAt).toISOString(), j.lastError].join('\t'));
      }
    });

  dlq
    .command('redrive')
    .description(
      'Put dead jobs back on the queue with fresh attempts; the server runs them when it starts. ' +
        'Needs the data directory to itself: stop the server first.',
    )
    .argument('[ids...]', 'ids of the dead jobs to redrive')
    .option('--all', 'redrive every dead job')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action(async (ids: string[], opts: { all?: boolean; dataDir?: string }) => {
      if (!opts.all && ids.length === 0) {
        throw new UsageError('name the job ids to redrive, or pass --all');
      }
      if (opts.all && ids.length) {
        throw new UsageError('pass either job ids or --all, not both');
      }
      const config = configFor(opts);
      if (embedded(config)) requireExistingDatabase(config);
      const lock = embedded(config) ? openDataDirForWriting(config, 'redriving jobs') : null;
      try {
        const n = await withQueue(config, async (q) => {
          if (opts.all) return q.redrive('all');
          // All or nothing: a mistyped id redrives none, so running the command again with it fixed is safe.
          const dead = await deadIds(q);
          const unknown = [...new Set(ids)].filter((id) => !dead.has(id));
          if (unknown.length) {
            throw new UsageError(
              `no dead job with id ${unknown.join(', ')} (see tweeter dlq list); nothing was redriven`,
            );
          }
          return q.redrive(ids);
        });
        console.log(`redrove ${n} job(s)`);
      } finally {
        lock?.release();
      }
    });

  return dlq;
}
