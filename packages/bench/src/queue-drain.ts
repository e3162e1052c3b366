import { performance } from 'node:perf_hooks';
import type { ApiClient } from './api-client.js';
import { metricValue } from './metrics-sampler.js';
import { round2 } from './percentiles.js';
import { sleep } from './setup.js';

/** Jobs still to run in /metrics exposition text: ready, running, and waiting for a retry (delayed). */
export function pendingJobs(metricsText: string): number | undefined {
  let sum = 0;
  for (const state of ['ready', 'inFlight', 'delayed']) {
    const value = metricValue(metricsText, `tweeter_queue_jobs\\{state="${state}"\\}`);
    if (value === undefined) return undefined;
    sum += value;
  }
  return sum;
}

/** A status whose delivery must be `done` before the backlog counts as drained, and a token that may read it. */
export interface WatchedDelivery {
  token: string;
  id: string;
}

export interface DrainResult {
  /** Seconds from `since` until the queue was empty and every watched delivery done (or until giving up). */
  seconds: number;
  drained: boolean;
  /** Watched deliveries not done when giving up (0 when drained). */
  unfinished: number;
}

/**
 * Waits until the server's queue holds no job to run (from /metrics `tweeter_queue_jobs`) and every watched
 * delivery reads `done`: an empty queue alone could hide a delivery whose last job is being retried elsewhere.
 */
export async function awaitDrained(
  baseUrl: string,
  timeoutMs: number,
  watch: { api: ApiClient; deliveries: readonly WatchedDelivery[] } | null = null,
  since = performance.now(),
): Promise<DrainResult> {
  const started = since;
  let waiting = watch?.deliveries ?? [];
  const elapsed = (): number => round2((performance.now() - started) / 1000);
  while (performance.now() - started < timeoutMs) {
    try {
      const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
      if (pendingJobs(text) === 0) {
        if (watch) waiting = await notDone(watch.api, waiting);
        if (waiting.length === 0) return { seconds: elapsed(), drained: true, unfinished: 0 };
      }
    } catch {
      // an overloaded server: look again
    }
    await sleep(100);
  }
  if (watch) waiting = await notDone(watch.api, waiting).catch(() => waiting);
  return { seconds: elapsed(), drained: false, unfinished: Math.max(1, waiting.length) };
}

async function notDone(api: ApiClient, deliveries: readonly WatchedDelivery[]): Promise<WatchedDelivery[]> {
  const states = await Promise.all(deliveries.map((d) => api.delivery(d.token, d.id)));
  return deliveries.filter((_d, i) => states[i]?.value.state !== 'done');
}
