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
  shapes: string;
  rounds: number;
};

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * The embedded writer's CPU per post and per feed row, in this process (no HTTP, no server thread): posts with their
 * outbox jobs and their fan-out through the real writer, store, queue and checkpoint thread, once per shape in
 * turn, `rounds` times, so the shapes are compared in one sitting. CPU time holds on a loaded machine; wall time
 * does not, so none is reported.
 */
export async function runWriterScenario(params: WriterParams, target: TargetOptions): Promise<ScenarioResult> {
  // `gather/chunk`: jobs a receive loop takes at once, fan-outs a store call.
  const shapes = params.shapes.split(',').map((text) => {
    const [gather, chunk] = text.split('/').map((n) => parseWhole(n, '--shapes', 1, 10_000));
    return { name: `gather_${gather}_chunk_${chunk}`, gather, chunk };
  });
  const runs = new Map<string, WriterCost[]>(shapes.map((shape) => [shape.name, []]));
  for (let round = 0; round < params.rounds; round++) {
    for (const { name, gather, chunk } of shapes) {
      const dir = mkdtempSync(join(tmpdir(), 'tweeter-writer-cost-'));
      const cost = await measureWriterCost({ ...params, dir, gather, chunk });
      target.log(`round ${round + 1}, ${name}: ${cost.usPerPost} µs a post, ${cost.usPerRow} µs a feed row`);
      runs.get(name)?.push(cost);
    }
  }
  const figures: Record<string, Record<string, number>> = {};
  for (const [name, costs] of runs) {
    figures[name] = {
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
  description: "In process: the embedded writer's CPU per post and per feed row, gather and chunk sizes alternated",
  options: [
    option('posts', 'posts a run', '10000'),
    option('authors', 'closed-loop posters, each a different author', '50'),
    option('users', 'users following them', '10000'),
    option('followees-each', 'follows per user, so each author has about this many followers', '20'),
    option(
      'shapes',
      'gather/chunk pairs, comma-separated, each measured in turn: jobs a receive takes, fan-outs a store call',
      '256/128,128/64,128/32',
    ),
    option('rounds', 'times each shape runs (the median is reported)', '3'),
  ],
  parse(flags) {
    const shapes = flags.shapes ?? '';
    if (!/^\d+\/\d+(,\d+\/\d+)*$/.test(shapes))
      throw new UsageError(`--shapes: gather/chunk pairs separated by commas, got ${shapes}`);
    return {
      posts: parseWhole(flags.posts ?? '', '--posts', 100, 1_000_000),
      authors: parseWhole(flags.authors ?? '', '--authors', 1, 1000),
      users: parseWhole(flags.users ?? '', '--users', 2, 1_000_000),
      followeesEach: parseWhole(flags.followeesEach ?? '', '--followees-each', 1, 1000),
      shapes,
      rounds: parseWhole(flags.rounds ?? '', '--rounds', 1, 20),
    };
  },
  run: runWriterScenario,
};
