import type { Command } from 'commander';
import { strictCommand } from './options.js';
import { configFromEnvironment } from '../config/index.js';
import { openJobQueue } from '../storage.js';
import { systemClock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import { UsageError } from './usage-error.js';

async function withQueue<T>(fn: (queue: JobQueue) => Promise<T>): Promise<T> {
  const opened = await openJobQueue(configFromEnvironment(), systemClock);
  try {
    await opened.verify();
    return await fn(opened.queue);
  } finally {
    await opened.close();
  }
}

/** `tweeter dlq list|redrive`: inspect and replay jobs that failed every attempt. */
export function dlqCommand(): Command {
  const dlq = strictCommand('dlq').description('Dead-letter queue: jobs that failed JOB_MAX_ATTEMPTS times');

  dlq
    .command('list')
    .description('List dead jobs, oldest first')
    .option('-n, --limit <n>', 'how many to show (1 to 1000)', '100')
    .option('--json', 'print JSON lines instead of a table')
    .action(async (opts: { limit: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new UsageError('--limit must be a whole number from 1 to 1000');
      }
      const jobs = await withQueue((q) => q.listDead({ limit }));
      if (opts.json) {
        for (const j of jobs) console.log(JSON.stringify(j));
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
    .description('Put dead jobs back on the queue with fresh attempts (the running server picks them up)')
    .argument('[ids...]', 'ids of the dead jobs to redrive')
    .option('--all', 'redrive every dead job')
    .action(async (ids: string[], opts: { all?: boolean }) => {
      if (!opts.all && ids.length === 0) {
        throw new UsageError('name the job ids to redrive, or pass --all');
      }
      if (opts.all && ids.length) {
        throw new UsageError('pass either job ids or --all, not both');
      }
      const n = await withQueue((q) => q.redrive(opts.all ? 'all' : ids));
      console.log(`redrove ${n} job(s)`);
    });

  return dlq;
}
