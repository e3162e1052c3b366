import { Alias } from '@tweeter/shared';
import type { Command } from 'commander';
import { configFromEnvironment } from '../config/index.js';
import { openDataDirForWriting } from '../runtimes/node/data-dir-access.js';
import { userAlias, type PopulationPlan } from '../population/graph.js';
import { populateStore } from '../population/populate-store.js';
import type { PopulationSummary } from '../population/populate.js';
import { parseWhole, strictCommand } from './options.js';
import { UsageError } from './usage-error.js';

export interface PopulateFlags {
  users: string;
  celebrity: string;
  followers?: string;
  followeesEach: string;
  statusesEach: string;
  mutesEach: string;
  blocksEach: string;
  mediaPercent?: string;
  reposts?: string;
  notifications?: boolean;
  replies?: string;
  quotes?: string;
  password: string;
  seed: string;
}

/** Checks populate's flags together; throws UsageError on the first problem. */
export function populationPlan(flags: PopulateFlags): PopulationPlan {
  const users = parseWhole(flags.users, '--users', 1, 10_000_000);
  const celebrity = Alias.safeParse(flags.celebrity);
  if (!celebrity.success) throw new UsageError(`--celebrity: ${celebrity.error.issues[0]?.message ?? 'not an alias'}`);
  if (/^user_[0-9]{6,}$/.test(celebrity.data)) {
    throw new UsageError(`--celebrity must not look like a generated alias (${userAlias(1)}...)`);
  }
  const followers = flags.followers === undefined ? users : parseWhole(flags.followers, '--followers', 0, users);
  const followeesEach = parseWhole(flags.followeesEach, '--followees-each', 0, users - 1);
  const statusesEach = parseWhole(flags.statusesEach, '--statuses-each', 0, 1000);
  const mutesEach = parseWhole(flags.mutesEach, '--mutes-each', 0, Math.min(100, users - 1));
  const blocksEach = parseWhole(flags.blocksEach, '--blocks-each', 0, Math.min(100, users - 1));
  if (flags.password.length < 8) throw new UsageError('--password must be at least 8 characters');
  const seed = parseWhole(flags.seed, '--seed', 0, 2 ** 32 - 1);
  const mediaPercent = flags.mediaPercent === undefined ? 0 : parseWhole(flags.mediaPercent, '--media-percent', 0, 100);
  const reposts = flags.reposts === undefined ? 0 : parseWhole(flags.reposts, '--reposts', 0, 90);
  const replies = flags.replies === undefined ? 0 : parseWhole(flags.replies, '--replies', 0, 100);
  const quotes = flags.quotes === undefined ? 0 : parseWhole(flags.quotes, '--quotes', 0, 100);
  const plan = { users, celebrity: celebrity.data, followers, followeesEach, statusesEach, password: flags.password };
  return {
    ...plan,
    seed,
    ...(mutesEach > 0 ? { mutesEach } : {}),
    ...(blocksEach > 0 ? { blocksEach } : {}),
    ...(mediaPercent > 0 ? { mediaShare: mediaPercent / 100 } : {}),
    ...(reposts > 0 ? { repostShare: reposts / 100 } : {}),
    ...(flags.notifications ? { notifications: true } : {}),
    ...(replies > 0 ? { replyShare: replies / 100 } : {}),
    ...(quotes > 0 ? { quoteShare: quotes / 100 } : {}),
  };
}

/** One line per figure, for people and for scripts. */
export function formatSummary(summary: PopulationSummary): string {
  return [
    `users added: ${summary.usersAdded}`,
    `follows added: ${summary.followsAdded}`,
    `statuses added: ${summary.statusesAdded}`,
    `feed entries added: ${summary.feedEntriesAdded}`,
    `reposts added: ${summary.repostsAdded}`,
    `mutes added: ${summary.mutesAdded}`,
    `blocks added: ${summary.blocksAdded}`,
    `notifications added: ${summary.notificationsAdded}`,
    `seconds: ${summary.seconds.toFixed(1)}`,
  ].join('\n');
}

/** `tweeter populate`: bulk-builds users, follows and statuses through the store (not HTTP), in either shape. */
export function populateCommand(): Command {
  return strictCommand('populate')
    .description(
      'Add generated users (user_000001...), a celebrity they follow, random follows and statuses to DATA_DIR ' +
        '(with TWEETER_STORE=dynamodb: to the DynamoDB tables, by batch writes). ' +
        'Idempotent: running it again with the same flags adds nothing.',
    )
    .option('--users <n>', 'generated users', '10000')
    .option('--celebrity <alias>', 'the user followed by --followers of them', 'celebrity')
    .option('--followers <m>', 'how many generated users follow the celebrity (default: all)')
    .option('--followees-each <k>', 'random extra follows per generated user', '0')
    .option('--statuses-each <s>', 'statuses each generated user posts (delivered to its followers feeds)', '0')
    .option('--mutes-each <k>', 'random accounts each generated user mutes (at most 100)', '0')
    .option(
      '--blocks-each <k>',
      'random accounts each generated user blocks, follows between them ended (at most 100)',
      '0',
    )
    .option('--media-percent <p>', 'percent of the statuses that carry 1 to 4 images (stock pictures), 0 to 100', '0')
    .option(
      '--reposts <p>',
      'percent of what reaches feeds that is reposts among the generated users (needs --statuses-each), 0 to 90; ' +
        '30 is realistic (the share the benchmarks use)',
      '0',
    )
    .option('--notifications', 'write the follow notifications of the generated follows (as the notify job would)')
    .option(
      '--replies <p>',
      "percent of the statuses that are replies to another user's status of the same round, 0 to 100 (realistic: 30)",
      '0',
    )
    .option('--quotes <p>', "percent of the statuses that quote another user's status, 0 to 100 (realistic: 5)", '0')
    .option('--password <p>', 'password of every generated user and the celebrity', 'password')
    .option('--seed <n>', 'seed of the random follows (same seed, same graph)', '1')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action(async (flags: PopulateFlags & { dataDir?: string }) => {
      const plan = populationPlan(flags);
      const config = configFromEnvironment(flags.dataDir === undefined ? {} : { DATA_DIR: flags.dataDir });
      // The embedded file takes one writer at a time; the AWS shape has no DATA_DIR to lock.
      const lock = config.shape.store === 'sqlite' ? openDataDirForWriting(config, 'populating it') : null;
      try {
        console.log(formatSummary(await populateStore(config, plan)));
      } finally {
        lock?.release();
      }
    });
}
