import { parseWhole, randomIndex, seededRandom, userAlias } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { Samples } from '../percentiles.js';
import { machine, type ScenarioResult } from '../result.js';
import { startSampler, withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';

export type ThreadContextParams = {
  /** Replies in the thread (the context lists at most 200 of them). */
  replies: number;
  /** Accounts that write them, round robin. */
  repliers: number;
  /** Context reads measured, one after another (after 20 unmeasured ones). */
  reads: number;
};

/** The budget: `context` of a thread of 200 replies, p99. */
const BUDGET_P99_MS = 20;

/**
 * A thread of `replies` replies under one status, as a tree: the first quarter answer the root, each later one an
 * earlier reply picked at random (seeded, so every run builds the same tree, several levels deep). Then
 * GET /api/v1/statuses/{root}/context `reads` times, one after another: its latency percentiles, against the budget.
 */
export async function runThreadContextScenario(
  params: ThreadContextParams,
  target: TargetOptions,
): Promise<ScenarioResult> {
  const plan = { users: params.repliers, celebrity: 'celebrity', followers: 0, followeesEach: 0, statusesEach: 0 };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const aliases = Array.from({ length: params.repliers }, (_, i) => userAlias(i + 1));
    const tokens = await api.loginAll(aliases, target.password);
    const [first] = tokens;
    if (first === undefined) throw new Error('no replier');
    const root = (await api.post(first, 'A question for everybody')).value.id;
    target.log(`writing ${params.replies} replies`);
    const ids: string[] = [];
    // Seeded: every run builds the same tree (before, `(k * 7919) % ids.length` was always 0: two levels only).
    const random = seededRandom(target.seed + 21);
    let errors = 0;
    for (let k = 0; k < params.replies; k++) {
      const parent = k < Math.ceil(params.replies / 4) ? root : (ids[randomIndex(random, ids.length)] ?? root);
      const token = tokens[k % tokens.length] ?? first;
      try {
        ids.push((await api.reply(token, `reply ${k} in the thread`, parent)).value.id);
      } catch {
        errors++;
      }
    }
    const read = async (): Promise<number> => {
      const { value, ms } = await api.context(first, root);
      if (value.descendants.length !== Math.min(200, ids.length)) errors++;
      return ms;
    };
    for (let i = 0; i < 20; i++) await read(); // warm the caches, as a thread being read is
    target.log(`reading the context ${params.reads} times`);
    // Marked from here (startSampler): its server CPU is that of the measured reads only.
    const sampler = await startSampler(server.url, server.pid);
    const samples = new Samples();
    for (let i = 0; i < params.reads; i++) samples.push(await read());
    const latency = samples.summary();
    const memory = await sampler.stop();
    return {
      scenario: 'thread-context',
      params: { ...params },
      machine: machine(),
      results: {
        context_p50_ms: latency.p50,
        context_p95_ms: latency.p95,
        context_p99_ms: latency.p99,
        context_max_ms: latency.max,
        // Server CPU per context read (all its threads): the figure that does not depend on what else runs.
        server_cpu_ms_per_context: Math.round((memory.serverCpuSeconds * 1e6) / Math.max(1, params.reads)) / 1000,
        budget_p99_ms: BUDGET_P99_MS,
        within_budget: latency.p99 <= BUDGET_P99_MS ? 1 : 0,
        descendants: Math.min(200, ids.length),
        rss_mb_peak: memory.rssMbPeak,
        cpu_pct: memory.cpuPct,
        errors,
      },
    };
  });
}

export const threadContextScenario: ScenarioDefinition<ThreadContextParams> = {
  name: 'thread-context',
  description: 'GET /api/v1/statuses/{id}/context of a thread of N replies (a tree): latency percentiles',
  options: [
    option('replies', 'replies in the thread', '200'),
    option('repliers', 'accounts writing them, round robin (each signs in once: scrypt)', '5'),
    option('reads', 'context reads measured, one after another', '500'),
  ],
  parse(flags) {
    return {
      replies: parseWhole(flags.replies ?? '', '--replies', 1, 5000),
      repliers: parseWhole(flags.repliers ?? '', '--repliers', 1, 1000),
      reads: parseWhole(flags.reads ?? '', '--reads', 1, 100_000),
    };
  },
  run: runThreadContextScenario,
};
