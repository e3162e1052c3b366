import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { JobQueue } from './ports/job-queue.js';
import { renderMetrics } from './metrics-render.js';

/** What one registry holds, as `registry.getMetricsAsJSON()` gives it (and as it crosses a thread boundary). */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/** The metrics the job processors and the worker pool observe (also kept by a job thread of its own). */
export interface JobMetrics {
  registry: Registry;
  jobDuration: Histogram<'name' | 'outcome'>;
  fanoutLag: Histogram;
  feedDeliveries: Counter;
  /** Feed entries the feed.trim job removed past FEED_MAX_ENTRIES. */
  feedTrimmed: Counter;
  /** Rows the expiry sweep removed, by kind (session, idempotency_key). */
  expiredRemoved: Counter<'kind'>;
  /** card.fetch jobs by outcome: `fetched`, `cached` (fresh in the cache) or a CardFetchFailure reason. */
  cardFetches: Counter<'outcome'>;
  /** From a status being posted to its link card being ready (jobs that fetched or found it). */
  cardReady: Histogram;
  /** Chunks of account deletions done, by step (account.delete). */
  deletionChunks: Counter<'step'>;
  /** Rows the search reindex (search.reindex) read, by kind (statuses, people). */
  reindexRows: Counter<'kind'>;
  /** SQLite: how long writes waited for their group to start, by priority (interactive, bulk). */
  writerWait: Histogram<'priority'>;
  /** SQLite: how long the writer's groups ran, by kind (interactive: holds a post or the like; bulk: fan-out only). */
  writerGroup: Histogram<'kind'>;
  /** SQLite: how long the COMMIT of each group took (its dirty pages written to the WAL), by kind. */
  writerCommit: Histogram<'kind'>;
  /** SQLite: the writer's own WAL checkpoint step between groups (wal-restart.ts). */
  writerWalRestart: Histogram;
  /** SQLite: requests (round trips) to the writer, by the store or queue method that sent them. */
  writerRequests: Counter<'write'>;
}

/** Prometheus metrics of one server process (served at /metrics). */
export interface Metrics extends JobMetrics {
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** SQLite with a job thread: a write sent to the writer's thread until its answer is back here (hop, wait, group). */
  writeRoundTrip: Histogram;
  /** The round trip less the writer thread's part: both message hops and that thread's event loop being busy. */
  writeHop: Histogram;
  /**
   * Adds metrics kept elsewhere in this process (a job thread's registry), merged into every scrape with
   * prom-client's AggregatorRegistry (series of the same name and labels are summed). Returns a remover.
   */
  addSource(source: () => Promise<MetricsSnapshot>): () => void;
  /** The text exposition of this registry merged with every source's. */
  expose(): Promise<string>;
}

/** Creates a registry with request latency, job, queue depth and fan-out lag metrics. */
export function createMetrics(queue: JobQueue): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'tweeter_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const writeRoundTrip = new Histogram({
    name: 'tweeter_write_round_trip_seconds',
    help: "SQLite writes sent to the writer's thread: from sending to the committed answer",
    buckets: [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  const writeHop = new Histogram({
    name: 'tweeter_write_hop_seconds',
    help: "SQLite writes sent to the writer's thread: the round trip less the time that thread held the write",
    buckets: [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  const jobs = createJobMetrics(registry);
  const states = ['ready', 'inFlight', 'delayed', 'dead'] as const;
  new Gauge({
    name: 'tweeter_queue_jobs',
    help: 'Jobs in the queue by state',
    labelNames: ['state'] as const,
    registers: [registry],
    // One read of the queue sets both gauges (prom-client's own pattern, as its event-loop lag gauges): a scrape
    // collects this one first (registered before `oldestReady`), and SQLite's stats are a transaction of several
    // counts on the HTTP thread.
    async collect() {
      const stats = await queue.stats();
      for (const s of states) this.set({ state: s }, stats[s]);
      // Left unset where the queue cannot tell (SQS publishes it to CloudWatch instead).
      if (stats.oldestReadyAgeMs !== undefined) oldestReady.set(stats.oldestReadyAgeMs / 1000);
    },
  });
  const oldestReady = new Gauge({
    name: 'tweeter_queue_oldest_ready_age_seconds',
    help: 'Age of the oldest job waiting to run (how far behind the workers are)',
    registers: [registry],
  });
  const sources = new Set<() => Promise<MetricsSnapshot>>();
  return {
    ...jobs,
    httpDuration,
    writeRoundTrip,
    writeHop,
    addSource(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
    async expose() {
      const others = await Promise.all([...sources].map((source) => source()));
      return renderMetrics(registry, others);
    },
  };
}

/** The job metrics, registered in `registry` (a job thread passes its own, merged into the main one's scrapes). */
export function createJobMetrics(registry: Registry = new Registry()): JobMetrics {
  const jobDuration = new Histogram({
    name: 'tweeter_job_duration_seconds',
    help: 'Job run time by job name and outcome',
    labelNames: ['name', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const fanoutLag = new Histogram({
    name: 'tweeter_fanout_lag_seconds',
    help: 'Time from a status being posted to its delivery into every follower feed',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const feedDeliveries = new Counter({
    name: 'tweeter_feed_entries_delivered_total',
    help: 'Feed entries written by fan-out',
    registers: [registry],
  });
  const feedTrimmed = new Counter({
    name: 'tweeter_feed_entries_trimmed_total',
    help: 'Feed entries removed by feed.trim past FEED_MAX_ENTRIES',
    registers: [registry],
  });
  const expiredRemoved = new Counter({
    name: 'tweeter_expired_rows_removed_total',
    help: 'Expired rows removed by the expiry sweep, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const cardFetches = new Counter({
    name: 'tweeter_card_fetches_total',
    help: 'Link card jobs by outcome (fetched, cached, or why the page gave no card)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const cardReady = new Histogram({
    name: 'tweeter_card_ready_seconds',
    help: 'Time from a status being posted to its link card being ready',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const deletionChunks = new Counter({
    name: 'tweeter_account_deletion_chunks_total',
    help: 'Bounded chunks of account deletions done, by step',
    labelNames: ['step'] as const,
    registers: [registry],
  });
  const reindexRows = new Counter({
    name: 'tweeter_search_reindex_rows_total',
    help: 'Rows the search reindex read and indexed, by kind (statuses, people)',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const writerBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25];
  const writer = (name: string, help: string, label: 'priority' | 'kind') =>
    new Histogram({ name, help, labelNames: [label], buckets: writerBuckets, registers: [registry] });
  return {
    registry,
    reindexRows,
    writerWait: writer('tweeter_writer_wait_seconds', 'SQLite writes: wait for their group to start', 'priority'),
    writerGroup: writer(
      'tweeter_writer_group_seconds',
      "SQLite writer: a group's transaction, BEGIN to COMMIT",
      'kind',
    ),
    writerCommit: writer('tweeter_writer_commit_seconds', "SQLite writer: a group's COMMIT alone", 'kind'),
    writerWalRestart: new Histogram({
      name: 'tweeter_writer_wal_restart_seconds',
      help: "SQLite writer: its own checkpoint step between groups (the WAL's restart), which a post can wait for",
      buckets: writerBuckets,
      registers: [registry],
    }),
    // Round trips to the writer by what they write (`queue.receive`, `deliveries.deliverSmall`...): with the groups
    // above, the steps a post or a job costs the writer.
    writerRequests: new Counter({
      name: 'tweeter_writer_requests_total',
      help: 'SQLite writer: requests (round trips) by the store or queue method that sent them',
      labelNames: ['write'] as const,
      registers: [registry],
    }),
    jobDuration,
    fanoutLag,
    feedDeliveries,
    feedTrimmed,
    expiredRemoved,
    cardFetches,
    cardReady,
    deletionChunks,
  };
}
