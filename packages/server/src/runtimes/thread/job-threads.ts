import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from '../../config/config.js';
import { waitUntilDrained, type JobWorkers, type WorkersHealth } from '../../jobs/job-workers.js';
import type { Logger } from '../../logger.js';
import type { Metrics, MetricsSnapshot } from '../../metrics.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Realtime } from '../../ports/realtime.js';
import type { RemoteWrites } from '../../adapters/sqlite/remote-writes.js';
import type { Presence } from '../../adapters/ws/presence.js';
import { startEntry } from './start-entry.js';
import { JOB_THREAD_SEMI_SPACE_MB, startWithSemiSpace } from './thread-heap.js';
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
 * The job workers in a worker thread of their own (JOB_THREADS=1), which also owns the SQLite file's one writer
 * (adapters/sqlite/writer.ts): fan-out writes, their group commits and their garbage collection never run on the
 * thread that answers HTTP, and no two connections ever take turns at the write lock. This thread reads on a
 * read-only connection (WAL: it never waits for the writer) and sends its writes to the job thread (`writes`), which
 * answers each once its group committed. The thread starts with the runtime (open()), its pool with start(). This
 * side hands the thread's realtime pushes to the sockets it owns, merges its metrics into /metrics, and restarts a
 * thread that crashed; writes it held fail with 503 (their outcome unknown), later ones wait for the new thread. Each
 * slot takes its job leases under a name of its own, so the thread that replaces a crashed one first releases the
 * jobs that one held: they run again at once.
 */
export class JobThreads implements JobWorkers {
  private readonly slots: Slot[];
  /** Tells this process's lease names from those of an earlier process on the same file. */
  private readonly bootId = randomUUID();
  /** The threads should be up (open() until stop()). */
  private alive = false;
  /** Their pools should run (start() until stop()). */
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
    private readonly deps: {
      queue: JobQueue;
      realtime: Realtime;
      metrics: Metrics;
      logger: Logger;
      /** This thread's way to the writer the job thread owns (null when this side writes for itself). */
      writes: RemoteWrites | null;
      /** false when this process's checkpoint thread checkpoints the WAL. */
      automaticCheckpoints: boolean;
      /** Who is connected to this thread's sockets, shared with the job threads (their Realtime's `reaches`). */
      presence?: Presence;
    },
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

  /** Starts the threads with their writer, the pools idle until start(): this thread's writes need the writer. */
  open(): void {
    if (this.alive) return;
    this.alive = true;
    for (const slot of this.slots) this.spawn(slot);
  }

  /** Starts every thread's pool (opening the threads first if needed). */
  start(): void {
    if (this.running) throw new Error('job threads already started');
    this.open();
    this.running = true;
    this.unsubscribe = this.deps.queue.onReady?.(() => this.broadcast({ type: 'ready' })) ?? null;
    this.removeSource = this.deps.metrics.addSource(() => this.snapshot());
    this.broadcast({ type: 'start' });
    this.deps.logger.info({ threads: this.slots.length }, 'job threads starting');
  }

  /** Each thread stops its pool (finishing the jobs in hand) and closes its database; resolves when all have exited. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.alive = false;
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
      automaticCheckpoints: this.deps.automaticCheckpoints,
      startPool: this.running,
      ...(this.deps.presence && { presence: this.deps.presence.buffer }),
    };
    const worker = startWithSemiSpace(JOB_THREAD_SEMI_SPACE_MB, () => startEntry('job-thread-entry', data));
    slot.worker = worker;
    slot.started = false;
    slot.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromJobThread) => this.onMessage(slot, message));
    worker.on('error', (err) => this.deps.logger.error({ err, thread: slot.index }, 'job thread crashed'));
    worker.once('exit', (code) => this.onExit(slot, worker, code));
  }

  private onMessage(slot: Slot, message: FromJobThread): void {
    if (deliverRealtime(message, this.deps.realtime)) return;
    if (message.type === 'written') {
      this.deps.writes?.answer(message);
    } else if (message.type === 'started') {
      const worker = slot.worker;
      if (worker) this.deps.writes?.attach((request) => worker.postMessage(request));
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
    // Its writes in hand may or may not have committed: they fail (503); new ones wait for the next thread.
    this.deps.writes?.detach();
    // Counters must not go back when a thread is replaced: what the old one counted stays in the scrape.
    if (slot.lastSnapshot.length > 0) this.retired.push(slot.lastSnapshot);
    slot.lastSnapshot = [];
    if (!this.alive) return;
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
      if (this.alive) this.spawn(slot);
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
