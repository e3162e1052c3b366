import type { MessagePort, Worker } from 'node:worker_threads';
import type { Config } from '../../config/config.js';
import type { Logger } from '../../logger.js';
import type { MetricsSnapshot } from '../../metrics.js';
import type { RemoteWrites } from '../../adapters/sqlite/remote-writes.js';
import { startEntry } from './start-entry.js';
import { restartDelayMs, type RestartHistory } from './restarts.js';
import { WRITER_THREAD_SEMI_SPACE_MB, startWithSemiSpace } from './thread-heap.js';
import type { FromWriterThread, ToWriterThread, WriterThreadData } from './writer-messages.js';

/** How long a metrics scrape waits for a busy writer before using its previous answer. */
const METRICS_WAIT_MS = 1_000;

/**
 * The SQLite file's one writer in a worker thread of its own (writer-thread-entry.ts), beside the job thread: it does
 * nothing but write (group commits, the WAL's restart step between them), so a post's write waits behind at most the
 * group in progress, never behind job work, the job thread's garbage or its fan-out plans. The main thread's writes
 * come on its parent port (`writes`), the job thread's on a channel of their own (connect()). A writer that crashed is
 * restarted; the writes it held fail (503 here, a retry for the job thread's jobs), later ones wait for the new one.
 */
export class WriterThread {
  private worker: Worker | null = null;
  private started = false;
  private alive = false;
  private readonly history: RestartHistory = { crashes: 0, startedAt: 0, restarts: 0 };
  private restartTimer: NodeJS.Timeout | null = null;
  private exited: Promise<void> = Promise.resolve();
  private lastSnapshot: MetricsSnapshot = [];
  /** The last metrics of writer threads that exited (their counts stay in the sum). */
  readonly retired: MetricsSnapshot[] = [];
  private nextRequest = 0;
  private readonly pending = new Map<number, (snapshot: MetricsSnapshot) => void>();

  constructor(
    private readonly config: Config,
    private readonly deps: {
      writes: RemoteWrites;
      logger: Logger;
      automaticCheckpoints: boolean;
      /** The job thread's lease name (its receives are this thread's writes). */
      leaseOwner: string;
      /** The writer is up (again): the job threads get a channel to it. */
      onStarted(): void;
      /** The writer exited: the job threads' writes in hand fail. */
      onLost(): void;
    },
  ) {}

  /** Up and answering (false while it starts or after a crash, its restart pending). */
  get up(): boolean {
    return this.started;
  }

  get restarts(): number {
    return this.history.restarts;
  }

  open(): void {
    if (this.alive) return;
    this.alive = true;
    this.spawn();
  }

  /** Answers what is queued, closes the database; resolves once the thread has exited. */
  async stop(): Promise<void> {
    this.alive = false;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.worker?.postMessage({ type: 'stop' } satisfies ToWriterThread);
    await this.exited;
  }

  /** Hands the writer its end of a channel to a job thread (replacing any earlier one). */
  connect(port: MessagePort): void {
    if (!this.worker || !this.started) throw new Error('the writer thread is not up');
    this.worker.postMessage({ type: 'job-port', port } satisfies ToWriterThread, [port]);
  }

  /** Ends the thread at once, as a crash would (tests of crash recovery); it is restarted like a crashed one. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  private spawn(): void {
    const data: WriterThreadData = {
      config: this.config,
      leaseOwner: this.deps.leaseOwner,
      automaticCheckpoints: this.deps.automaticCheckpoints,
    };
    const worker = startWithSemiSpace(WRITER_THREAD_SEMI_SPACE_MB, () => startEntry('writer-thread-entry', data));
    this.worker = worker;
    this.started = false;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    worker.on('message', (message: FromWriterThread) => this.onMessage(worker, message));
    worker.on('error', (err) => this.deps.logger.error({ err }, 'writer thread crashed'));
    worker.once('exit', (code) => this.onExit(worker, code));
  }

  private onMessage(worker: Worker, message: FromWriterThread): void {
    if (message.type === 'written') {
      this.deps.writes.answer(message);
    } else if (message.type === 'started') {
      this.deps.writes.attach((request) => worker.postMessage(request satisfies ToWriterThread));
      this.started = true;
      this.history.startedAt = Date.now();
      this.deps.logger.info({}, 'writer thread started');
      this.deps.onStarted();
    } else if (message.type === 'metrics') {
      this.lastSnapshot = message.snapshot;
      this.pending.get(message.id)?.(message.snapshot);
    }
  }

  private onExit(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.started = false;
    // Its writes in hand may or may not have committed: they fail (503); new ones wait for the next thread.
    this.deps.writes.detach();
    this.deps.onLost();
    if (this.lastSnapshot.length > 0) this.retired.push(this.lastSnapshot);
    this.lastSnapshot = [];
    if (!this.alive) return;
    const delayMs = restartDelayMs(this.history);
    this.deps.logger.error({ code, restartInMs: delayMs }, 'writer thread exited unexpectedly; restarting it');
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.alive) this.spawn();
    }, delayMs);
  }

  /** The writer's metrics (its previous answer when too busy to answer now). */
  snapshot(): Promise<MetricsSnapshot> {
    const worker = this.worker;
    if (!worker || !this.started) return Promise.resolve(this.lastSnapshot);
    const id = (this.nextRequest += 1);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(this.lastSnapshot), METRICS_WAIT_MS);
      const done = (snapshot: MetricsSnapshot): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(snapshot);
      };
      this.pending.set(id, done);
      worker.postMessage({ type: 'metrics', id } satisfies ToWriterThread);
    });
  }
}
