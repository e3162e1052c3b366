import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScenarioResult } from '../src/result.js';
import { runBench } from './support.js';

// Each scenario end to end at tiny sizes against a real child server: the JSON has the documented fields and
// nothing failed. No timing is asserted: these runs check the machinery, not the speed.

const out = mkdtempSync(join(tmpdir(), 'tweeter-bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function run(scenario: string, args: string[]): Promise<ScenarioResult> {
  const file = join(out, `${scenario}.json`);
  const res = await runBench([scenario, ...args, '--json', file]);
  expect(res.stderr.match(/error.*/gi)?.filter((l) => !/^errors? /.test(l)) ?? []).toEqual([]);
  expect(res.status).toBe(0);
  expect(res.stdout).toMatch(new RegExp(`^${scenario} \\(`));
  const result = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
  expect(result.scenario).toBe(scenario);
  expect(result.machine).toMatchObject({ cpus: expect.any(Number), node: process.version });
  expect(result.results.errors).toBe(0);
  expect(result.results.rss_mb_peak).toBeGreaterThan(0);
  return result;
}

const percentiles = (...keys: string[]) => Object.fromEntries(keys.map((k) => [k, expect.any(Number)]));

describe('tweeter bench', () => {
  it('fanout: post and delivery times, feed reads during the fan-out, every sampled feed has the status', async () => {
    const { results, params } = await run('fanout', [
      ...['--followers', '50', '--posts', '2', '--readers', '2', '--verify', '5', '--spacing-ms', '0'],
      ...['--watch-visible', '1'],
    ]);
    expect(params).toMatchObject({ followers: 50, posts: 2 });
    expect(results.post_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max'));
    expect(results.fanout_ms).toEqual(percentiles('p50', 'p99', 'max'));
    expect(results.feed_ms).toEqual(percentiles('p50', 'p95', 'p99'));
    expect(results.feed_rps).toBeGreaterThan(0);
    expect(results).toMatchObject({ feeds_checked: 10, feeds_missing: 0 });
    // Pushed to every follower: 50 rows per post, counted on the database; the watcher saw both posts.
    expect(results).toMatchObject({ feed_rows_per_post: 50, feed_rows_counted_from: 'database' });
    expect(results.visible_ms).toEqual({ p50: expect.any(Number), max: expect.any(Number), count: 2 });
    // The server's threads from /proc: the HTTP thread ran (CPU) and its run-queue wait is a figure (any value).
    const cpu = results.server_thread_cpu_ms_per_post as Record<string, number>;
    expect(cpu.main).toBeGreaterThan(0);
    expect((results.server_thread_wait_ms_per_post as Record<string, number>).main).toBeGreaterThanOrEqual(0);
  });

  it("export: one account's document streamed, every status in it, the server memory before and during", async () => {
    const { results, params } = await run('export', ['--statuses', '1200', '--runs', '2']);
    expect(params).toMatchObject({ statuses: 1200, runs: 2 });
    expect(results.export_mb).toBeGreaterThan(0);
    expect(results.export_mb_per_s).toBeGreaterThan(0);
    expect(results.rss_mb_before).toBeGreaterThan(0);
  });

  it('feed: latency and requests/s of closed-loop readers', async () => {
    const { results } = await run('feed', ['--users', '30', '--readers', '3', '--duration', '1', '--warmup', '0']);
    expect(results.feed_ms).toEqual(percentiles('p50', 'p95', 'p99'));
    expect(results.feed_rps).toBeGreaterThan(0);
    expect(results.feed_page_items).toBe(20);
    // The server's GC over the run, from its /metrics (any value: a short run may see no pause over 10 ms).
    expect(results.server_gc_ms_per_s).toBeGreaterThanOrEqual(0);
    expect(results.server_gc_pauses_over_10ms).toBeGreaterThanOrEqual(0);
    // The server's own histogram counted every page the readers got, and at most each reader's last one besides
    // (answered after the run's end); its HTTP thread's CPU a page from /proc.
    const got = (results.feed_latency_ms as Record<string, number>).count ?? 0;
    const counted = (results.server_side_ms as Record<string, number>).count;
    expect(counted).toBeGreaterThanOrEqual(got);
    expect(counted).toBeLessThanOrEqual(got + 3);
    expect((results.server_thread_cpu_us_per_req as Record<string, number>).main).toBeGreaterThan(0);
  });

  it('feed, open loop: the paced thread sends every request due and reports how late it sent them', async () => {
    const { results } = await run('feed', [
      '--users',
      '30',
      '--readers',
      '3',
      '--duration',
      '1',
      '--warmup',
      '0',
      '--rate',
      '200',
    ]);
    // 200 requests/s for 1 s from the paced thread (the last one due at the very end): each answered, with its page.
    const got = (results.feed_latency_ms as Record<string, number>).count ?? 0;
    expect(got).toBeGreaterThanOrEqual(200);
    expect(got).toBeLessThanOrEqual(201);
    expect(results.errors).toBe(0);
    expect(results.bench_send_late_ms).toMatchObject({ count: got, p99: expect.any(Number) });
    // The same pages from when each left the sender: never longer than from its due time.
    const fromSend = results.feed_from_send_ms as Record<string, number>;
    expect(fromSend).toMatchObject({ count: got, p99: expect.any(Number) });
    expect(fromSend.max).toBeLessThanOrEqual((results.feed_latency_ms as Record<string, number>).max ?? 0);
    expect(results.bench_sender_loop_delay_ms).toEqual(percentiles('p99', 'max'));
    expect(results.bench_sender_gc).toEqual(percentiles('pauses', 'maxMs', 'totalMs', 'allocatedMb'));
    // What the sender's heap took a request: counted (a load-independent figure of its garbage).
    expect(results.bench_sender_alloc_bytes_per_req).toEqual(expect.any(Number));
  });

  it('post: latency of paced posters and the fan-out backlog drained afterwards', async () => {
    const { results } = await run('post', [
      '--users',
      '30',
      '--writers',
      '3',
      '--duration',
      '1',
      '--rate',
      '30',
      '--warmup',
      '0',
    ]);
    expect(results.post_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max'));
    expect(results.fanout_backlog_drain_s).toBeGreaterThanOrEqual(0);
    // Sent from the paced thread: latency from send beside the due-time one, the sender's lateness and GC.
    expect(results.post_from_send_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max', 'count'));
    expect(results.bench_send_late_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max', 'count'));
    expect(results.bench_sender_gc).toEqual(percentiles('pauses', 'maxMs', 'totalMs', 'allocatedMb'));
  });

  it('post --warmup: the warm-up posts are sent and drained but not recorded', async () => {
    const args = ['--users', '30', '--writers', '3', '--duration', '1', '--rate', '30', '--warmup', '1'];
    const { params, results } = await run('post', args);
    expect(params).toMatchObject({ warmupS: 1, durationS: 1 });
    // 30 posts/s for 1 s each: 30 due (31 when the last falls on the end), every one answered 201.
    expect(results.warmup_posts).toBeGreaterThanOrEqual(30);
    expect(results.warmup_posts).toBeLessThanOrEqual(31);
    const recorded = (results.post_latency_ms as Record<string, number>).count;
    expect(recorded).toBeGreaterThanOrEqual(30);
    expect(recorded).toBeLessThanOrEqual(31);
    expect((results.post_from_send_ms as Record<string, number>).count).toBe(recorded);
    expect(results.fanout_backlog_drain_s).toBeGreaterThanOrEqual(0);
  });

  it('sustained: posts accepted, feed rows fanned out, the backlog drained and each last status delivered', async () => {
    const { results, params } = await run('sustained', ['--users', '30', '--writers', '2', '--duration', '1']);
    expect(params).toMatchObject({ writers: 2, durationS: 1, followeesEach: 20 });
    expect(results.post_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max'));
    expect(results.posts_per_s).toBeGreaterThan(0);
    expect(results.fanout_rows).toBeGreaterThan(0);
    expect(results.fanout_rows_per_s).toBeGreaterThan(0);
    expect(results.drain_s).toBeGreaterThanOrEqual(0);
    expect(results).toMatchObject({ deliveries_checked: 2, feed_rows_counted_from: 'database' });
    // 30 users following 20 others each: an author has between 0 and 29 followers, so rows per post lie there.
    expect(results.fanout_rows_per_post).toBeGreaterThan(0);
    expect(results.fanout_rows_per_post).toBeLessThanOrEqual(29);
  });

  it('writer: CPU per post and per feed row in process, for each gather and chunk size in turn', async () => {
    const args = ['--posts', '200', '--users', '30', '--authors', '2', '--rounds', '1', '--shapes', '256/128,128/32'];
    const { results } = await run('writer', args);
    for (const chunk of ['gather_256_chunk_128', 'gather_128_chunk_32']) {
      expect(results[chunk]).toMatchObject({ cpu_us_per_post: expect.any(Number), groups: expect.any(Number) });
      expect((results[chunk] as Record<string, number>).cpu_us_per_row).toBeGreaterThan(0);
    }
  });

  it('mix: feed, story, post and follow latencies side by side', async () => {
    const { results } = await run('mix', ['--users', '30', '--connections', '4', '--duration', '1']);
    expect(results.feed_ms).toEqual(percentiles('p50', 'p95', 'p99'));
    expect(results.post_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max'));
    expect(results.feed_rps).toBeGreaterThan(0);
    expect(results.share_pct).toEqual(percentiles('feed', 'story', 'post', 'follow'));
  });

  it('ws: a board message to live subscribers, and memory per idle connection', async () => {
    const { results, params } = await run('ws', ['--subscribers', '20', '--messages', '2']);
    expect(params).toMatchObject({ subscribers: 20, messages: 2, via: 'board' });
    expect(results.delivery_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max'));
    expect(results.subscribers).toBe(20);
    expect(results.idle_conn_kb).toEqual(expect.any(Number));
    // The server's side of the measured broadcasts: time writing them, and their span (which includes the writes).
    expect(results.server_write_ms_per_broadcast).toBeGreaterThan(0);
    expect(results.server_span_ms_per_broadcast).toBeGreaterThanOrEqual(Number(results.server_write_ms_per_broadcast));
    // CPU per broadcast from /proc (10 ms ticks, so a tiny run may read 0): the main thread is part of its process.
    expect(results.server_cpu_ms_per_broadcast).toEqual(expect.any(Number));
    expect(results.receivers_cpu_ms_per_broadcast).toEqual(expect.any(Number));
    expect(results.server_cpu_ms_per_broadcast).toBeGreaterThanOrEqual(
      Number(results.server_main_thread_cpu_ms_per_broadcast),
    );
  });

  it('thread-context: a thread of replies built through the API, its context read and timed', async () => {
    const { results, params } = await run('thread-context', ['--replies', '30', '--repliers', '3', '--reads', '20']);
    expect(params).toMatchObject({ replies: 30, repliers: 3, reads: 20 });
    expect(results).toMatchObject({ descendants: 30, errors: 0, budget_p99_ms: 20 });
    expect(results).toMatchObject(percentiles('context_p50_ms', 'context_p99_ms', 'context_max_ms'));
  });

  it("block: the blocked account leaves my feed, then the purge removes both feeds' entries", async () => {
    const { results, params } = await run('block', ['--entries', '30']);
    expect(params).toMatchObject({ entries: 30 });
    expect(results).toMatchObject({ feed_rows_removed: 60, errors: 0 });
    expect(results.block_feed_clear_ms).toBeGreaterThan(0);
    expect(results.block_purge_ms).toBeGreaterThanOrEqual(results.block_feed_clear_ms as number);
  });

  it('repost: time until every follower feed holds each repost, a post timed alike, every sampled feed shows it', async () => {
    const r = await run('repost', ['--followers', '40', '--reposts', '2', '--verify', '3']);
    expect(r.results).toMatchObject({ errors: 0, verified_missing: 0 });
    expect(Number((r.results.repost_every_feed_ms as { p50: number }).p50)).toBeGreaterThan(0);
    expect(Number(r.results.post_every_feed_ms_p50)).toBeGreaterThan(0);
  });

  it('feed-mix: the feed page with reposts and quotes against plain statuses, and their shares of the page', async () => {
    const r = await run('feed-mix', [
      '--users',
      '60',
      '--readers',
      '4',
      '--duration',
      '2',
      '--cycles',
      '2',
      '--rate',
      '20',
    ]);
    expect(r.results).toMatchObject({ errors: 0 });
    // Both kinds read in alternated phases, pooled: the server CPU per page of each beside the latencies.
    expect(Number(r.results.plain_server_cpu_ms_per_page)).toBeGreaterThan(0);
    expect(Number(r.results.mix_server_cpu_ms_per_page)).toBeGreaterThan(0);
    expect(Number((r.results.mix_feed_ms as { count: number }).count)).toBeGreaterThan(0);
    expect(Number(r.results.mix_page_repost_share)).toBeGreaterThan(0.1);
    expect(Number(r.results.mix_page_quote_share)).toBeGreaterThan(0.05);
    expect(Number(r.results.mix_over_plain_p99)).toBeGreaterThan(0);
  });

  it('cards: post latency with and without links, every link fetched once and every sampled card ready', async () => {
    const { results } = await run('cards', [
      ...['--users', '30', '--writers', '3', '--duration', '1', '--rate', '20'],
      ...['--site-delay-ms', '20', '--samples', '3'],
    ]);
    expect(results.post_plain_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max', 'count'));
    expect(results.post_with_links_ms).toEqual(percentiles('p50', 'p95', 'p99', 'max', 'count'));
    expect(results.card_ready_ms).toMatchObject({ count: 3 });
    expect(results.cards_missing).toBe(0);
    // Each posted link is a new page: fetched once each (the posts of the linked phase, and the samples).
    const linked = (results.post_with_links_ms as Record<string, number>).count ?? 0;
    expect(results.pages_fetched).toBe(linked + 3);
  });

  it('crash: each SIGKILL and restart on the same DATA_DIR, with every acknowledged post delivered once', async () => {
    const file = join(out, 'crash.json');
    const res = await runBench([
      ...['crash', '--users', '30', '--writers', '3', '--followees-each', '5'],
      ...['--runs', '2', '--kill-after', '1', '--deadline', '60', '--json', file],
    ]);
    expect(res.status).toBe(0);
    const { results, params } = JSON.parse(readFileSync(file, 'utf8')) as ScenarioResult;
    expect(params).toMatchObject({ runs: 2, writers: 3, killAfterS: 1 });
    expect(results).toMatchObject({ lost: 0, duplicated: 0, errors: 0 });
    expect(results.posts_acknowledged).toBeGreaterThan(0);
    for (const run of ['run_1', 'run_2']) {
      expect(results[run]).toMatchObject({ lost: 0, duplicated: 0, recoveryS: expect.any(Number) });
    }
    expect(results.recovery_s_max).toBeGreaterThanOrEqual(0);
  });

  it.each([
    [['crash', '--url', 'http://127.0.0.1:9'], /--url cannot be used/],
    [['fanout', '--followers', '0'], /--followers must be a whole number/],
    [['feed', '--url', 'http://127.0.0.1:9'], /--url http:\/\/127\.0\.0\.1:9 is not reachable/],
    [['post', '--writers'], /argument missing/],
    [['sustained', '--duration', '0'], /--duration must be a whole number from 1 to 3600/],
    [['fanout', '--watch-visible', '2'], /--watch-visible must be a whole number from 0 to 1/],
    [['mix', '--bogus'], /unknown option '--bogus'/],
    [['writer', '--shapes', '64,x'], /--shapes: gather\/chunk pairs separated by commas/],
    [['ws', '--via', 'pigeon'], /--via must be board or feed/],
    [['nope'], /unknown command 'nope'/],
  ])('refuses %j with one line on stderr and exit 2, writing nothing', async (args, message) => {
    const file = join(out, 'refused.json');
    const res = await runBench([args[0] ?? '', '--json', file, ...args.slice(1)]);
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(file)).toBe(false);
  });
});
