import { randomUUID } from 'node:crypto';
import { dirname, extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../../config/config.js';
import { waitUntilDrained, type JobWorkers, type WorkersHealth } from '../../jobs/job-workers.js';
import type { Logger } from '../../logger.js';
import type { Metrics, MetricsSnapshot } from '../../metrics.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Realtime } from '../../ports/realtime.js';
import { deliverRealtime, type FromJobThread, type JobThreadData, type ToJobThread } from './messages.js';

/** First restart delay after a crash; doubles with each crash in a row, up to RESTART_MAX_MS. */
const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 30_000;
/** A thread that ran this long before crashing counts as healthy again: its restart starts from the base delay. */
const STABLE_AFTER_MS = 60_000;
/** How long a metrics scrape waits for a busy thread before using the thread's previous answer. */
const METRICS_WAIT_MS = 1_000;

interface Slot {
  index: number;
  worker: Worker | null;
  started: boolean;
  /** Exited unexpectedly and not started again yet. */
  down: boolean;
  startedAt: number;
  crashes: number;
  restartTimer: NodeJS.Timeout | null;
  lastSnapshot: MetricsSnapshot;
  exited: Promise<void>;
}

/**
 * The job workers in worker threads of their own (JOB_THREADS), so fan-out writes and their garbage collection never
 * run on the thread that answers HTTP. Each thread opens its own connection to the same SQLite file (WAL: readers
 * never wait for it; writers wait at most busy_timeout) and runs a WorkerPool there. This side wakes the threads when
 * this thread commits jobs, hands their realtime pushes to the sockets it owns, merges their metrics into /metrics,
 * and restarts a thread that crashed. Each slot takes its job leases under a name of its own, so the thread that
 * replaces a crashed one first releases the jobs that one held: they run again at once.
 */
export class JobThreads implements JobWorkers {
  private readonly slots: Slot[];
  /** Tells this process's lease names from those of an earlier process on the same file. */
  private readonly bootId = randomUUID();
  private running = false;
  private restarts = 0;
  private nextRequest = 0;
  /** The last metrics of threads that exited (their counts stay in the sum). */
  private readonly retired: MetricsSnapshot[] = [];
  private readonly pending = new Map<number, (snapshot: MetricsSnapshot) => void>();
  private unsubscribe: (() => void) | null = null;
  private removeSource: (() => void) | null = null;

  constructor(
    private readonly config: Config,
    private readonly deps: { queue: JobQueue; realtime: Realtime; metrics: Metrics; logger: Logger },
  ) {
    this.slots = Array.from({ length: config.jobs.threads }, (_, index) => ({
      index,
      worker: null,
      started: false,
      down: false,
      startedAt: 0,
      crashes: 0,
      restartTimer: null,
      lastSnapshot: [],
      exited: Promise.resolve(),
    }));
  }

  /** Starts every thread; each starts its pool once its database is open. */
  start(): void {
    if (this.running) throw new Error('job threads already started');
    this.running = true;
    this.unsubscribe = this.deps.queue.onReady?.(() => this.broadcast({ type: 'ready' })) ?? null;
    this.removeSource = this.deps.metrics.addSource(() => this.snapshot());
    for (const slot of this.slots) this.spawn(slot);
    this.deps.logger.info({ threads: this.slots.length }, 'job threads starting');
  }

  /** Each thread stops its pool (finishing the jobs in hand) and closes its database; resolves when all have exited. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const slot of this.slots) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
      slot.worker?.postMessage({ type: 'stop' } satisfies ToJobThread);
    }
    await Promise.all(this.slots.map((slot) => slot.exited));
    this.removeSource?.();
    this.removeSource = null;
    this.deps.logger.info({}, 'job threads stopped');
  }

  drain(timeoutMs: number): Promise<void> {
    return waitUntilDrained(this.deps.queue, timeoutMs);
  }

  health(): WorkersHealth {
    const ok = this.slots.every((slot) => !slot.down);
    return { layout: 'threads', ok, restarts: this.restarts };
  }

  /**
   * Ends thread `index` at once, as a crash would: its jobs in hand are neither acked nor failed, and it is restarted
   * like any crashed thread. For tests of crash recovery, and for an operator's last resort.
   */
  async terminate(index: number): Promise<void> {
    const slot = this.slots[index];
    if (!slot?.worker) return;
    await slot.worker.terminate();
  }

  private spawn(slot: Slot): void {
    const data: JobThreadData = {
      config: this.config,
      index: slot.index,
      leaseOwner: `${this.bootId}/thread-${slot.index}`,
    };
    const worker = startEntry(data);
    slot.worker = worker;
    slot.started = false;
    slot.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromJobThread) => this.onMessage(slot, message));
    worker.on('error', (err) => this.deps.logger.error({ err, thread: slot.index }, 'job thread crashed'));
    worker.once('exit', (code) => this.onExit(slot, worker, code));
  }

  private onMessage(slot: Slot, message: FromJobThread): void {
    if (deliverRealtime(message, this.deps.realtime)) return;
    if (message.type === 'started') {
      slot.started = true;
      slot.down = false;
      slot.startedAt = Date.now();
      this.deps.logger.info({ thread: slot.index }, 'job thread started');
    } else if (message.type === 'metrics') {
      slot.lastSnapshot = message.snapshot;
      this.pending.get(message.id)?.(message.snapshot);
    }
  }

  private onExit(slot: Slot, worker: Worker, code: number): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.started = false;
    // Counters must not go back when a thread is replaced: what the old one counted stays in the scrape.
    if (slot.lastSnapshot.length > 0) this.retired.push(slot.lastSnapshot);
    slot.lastSnapshot = [];
    if (!this.running) return;
    slot.down = true;
    if (slot.startedAt > 0 && Date.now() - slot.startedAt >= STABLE_AFTER_MS) slot.crashes = 0;
    slot.startedAt = 0;
    const delayMs = Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** slot.crashes);
    slot.crashes += 1;
    this.restarts += 1;
    this.deps.logger.error(
      { thread: slot.index, code, restartInMs: delayMs },
      'job thread exited unexpectedly; restarting it (its jobs in hand are released when it starts)',
    );
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = null;
      if (this.running) this.spawn(slot);
    }, delayMs);
  }

  private broadcast(message: ToJobThread): void {
    for (const slot of this.slots) slot.worker?.postMessage(message);
  }

  /** Every thread's job metrics (the previous answer of a thread too busy to answer now), and retired threads'. */
  private async snapshot(): Promise<MetricsSnapshot> {
    const answers = await Promise.all(this.slots.map((slot) => this.ask(slot)));
    return merge([...this.retired, ...answers]);
  }

  private ask(slot: Slot): Promise<MetricsSnapshot> {
    const worker = slot.worker;
    if (!worker || !slot.started) return Promise.resolve(slot.lastSnapshot);
    const id = (this.nextRequest += 1);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(slot.lastSnapshot), METRICS_WAIT_MS);
      const done = (snapshot: MetricsSnapshot): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(snapshot);
      };
      this.pending.set(id, done);
      worker.postMessage({ type: 'metrics', id } satisfies ToJobThread);
    });
  }
}

/** Sums snapshots of the same metrics (prom-client's cluster aggregation). */
async function merge(snapshots: MetricsSnapshot[]): Promise<MetricsSnapshot> {
  const present = snapshots.filter((snapshot) => snapshot.length > 0);
  if (present.length <= 1) return present[0] ?? [];
  return AggregatorRegistry.aggregate(present).getMetricsAsJSON();
}

/**
 * Starts the thread's entry module beside this one: the built `.js`, or, when this module runs from its TypeScript
 * source (vitest, tsx), the `.ts` through tsx's loader, registered in the thread first (Node 20 does not apply a
 * worker's `--import` hooks to its entry module).
 */
function startEntry(workerData: JobThreadData): Worker {
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./job-thread-entry${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, { workerData });
  // The ES module build of tsx's API (what `import('tsx/esm/api')` loads): its register() installs the loader hooks.
  const tsxDir = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
