import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatResult, machine, type ScenarioResult } from '../result.js';
import { SCENARIOS } from '../scenarios/all.js';
import { commandLine, withDefaults } from '../scenarios/registry.js';
import type { TargetOptions } from '../setup.js';
import { fanoutChart, latencyChart, type LatencyBar } from './charts.js';
import { keptChanges, renderChecks, renderMarkdown } from './markdown.js';
import { evaluateChecks, type ReportEntry } from './requirements.js';

/** One run of the report: a stable key, a title, the exact command, and how to run it. */
export interface PlannedRun {
  key: string;
  label: string;
  command: string;
  /** Settings of the server for this run only (shown before the command, as a shell would take them). */
  env: Readonly<Record<string, string>>;
  run(target: TargetOptions): Promise<ScenarioResult>;
}

export interface ReportOptions {
  outDir: string;
  quick: boolean;
  million: boolean;
  target: TargetOptions;
  /** More runs (e.g. WebSocket scenarios) rendered generically after the standard ones. */
  extra?: readonly PlannedRun[];
}

/**
 * A run of a registered scenario with these option values (defaults fill the rest), its server started with
 * `env` over the inherited environment.
 */
export function scenarioRun(
  key: string,
  label: string,
  name: string,
  flags: Record<string, string>,
  env: Readonly<Record<string, string>> = {},
): PlannedRun {
  const definition = SCENARIOS.find((s) => s.name === name);
  if (!definition) throw new Error(`no scenario ${name}`);
  const prefix = Object.entries(env).map(([k, v]) => `${k}=${v} `);
  return {
    key,
    label,
    command: `${prefix.join('')}${commandLine(definition, flags)}`,
    env,
    run: (target) =>
      definition.run(definition.parse(withDefaults(definition, flags)), {
        ...target,
        serverEnv: { ...target.serverEnv, ...env },
      }),
  };
}

// The push path measured as such: accounts this large are pulled at read time once FANOUT_PULL_THRESHOLD is on.
const PUSHED = { FANOUT_PULL_THRESHOLD: '0' } as const;
// The hybrid feed's default threshold: a 1,000,000-follower account is above it, so its posts are not fanned out.
const PULLED = { FANOUT_PULL_THRESHOLD: '50000' } as const;

/** The standard set: about 10 minutes on a 2-core machine (the two 1,000,000-follower runs are about three). */
export function standardRuns(quick: boolean, million: boolean): PlannedRun[] {
  const q = (full: string, tiny: string): string => (quick ? tiny : full);
  const runs = [
    scenarioRun('fanout-10k', 'fanout, 10,000 followers', 'fanout', {
      followers: q('10000', '50'),
      posts: q('10', '2'),
      readers: q('16', '2'),
    }),
    scenarioRun(
      'fanout-100k',
      'fanout, 100,000 followers (pushed)',
      'fanout',
      { followers: q('100000', '100'), posts: q('5', '2'), readers: q('16', '2') },
      PUSHED,
    ),
  ];
  if (million) {
    runs.push(
      scenarioRun(
        'fanout-1m',
        'fanout, 1,000,000 followers (pushed)',
        'fanout',
        { followers: q('1000000', '200'), posts: q('2', '1'), readers: q('16', '2') },
        PUSHED,
      ),
      scenarioRun(
        'fanout-1m-pull',
        'fanout, 1,000,000 followers above FANOUT_PULL_THRESHOLD (pulled at read time)',
        'fanout',
        {
          followers: q('1000000', '200'),
          posts: q('2', '1'),
          readers: q('16', '2'),
          watchVisible: '1',
        },
        quick ? { FANOUT_PULL_THRESHOLD: '100' } : PULLED,
      ),
    );
  }
  runs.push(
    scenarioRun('feed-64', 'feed, 64 readers, closed loop (capacity)', 'feed', {
      users: q('10000', '100'),
      readers: q('64', '4'),
      duration: q('20', '2'),
    }),
    scenarioRun('feed-64-paced', 'feed, 64 readers, 1,000 requests/s', 'feed', {
      users: q('10000', '100'),
      readers: q('64', '4'),
      duration: q('20', '2'),
      rate: q('1000', '50'),
    }),
    scenarioRun('post-50', 'post, 50 writers, closed loop (capacity)', 'post', {
      users: q('10000', '100'),
      writers: q('50', '4'),
      duration: q('10', '2'),
    }),
    scenarioRun('post-50-paced', 'post, 50 writers, 200 posts/s', 'post', {
      users: q('10000', '100'),
      writers: q('50', '4'),
      duration: q('20', '2'),
      rate: q('200', '20'),
    }),
    scenarioRun('sustained-50', 'sustained, 50 writers posting non-stop for 10 s (20 followers each)', 'sustained', {
      users: q('10000', '100'),
      writers: q('50', '4'),
      duration: q('10', '2'),
    }),
    scenarioRun('mix', 'mix, 64 connections, closed loop (80% feed, 10% story, 5% post, 5% follow)', 'mix', {
      users: q('10000', '100'),
      connections: q('64', '8'),
      duration: q('20', '2'),
    }),

    scenarioRun('ws-1k', 'ws, a board message to 1,000 live subscribers', 'ws', {
      subscribers: q('1000', '20'),
      messages: q('20', '3'),
    }),
    scenarioRun('ws-10k', 'ws, a board message to 10,000 live subscribers', 'ws', {
      subscribers: q('10000', '50'),
      messages: q('20', '3'),
    }),
  );
  return runs;
}

/** Runs the standard set (plus `extra`), printing each result, then writes benchmarks.{md,json} and the charts. */
export async function runReport(options: ReportOptions): Promise<ScenarioResult[]> {
  const started = performance.now();
  const entries: ReportEntry[] = [];
  for (const planned of [...standardRuns(options.quick, options.million), ...(options.extra ?? [])]) {
    options.target.log(`${planned.label}: ${planned.command}`);
    const t0 = performance.now();
    const result = await planned.run(options.target);
    const seconds = (performance.now() - t0) / 1000;
    console.log(`${formatResult(result)}\n`);
    entries.push({
      key: planned.key,
      label: planned.label,
      command: planned.command,
      env: planned.env,
      seconds,
      result,
    });
  }
  const totalSeconds = (performance.now() - started) / 1000;
  console.log(renderChecks(evaluateChecks(entries)));

  const mdFile = join(options.outDir, 'benchmarks.md');
  const previous = existsSync(mdFile) ? readFileSync(mdFile, 'utf8') : null;
  const generatedAt = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const doc = {
    generatedAt,
    totalSeconds,
    machine: machine(),
    quick: options.quick,
    entries,
    changes: keptChanges(previous),
  };
  writeFileSync(mdFile, renderMarkdown(doc));
  const json = {
    generatedAt,
    totalSeconds: Math.round(totalSeconds),
    quick: options.quick,
    runs: entries.map((e) => ({
      key: e.key,
      label: e.label,
      command: e.command,
      seconds: Math.round(e.seconds),
      ...e.result,
    })),
  };
  writeFileSync(join(options.outDir, 'benchmarks.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'bench-latency.svg'), `${latencyChart(latencyBars(entries), budgetLines())}\n`);
  writeFileSync(join(options.outDir, 'bench-fanout.svg'), `${fanoutChart(fanoutPoints(entries), fanoutTargets())}\n`);
  options.target.log(
    `wrote ${mdFile} and benchmarks.json, bench-latency.svg, bench-fanout.svg (${Math.round(totalSeconds)} s)`,
  );
  return entries.map((e) => e.result);
}

/** Every p50/p95/p99 group in the results, labelled by run and figure. */
function latencyBars(entries: readonly ReportEntry[]): LatencyBar[] {
  const bars: LatencyBar[] = [];
  for (const e of entries) {
    for (const [name, value] of Object.entries(e.result.results)) {
      if (typeof value !== 'object' || name === 'fanout_ms' || name.endsWith('_each_ms')) continue;
      const { p50, p95, p99 } = value;
      if (p50 === undefined || p95 === undefined || p99 === undefined) continue;
      if (name === 'feed_ms' || name === 'post_ms' || name === 'story_ms' || name === 'follow_ms') {
        bars.push({ label: `${e.key} ${name.replace('_ms', '')}`, p50, p95, p99 });
      }
    }
  }
  return bars;
}

function budgetLines(): { label: string; ms: number }[] {
  return [{ label: 'budget: p99 < 5 ms', ms: 5 }];
}

function fanoutPoints(entries: readonly ReportEntry[]): { followers: number; p50: number; max: number }[] {
  // A pulled account's "delivery" is done at once: it is no point on the fan-out curve.
  return entries.flatMap((e) => {
    if ((e.env?.FANOUT_PULL_THRESHOLD ?? '0') !== '0') return [];
    const f = e.result.results.fanout_ms;
    const followers = e.result.params.followers;
    return f && typeof followers === 'number' ? [{ followers, p50: f.p50, max: f.max }] : [];
  });
}

function fanoutTargets(): { label: string; x: number; ms: number }[] {
  return [
    { label: 'budget 250 ms', x: 10_000, ms: 250 },
    { label: 'budget 10 s', x: 1_000_000, ms: 10_000 },
    { label: 'course 120 s', x: 10_000, ms: 120_000 },
  ];
}
