import { performance } from 'node:perf_hooks';
import { configFromEnvironment, openStoresChecked, parseWhole, systemClock, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { feedRowCount } from '../feed-rows.js';
import { startFeedReaders } from '../load.js';
import { metricValue } from '../metrics-sampler.js';
import { Samples } from '../percentiles.js';
import { feedFigure, latencyFigure, scenarioResult, serverFigures, type ScenarioResult } from '../result.js';
import { sampleAliases, sleep, startSampler, withServer, type TargetOptions } from '../setup.js';
import { boundedWhole, option, type ScenarioDefinition } from './registry.js';

export type DeleteAccountParams = {
  followers: number;
  statuses: number;
  /** Of its newest statuses, how many each follower's feed holds. */
  feedEntries: number;
  readers: number;
  /** Their feed reads per second in total (open loop). */
  readRate: number;
};

const LEAVER = 'leaver';
const STATUS_BATCH = 500;
const ENTRY_BATCH = 10_000;
const POLL_MS = 100;
const LIMIT_MS = 600_000;

/**
 * The account `leaver`, with `statuses` statuses and `followers` followers whose feeds hold its newest `feedEntries`,
 * deletes itself (DELETE /api/v1/me). Measured: the time from the 204 until every feed entry of it is gone (the
 * deletion's followers step done, read from /metrics, then checked on the file), the time until the whole deletion
 * is done, and meanwhile the feed page latency of `readers` other users (followers too) reading at `readRate`.
 */
export async function runDeleteAccountScenario(
  params: DeleteAccountParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  // The followers also follow 5 others who posted once, so their feeds keep something once the leaver's entries go.
  const plan = {
    users: params.followers,
    celebrity: LEAVER,
    followers: params.followers,
    followeesEach: 5,
    statusesEach: 1,
  };
  return withServer(
    target,
    plan,
    async (server) => {
      const api = new ApiClient(server.url);
      const sample = sampleAliases(target.seed + 3, params.followers, params.readers);
      target.log(`signing in @${LEAVER} and ${sample.length} readers`);
      const leaver = await api.login(LEAVER, target.password);
      const tokens = await api.loginAll(sample, target.password);
      const rowsBefore = await feedRowCount(server);
      const sampler = await startSampler(server.url, server.pid);

      const before = new Samples();
      const during = new Samples();
      let window: { start: number; end: number } | null = null;
      const readers = startFeedReaders({
        baseUrl: server.url,
        tokens,
        connections: params.readers,
        rate: params.readRate,
        onSample: (startedAt, ms) => (window && startedAt >= window.start ? during : before).push(ms),
      });
      await sleep(2_000); // readers warm before the deletion

      target.log(`deleting @${LEAVER}: ${params.statuses} statuses, ${params.followers} followers`);
      const started = performance.now();
      window = { start: started, end: Infinity };
      const res = await fetch(`${server.url}/api/v1/me`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${leaver}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password: target.password }),
      });
      const deleteMs = performance.now() - started;
      if (res.status !== 204) throw new Error(`DELETE /api/v1/me answered ${res.status}: ${await res.text()}`);
      // The followers step ends with every follower's feed purged; its successor's first chunk says it is over.
      const feedsMs = await waitForStep(server.url, 'followees', started);
      window.end = performance.now();
      readers.stop();
      const load = await readers.done;
      const doneMs = await waitForStep(server.url, 'picture', started);
      const memory = await sampler.stop();
      const rowsAfter = await feedRowCount(server);
      const entries = params.followers * Math.min(params.feedEntries, params.statuses);
      const duringSummary = during.summary();
      return scenarioResult('delete-account', params, {
        delete_request_ms: Math.round(deleteMs),
        feeds_clear_ms: feedsMs,
        deletion_done_ms: doneMs,
        feed_entries_removed: rowsBefore.rows - rowsAfter.rows,
        feed_entries_expected: entries,
        feed_ms: feedFigure(duringSummary),
        feed_during_deletion_ms: latencyFigure(duringSummary),
        feed_before_ms: latencyFigure(before.summary()),
        feed_rps: load.rps,
        ...serverFigures(memory),
        errors: load.errors,
      });
    },
    (dataDir) => seedLeaver(dataDir, params, target.log),
  );
}

/** ms from `started` until the deletion has done a chunk of `step` (its counter in /metrics is above 0). */
async function waitForStep(url: string, step: string, started: number): Promise<number> {
  for (;;) {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const line = text.split('\n').find((l) => l.startsWith(`tweeter_account_deletion_chunks_total{step="${step}"}`));
    if (line && (metricValue(line, 'tweeter_account_deletion_chunks_total') ?? 0) > 0) {
      return Math.round(performance.now() - started);
    }
    if (performance.now() - started > LIMIT_MS) throw new Error(`the deletion did not reach "${step}" in 10 minutes`);
    await sleep(POLL_MS);
  }
}

/** The leaver's statuses (oldest first), and its newest `feedEntries` in every follower's feed, through the store. */
async function seedLeaver(dataDir: string, params: DeleteAccountParams, log: (line: string) => void): Promise<void> {
  const opened = await openStoresChecked(configFromEnvironment({ DATA_DIR: dataDir }), systemClock);
  const batch = opened.writeBatch ?? (<T>(work: () => Promise<T>) => work());
  try {
    const t0 = Date.now() - params.statuses;
    const ids: string[] = [];
    for (let from = 0; from < params.statuses; from += STATUS_BATCH) {
      await batch(async () => {
        for (let i = from; i < Math.min(params.statuses, from + STATUS_BATCH); i++) {
          const id = `01LEAVER${String(i).padStart(10, '0')}`;
          const post = `Status ${i} by @${LEAVER}`;
          const segments = [{ type: 'text' as const, text: post, start: 0, end: post.length }];
          await opened.store.statuses.create(
            { id, author: LEAVER, post, segments, createdAt: t0 + i },
            { audience: params.followers },
          );
          ids.push(id);
        }
      });
    }
    const newest = ids.slice(-params.feedEntries);
    const followers = Array.from({ length: params.followers }, (_, i) => userAlias(i + 1));
    let entries: { owner: string; statusId: string; author: string }[] = [];
    for (const owner of followers) {
      for (const statusId of newest) entries.push({ owner, statusId, author: LEAVER });
      if (entries.length >= ENTRY_BATCH) {
        const chunk = entries;
        entries = [];
        await batch(() => opened.store.feeds.addMany(chunk));
      }
    }
    if (entries.length > 0) await batch(() => opened.store.feeds.addMany(entries));
    log(`seeded @${LEAVER}: ${ids.length} statuses, ${newest.length * followers.length} feed entries`);
  } finally {
    await opened.close();
  }
}

export const deleteAccountScenario: ScenarioDefinition<DeleteAccountParams> = {
  name: 'delete-account',
  description: 'Deleting an account with many statuses and followers: time until its feed entries are gone',
  options: [
    option('followers', 'followers of the deleted account (each follows 5 others too)', '10000'),
    option('statuses', 'statuses of the deleted account', '10000'),
    option('feed-entries', "of its newest statuses, how many each follower's feed holds", '100'),
    option('readers', 'other users (followers) reading their feed meanwhile', '16'),
    option('read-rate', 'their feed reads per second in total (open loop)', '100'),
  ],
  parse(flags, given) {
    const followers = parseWhole(flags.followers ?? '', '--followers', 10, 1_000_000);
    const statuses = parseWhole(flags.statuses ?? '', '--statuses', 1, 1_000_000);
    return {
      followers,
      statuses,
      feedEntries: boundedWhole(flags, given, 'feedEntries', '--feed-entries', 1, statuses),
      readers: boundedWhole(flags, given, 'readers', '--readers', 1, Math.min(1000, followers)),
      readRate: parseWhole(flags.readRate ?? '', '--read-rate', 1, 1_000_000),
    };
  },
  run: runDeleteAccountScenario,
};
