import { randomUUID } from 'node:crypto';
import { MessageChannel, type Worker } from 'node:worker_threads';
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
import { restartDelayMs, type RestartHistory } from './restarts.js';
import { WriterThread } from './writer-thread.js';
/** How long a metrics scrape waits for a busy thread before using the thread's previous answer. */
const METRICS_WAIT_MS = 1_000;

interface Slot {
  index: number;
  worker: Worker | null;
  started: boolean;
  /** Exited unexpectedly and not started again yet. */
  down: boolean;
  history: RestartHistory;
  restartTimer: NodeJS.Timeout | null;
  lastSnapshot: MetricsSnapshot;
  exited: Promise<void>;
}

/**
 * The job workers in a worker thread of their own (JOB_THREADS=1), beside the writer thread (writer-thread.ts), which
 * owns the SQLite file's one writer: fan-out plans, their garbage and the job work never run on the thread that
 * answers HTTP nor on the one that commits, and no two connections ever take turns at the write lock. The job thread
 * reads on a read-only connection (WAL: it never waits for the writer) and sends its writes (the queue's receives and
 * acks too) to the writer thread over a channel of their own, made here and handed to both at each start of either.
 * This thread reads the same way and sends its writes to the writer thread (`writes`). The threads start with the
 * runtime (open()), the job pool with start(). This side hands the job thread's realtime pushes to the sockets it
 * owns, merges both threads' metrics into /metrics, and restarts a thread that crashed. Each slot takes its job leases
 * under a name of its own, so the thread that replaces a crashed one first releases the jobs that one held: they run
 * again at once.
 */
export class JobThreads implements JobWorkers {
  private readonly slots: Slot[];
  /** Tells this process's lease names from those of an earlier process on the same file. */
  private readonly bootId = randomUUID();
  /** The threads should be up (open() until stop()). */
  private alive = false;
  /** Their pools should run (start() until stop()). */
  private running = false;
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
      /** This thread's way to the writer thread. */
      writes: RemoteWrites;
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
      history: { crashes: 0, startedAt: 0, restarts: 0 },
      restartTimer: null,
      lastSnapshot: [],
      exited: Promise.resolve(),
    }));
    this.writer = new WriterThread(config, {
      writes: deps.writes,
      logger: deps.logger,
      automaticCheckpoints: deps.automaticCheckpoints,
      leaseOwner: this.leaseOwner(0),
      onStarted: () => {
        for (const slot of this.slots) this.connect(slot);
      },
      onLost: () => this.broadcast({ type: 'writer-lost' }),
    });
  }

  private readonly writer: WriterThread;

  /** Starts the threads with their writer, the pools idle until start(): this thread's writes need the writer. */
  open(): void {
    if (this.alive) return;
    this.alive = true;
    this.writer.open();
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
    // Last: the job threads' last writes (acks of the jobs they finished) needed it.
    await this.writer.stop();
    this.removeSource?.();
    this.removeSource = null;
    this.deps.logger.info({}, 'job threads stopped');
  }

  drain(timeoutMs: number): Promise<void> {
    return waitUntilDrained(this.deps.queue, timeoutMs);
  }

  health(): WorkersHealth {
    const ok = this.writer.up && this.slots.every((slot) => !slot.down);
    const restarts = this.slots.reduce((sum, slot) => sum + slot.history.restarts, this.writer.restarts);
    return { layout: 'threads', ok, restarts };
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

  /** This thread's writes the writer thread holds now (sent, not answered): what its crash would fail with 503. */
  writesInHand(): number {
    return this.deps.writes.inHand;
  }

  /** Ends the writer thread at once, as a crash would (see terminate). */
  terminateWriter(): Promise<void> {
    return this.writer.terminate();
  }

  private leaseOwner(index: number): string {
    return `${this.bootId}/thread-${String(index)}`;
  }

  /** Gives the job thread of `slot` a new channel to the writer thread, if both are there. */
  private connect(slot: Slot): void {
    const worker = slot.worker;
    // Not while stopping: a job thread that has stopped would keep the port open, and never exit.
    if (!worker || !this.writer.up || !this.alive) return;
    const { port1, port2 } = new MessageChannel();
    this.writer.connect(port1);
    worker.postMessage({ type: 'writer-port', port: port2 } satisfies ToJobThread, [port2]);
  }

  private spawn(slot: Slot): void {
    const data: JobThreadData = {
      config: this.config,
      index: slot.index,
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
    this.connect(slot);
  }

  private onMessage(slot: Slot, message: FromJobThread): void {
    if (deliverRealtime(message, this.deps.realtime)) return;
    if (message.type === 'started') {
      slot.started = true;
      slot.down = false;
      slot.history.startedAt = Date.now();
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
    if (!this.alive) return;
    slot.down = true;
    const delayMs = restartDelayMs(slot.history);
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
    const answers = await Promise.all([...this.slots.map((slot) => this.ask(slot)), this.writer.snapshot()]);
    return merge([...this.retired, ...this.writer.retired, ...answers]);
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
