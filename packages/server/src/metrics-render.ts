import { setImmediate as nextTurn } from 'node:timers/promises';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSnapshot } from './metrics.js';

/** CPU a scrape may take on the HTTP thread in one turn before it lets waiting requests run. */
const TURN_BUDGET_MS = 0.5;

/**
 * The text exposition of `registry` with `others` (other threads' snapshots) merged in, rendered in turns of at most
 * about TURN_BUDGET_MS: prom-client's `registry.metrics()` collects and formats every metric in one synchronous turn
 * (4-9 ms on this machine, more with many label sets), which stalled every request behind a scrape.
 * Only the metrics the other threads also keep are aggregated (prom-client's AggregatorRegistry, series of the same
 * name and labels summed); the rest are formatted straight from this registry, with no JSON round trip.
 */
export async function renderMetrics(registry: Registry, others: MetricsSnapshot[]): Promise<string> {
  const shared = new Set(others.flat().map((metric) => metric.name));
  const parts: string[] = [];
  let turnStart = performance.now();
  const yieldIfLong = async (): Promise<void> => {
    if (performance.now() - turnStart < TURN_BUDGET_MS) return;
    await nextTurn();
    turnStart = performance.now();
  };
  const own: MetricsSnapshot = [];
  for (const metric of registry.getMetricsAsArray()) {
    const kept = shared.has(metric.name) ? registry.getSingleMetric(metric.name) : undefined;
    if (kept) own.push(await kept.get());
    else parts.push(await registry.getSingleMetricAsString(metric.name));
    await yieldIfLong();
  }
  if (shared.size > 0) {
    // A metric only the other threads have is summed with nothing; one this registry lacks is passed as it is.
    // One metric at a time (aggregation is by name anyway): all of them at once was one turn of ~0.5 ms.
    const snapshots = [own, ...others];
    for (const name of new Set(snapshots.flat().map((metric) => metric.name))) {
      const merged = AggregatorRegistry.aggregate(snapshots.map((s) => s.filter((metric) => metric.name === name)));
      parts.push(await merged.getSingleMetricAsString(name));
      await yieldIfLong();
    }
  }
  return `${parts.join('\n\n')}\n`;
}
