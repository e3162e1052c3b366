import { parseWhole, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { feedRowCount } from '../feed-rows.js';
import { MetricsSampler } from '../metrics-sampler.js';
import { scenarioResult, type ScenarioResult } from '../result.js';
import { sleep, withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';

export type BlockParams = { entries: number };

const POLL_MS = 10;
const PURGE_TIMEOUT_MS = 60_000;

/**
 * Two users follow each other and each posted `entries` statuses, all in the other's feed. The first blocks the
 * second; measured from the block request: until the blocker's feed (first page of 100) shows none of the blocked
 * account's statuses (the budget: 1 s for 1,000), and until the purge job has removed the stored entries of both
 * feeds (each side's statuses leave the other's feed).
 */
export async function runBlockScenario(params: BlockParams, target: TargetOptions): Promise<ScenarioResult> {
  const plan = { users: 2, celebrity: 'celebrity', followers: 0, followeesEach: 1, statusesEach: params.entries };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const [me, them] = [userAlias(1), userAlias(2)];
    const token = await api.login(me, target.password);
    let errors = 0;
    const shown = async (): Promise<number> => {
      try {
        const page = await api.feed(token, 100);
        return page.value.items.filter((s) => s.author.alias === them).length;
      } catch {
        errors++;
        return -1;
      }
    };
    const before = await shown();
    if (before <= 0) throw new Error(`setup: @${me}'s feed shows no status of @${them}`);
    const rowsBefore = (await feedRowCount(server)).rows;
    target.log(`@${me} blocks @${them}, whose ${params.entries} statuses are in the feed (${rowsBefore} feed rows)`);

    const sampler = new MetricsSampler(server.url, 1000, { pid: server.pid });
    sampler.start();
    const started = performance.now();
    const blocked = await api.block(token, them);
    const blockMs = blocked.ms;
    while ((await shown()) !== 0) await sleep(POLL_MS);
    const clearMs = performance.now() - started;
    let purgedMs = -1;
    let rows = rowsBefore;
    while (performance.now() - started < PURGE_TIMEOUT_MS) {
      rows = (await feedRowCount(server)).rows;
      if (rowsBefore - rows >= 2 * params.entries) {
        purgedMs = performance.now() - started;
        break;
      }
      await sleep(POLL_MS);
    }
    if (purgedMs < 0) errors++;
    const memory = await sampler.stop();
    return scenarioResult('block', params, {
      block_request_ms: Math.round(blockMs * 10) / 10,
      block_feed_clear_ms: Math.round(clearMs * 10) / 10,
      block_purge_ms: Math.round(purgedMs),
      feed_rows_removed: rowsBefore - rows,
      rss_mb_peak: memory.rssMbPeak,
      errors,
    });
  });
}

export const blockScenario: ScenarioDefinition<BlockParams> = {
  name: 'block',
  description: 'A block clears the blocked account’s statuses from my feed (N entries): until shown, until stored',
  options: [option('entries', 'statuses of the blocked account in my feed (and of mine in theirs)', '1000')],
  parse(flags) {
    return { entries: parseWhole(flags.entries ?? '', '--entries', 1, 100_000) };
  },
  run: runBlockScenario,
};
