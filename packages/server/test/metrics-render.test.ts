import { setImmediate as nextTurn } from 'node:timers/promises';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { renderMetrics } from '../src/metrics-render.js';

/** A registry like the server's: default metrics, a histogram with many label sets, a counter threads share. */
function serverLike(): { registry: Registry; delivered: Counter } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: 'test_http_seconds',
    help: 'latency',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  for (let r = 0; r < 200; r += 1) latency.observe({ route: `/r${r}`, status: '200' }, 0.002);
  const delivered = new Counter({ name: 'test_delivered_total', help: 'delivered', registers: [registry] });
  return { registry, delivered };
}

describe('renderMetrics', () => {
  it('gives the same series as prom-client renders, with no other thread', async () => {
    const { registry, delivered } = serverLike();
    delivered.inc(3);
    const ours = await renderMetrics(registry, []);
    const theirs = await registry.metrics();
    // Process and event-loop values (and nodejs_active_resources' label sets) move between two renders: compare
    // every metric's HELP and TYPE, and this test's series exactly.
    const lines = (text: string): string[] =>
      text
        .split('\n')
        .filter((line) => line.startsWith('#') || line.startsWith('test_'))
        .sort();
    expect(lines(ours)).toEqual(lines(theirs));
    expect(lines(ours).length).toBeGreaterThan(200);
    expect(ours).toContain('test_delivered_total 3\n');
    expect(ours.endsWith('\n')).toBe(true);
  });

  it("sums a metric another thread keeps too, and passes this registry's others through", async () => {
    const { registry, delivered } = serverLike();
    delivered.inc(2);
    const thread = new Registry();
    new Counter({ name: 'test_delivered_total', help: 'delivered', registers: [thread] }).inc(5);
    new Counter({ name: 'test_thread_only_total', help: 'only there', registers: [thread] }).inc(1);
    const text = await renderMetrics(registry, [await thread.getMetricsAsJSON()]);
    expect(text).toContain('test_delivered_total 7\n');
    expect(text).toContain('test_thread_only_total 1\n');
    expect(text).toMatch(/^process_start_time_seconds \d+/m);
    expect(text.match(/^# TYPE test_delivered_total /gm)).toHaveLength(1);
  });

  it("gives exactly prom-client's aggregation of the metrics other threads keep, in its order", async () => {
    const own = new Registry();
    const threads = [new Registry(), new Registry()];
    const histogram = (registry: Registry): Histogram<'kind'> =>
      new Histogram({ name: 'test_wait_seconds', help: 'wait', labelNames: ['kind'], registers: [registry] });
    const counter = (registry: Registry, name: string): Counter<'step'> =>
      new Counter({ name, help: name, labelNames: ['step'], registers: [registry] });
    histogram(own).observe({ kind: 'bulk' }, 0.01);
    counter(own, 'test_steps_total');
    // Unlabelled, never observed here (this thread's copies of the job metrics), observed by the threads.
    const plain = (registry: Registry): Histogram =>
      new Histogram({ name: 'test_lag_seconds', help: 'lag', buckets: [0.1, 1], registers: [registry] });
    const total = (registry: Registry): Counter =>
      new Counter({ name: 'test_plain_total', help: 'plain', registers: [registry] });
    const average = (registry: Registry): Gauge =>
      new Gauge({ name: 'test_average', help: 'averaged', aggregator: 'average', registers: [registry] });
    plain(own);
    total(own);
    average(own);
    new Counter({ name: 'test_here_only_total', help: 'zero, labelled elsewhere', registers: [own] });
    threads.forEach((thread, i) => {
      histogram(thread).observe({ kind: i === 0 ? 'bulk' : 'interactive' }, 0.002 * (i + 1));
      counter(thread, 'test_steps_total').inc({ step: `s${String(i)}` }, i + 1);
      counter(thread, `test_only_thread${String(i)}_total`).inc({ step: 'x' });
      plain(thread).observe(0.5 * i);
      total(thread).inc(i);
      average(thread).set(4 + i);
      counter(thread, 'test_here_only_total').inc({ step: 'y' });
    });
    const others = await Promise.all(threads.map((thread) => thread.getMetricsAsJSON()));
    const ours = await renderMetrics(own, others);
    const theirs = await AggregatorRegistry.aggregate([await own.getMetricsAsJSON(), ...others]).metrics();
    expect(ours).toBe(theirs);
    expect(ours).toContain('test_wait_seconds_count{kind="bulk"} 2\n');
  });

  it('lets other callbacks run while it renders a large registry', async () => {
    const { registry } = serverLike();
    let turns = 0;
    let rendering = true;
    const rendered = renderMetrics(registry, []).finally(() => (rendering = false));
    // A callback queued behind the render: with one synchronous render it would only run after it.
    while (rendering) {
      await nextTurn();
      if (rendering) turns += 1;
    }
    await rendered;
    expect(turns).toBeGreaterThan(0);
  });
});
