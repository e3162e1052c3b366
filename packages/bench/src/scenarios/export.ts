import { parseWhole, userAlias } from '@tweeter/server/tooling';
import { performance } from 'node:perf_hooks';
import { ApiClient } from '../api-client.js';
import { MetricsSampler, metricValue } from '../metrics-sampler.js';
import { round2 } from '../percentiles.js';
import { scenarioResult, type ScenarioResult } from '../result.js';
import { withServer, type TargetOptions } from '../setup.js';
import { option, type ScenarioDefinition } from './registry.js';

export type ExportParams = {
  /** Statuses the exporting account has written. */
  statuses: number;
  /** Downloads, one after another (the figures are of the fastest, the memory of all). */
  runs: number;
};

const MB = 1024 * 1024;

/**
 * One account with `statuses` statuses downloads GET /api/v1/me/export `runs` times, reading the body as it arrives:
 * the rate (MB/s of the document, first byte included) and the server's resident memory before and during the
 * downloads (flat memory: the peak does not grow with the document). Each document is parsed afterwards to check
 * that it holds every status.
 */
export async function runExportScenario(params: ExportParams, target: TargetOptions): Promise<ScenarioResult> {
  const plan = { users: 1, celebrity: 'celebrity', followers: 0, followeesEach: 0, statusesEach: params.statuses };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const token = await api.login(userAlias(1), target.password);
    const rssNow = async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      return round2((metricValue(text, 'process_resident_memory_bytes') ?? 0) / MB);
    };
    const sampler = new MetricsSampler(server.url, 100, { pid: server.pid, scrapeIntervalMs: 100 });
    sampler.start();
    await sampler.resetPeak();
    const rssBefore = await rssNow();
    let best = { seconds: Infinity, bytes: 0, firstByteMs: 0 };
    let errors = 0;
    for (let run = 0; run < params.runs; run++) {
      target.log(`export ${run + 1} of ${params.runs}`);
      const started = performance.now();
      const res = await fetch(`${server.url}/api/v1/me/export`, { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok || !res.body) {
        errors++;
        continue;
      }
      const chunks: Buffer[] = [];
      let firstByteMs = 0;
      let bytes = 0;
      for await (const chunk of res.body) {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += chunk.byteLength;
        chunks.push(Buffer.from(chunk));
      }
      const seconds = (performance.now() - started) / 1000;
      const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { statuses?: unknown[] };
      if (doc.statuses?.length !== params.statuses) errors++;
      if (seconds < best.seconds) best = { seconds, bytes, firstByteMs };
    }
    const memory = await sampler.stop();
    return scenarioResult('export', params, {
      export_mb: round2(best.bytes / MB),
      export_s: round2(best.seconds),
      export_mb_per_s: round2(best.bytes / MB / best.seconds),
      first_byte_ms: round2(best.firstByteMs),
      rss_mb_before: rssBefore,
      rss_mb_peak: memory.rssMbPeak,
      rss_mb_growth: round2(memory.rssMbPeak - rssBefore),
      heap_mb_peak: memory.heapMbPeak,
      cpu_pct: memory.cpuPct,
      errors,
    });
  });
}

export const exportScenario: ScenarioDefinition<ExportParams> = {
  name: 'export',
  description: 'GET /api/v1/me/export of an account with N statuses: stream rate and the server memory meanwhile',
  options: [
    option('statuses', 'statuses of the exporting account', '100000'),
    option('runs', 'downloads, one after another (the fastest is reported)', '3'),
  ],
  parse(flags) {
    return {
      statuses: parseWhole(flags.statuses ?? '', '--statuses', 1, 10_000_000),
      runs: parseWhole(flags.runs ?? '', '--runs', 1, 100),
    };
  },
  run: runExportScenario,
};
