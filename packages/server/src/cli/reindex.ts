import type { Command } from 'commander';
import { configFromEnvironment } from '../config/index.js';
import { reindexStep } from '../domain/search-reindex.js';
import { SearchReindexProcessor, type ReindexBounds } from '../jobs/search-reindex.js';
import { systemClock } from '../ports/clock.js';
import { REINDEX_KINDS, type ReindexKind } from '../ports/search-reindex.js';
import type { Store } from '../ports/store.js';
import { openDataDirForWriting, requireExistingDatabase } from '../runtimes/node/data-dir-access.js';
import { openStoresChecked } from '../wiring/stores.js';
import { strictCommand } from './options.js';

/** What a reindex run here did, per kind. */
export interface ReindexReport {
  kind: ReindexKind;
  rows: number;
  rewritten: number;
  seconds: number;
}

/** Starts a run of each kind: queued (the workers run its steps) or, with `here`, run step by step in this process. */
export async function reindex(
  store: Store,
  kinds: readonly ReindexKind[],
  options: { here: boolean; run?: string; bounds?: Partial<ReindexBounds> },
): Promise<ReindexReport[]> {
  const run = options.run ?? `cli-${new Date().toISOString()}`;
  const reports: ReindexReport[] = [];
  const steps = new SearchReindexProcessor({
    reindex: store.reindex,
    statuses: store.statuses,
    users: store.users,
    search: store.search,
    people: store.people,
    clock: systemClock,
    ...(options.bounds ? { bounds: options.bounds } : {}),
  });
  for (const kind of kinds) {
    // Replaces any run of the kind: its queued steps find the state moved on and do nothing.
    await store.reindex.start(kind, run, Date.now(), options.here ? null : reindexStep(kind, run, null));
    if (!options.here) continue;
    const started = performance.now();
    const report = { kind, rows: 0, rewritten: 0, seconds: 0 };
    for (let after: string | null = null; ;) {
      const step = await steps.step(kind, run, after, false);
      report.rows += step.read;
      report.rewritten += step.rewritten;
      const state = await store.reindex.state(kind);
      if (!step.ran || !state || state.done || state.run !== run) break;
      after = state.cursor;
    }
    report.seconds = (performance.now() - started) / 1000;
    reports.push(report);
  }
  return reports;
}

/** `tweeter reindex`: the search backfill (hashtag segments, status terms, people terms) of existing data. */
export function reindexCommand(): Command {
  return strictCommand('reindex')
    .description(
      'Reindex existing data for search: statuses (hashtag segments added to old ones, every status indexed) and ' +
        'people (normalized, accent-folded terms). Queued by default: the server (or the index stage on AWS) runs ' +
        'it in bounded steps. Idempotent. Trends are not backfilled.',
    )
    .option('--statuses', 'reindex statuses (default: both kinds)')
    .option('--people', 'reindex people (default: both kinds)')
    .option('--here', 'run every step in this process now and report the rate (SQLite: stop the server first)')
    .option('--data-dir <dir>', 'where the data is (overrides DATA_DIR)')
    .action(async (flags: { statuses?: boolean; people?: boolean; here?: boolean; dataDir?: string }) => {
      const kinds = REINDEX_KINDS.filter((k) => (flags.statuses || flags.people ? flags[k] === true : true));
      const config = configFromEnvironment(flags.dataDir === undefined ? {} : { DATA_DIR: flags.dataDir });
      const embedded = config.shape.store === 'sqlite';
      if (embedded) requireExistingDatabase(config);
      // The embedded file takes one writer at a time: the server's jobs run the queued steps when it starts.
      const lock = embedded ? openDataDirForWriting(config, 'reindexing it') : null;
      try {
        const opened = await openStoresChecked(config, systemClock);
        try {
          const reports = await reindex(opened.store, kinds, { here: flags.here === true });
          if (!flags.here) console.log(`queued reindex of ${kinds.join(' and ')}`);
          for (const r of reports) {
            const rate = r.seconds > 0 ? Math.round(r.rows / r.seconds) : r.rows;
            const extra = r.kind === 'statuses' ? `, ${r.rewritten} gained hashtag segments` : '';
            console.log(`${r.kind}: ${r.rows} rows in ${r.seconds.toFixed(1)} s (${rate}/s)${extra}`);
          }
        } finally {
          await opened.close();
        }
      } finally {
        lock?.release();
      }
    });
}
