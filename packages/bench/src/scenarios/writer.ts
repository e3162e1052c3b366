import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureWriterCost, parseWhole, UsageError, type WriterCost } from '@tweeter/server/tooling';
import { scenarioResult, type ScenarioResult } from '../result.js';
import type { TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';

export type WriterParams = {
  posts: number;
  authors: number;
  users: number;
  followeesEach: number;
  chunks: string;
  rounds: number;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The embedded writer's CPU per post and per feed row, in this process (no HTTP, no server thread): posts with their
 * outbox jobs and their fan-out through the real writer, store, queue and checkpoint thread, once per chunk size in
 * turn, `rounds` times, so the sizes are compared in one sitting. CPU time holds on a loaded machine; wall time
 * does not, so none is reported.
 */
export async function runWriterScenario(params: WriterParams, target: TargetOptions): Promise<ScenarioResult> {
  const chunks = params.chunks.split(',').map((c) => parseWhole(c, '--chunks', 1, 1000));
  const runs = new Map<number, WriterCost[]>(chunks.map((c) => [c, []]));
  for (let round = 0; round < params.rounds; round++) {
    for (const chunk of chunks) {
      const dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-cost-'));
      const cost = await measureWriterCost({ ...params, dir, chunk });
      target.log(`round ${round + 1}, chunk ${chunk}: ${cost.usPerPost} µs a post, ${cost.usPerRow} µs a feed row`);
      runs.get(chunk)?.push(cost);
    }
  }
  const figures: Record<string, Record<string, number>> = {};
  for (const [chunk, costs] of runs) {
    figures[`chunk_${chunk}`] = {
      cpu_us_per_post: median(costs.map((c) => c.usPerPost)),
      cpu_us_per_row: median(costs.map((c) => c.usPerRow)),
      rows_per_cpu_s: Math.round(median(costs.map((c) => c.rows / Math.max(1, c.cpuMs))) * 1000),
      groups: median(costs.map((c) => c.groups)),
      commit_ms: median(costs.map((c) => c.commitMs)),
      wal_mb: median(costs.map((c) => c.walMb)),
    };
  }
  // The store ran in this process: its RSS is this process's.
  const rss = Math.round(process.memoryUsage().rss / 1e6);
  return scenarioResult('writer', params, { ...figures, rss_mb_peak: rss, errors: 0 });
}

export const writerScenario: ScenarioDefinition<WriterParams> = {
  name: 'writer',
  description: "In process: the embedded writer's CPU per post and per feed row, chunk sizes of fan-out alternated",
  options: [
    option('posts', 'posts a run', '10000'),
    option('authors', 'closed-loop posters, each a different author', '50'),
    option('users', 'users following them', '10000'),
    option('followees-each', 'follows per user, so each author has about this many followers', '20'),
    option('chunks', 'fan-out posts a store call, comma-separated: each is measured in turn', '64,32'),
    option('rounds', 'times each chunk size runs (the median is reported)', '3'),
  ],
  parse(flags) {
    const chunks = flags.chunks ?? '';
    if (!/^\d+(,\d+)*$/.test(chunks))
      throw new UsageError(`--chunks: whole numbers separated by commas, got ${chunks}`);
    return {
      posts: parseWhole(flags.posts ?? '', '--posts', 100, 1_000_000),
      authors: parseWhole(flags.authors ?? '', '--authors', 1, 1000),
      users: parseWhole(flags.users ?? '', '--users', 2, 1_000_000),
      followeesEach: parseWhole(flags.followeesEach ?? '', '--followees-each', 1, 1000),
      chunks,
      rounds: parseWhole(flags.rounds ?? '', '--rounds', 1, 20),
    };
  },
  run: runWriterScenario,
};
