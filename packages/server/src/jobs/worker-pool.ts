import { performance } from 'node:perf_hooks';
import type { Job, JobQueue, ReceiveOptions } from '../ports/job-queue.js';
import { DeferredAcks } from './deferred-acks.js';
import { nextTurn } from './event-loop-turns.js';
import { LoopWakeups } from './loop-wakeups.js';
import { HeldJobs, jobFields } from './held-jobs.js';
import type { BatchOutcome, JobProcessor } from './processor.js';
import { ProcessorRegistry, type BatchProcessor } from './processor-registry.js';
import { waves } from './waves.js';

export type { JobMetrics, JobOutcome, LoggerLike, ReceivePace, WorkerPoolOptions } from './worker-pool-options.js';
import type { JobOutcome, WorkerPoolOptions } from './worker-pool-options.js';

const DRAIN_CHECK_MS = 10;
/**
 * Jobs a loop gathers from back-to-back receives while every one comes back full of jobs that run together: a
 * backlog of small fan-outs then runs up to 2,048 at a time, with one ack and one turn of the loop for all of them
 * (measured: 128 took a quarter less CPU a post than 32; 256, whose ~86 fan-outs go to the store in one call, another
 * 8-15% less than 128 in process, the feed pages of twice the posts written to the WAL once). 2,048 holds what a
 * paced receive finds (FANOUT_PACE: ~200 ms of posts, ~500 posts and ~1,000-1,500 jobs at 2,500 posts/s). The processor
 * bounds how long each of its writes holds the writer (see FanoutPlanProcessor's chunks).
 */
export const GATHER_JOBS = 2048;

/**
 * After running what it received, a loop that left no jobs behind waits up to this long (ms) for the next ready signal
 * before its next receive, which carries its acks: at a moderate rate (200 posts/s: one every 5 ms) the acks of a
 * post's jobs then ride on the receive that takes the next post's jobs, instead of on a receive right after them that
 * finds nothing (a transaction of the writer a post). A done job stays in flight this much longer at most.
 */
export const ACK_LINGER_MS = 20;

/** Runs queued jobs with the processor registered for each job's name, retrying and dead-lettering through the queue. */
export class WorkerPool {
  private readonly processors: ProcessorRegistry;
  private running = false;
  private loops: Promise<void>[] = [];
  private wakeups = new LoopWakeups();
  /** performance.now() before which no loop receives (WorkerPoolOptions.pace); 0: none. */
  private pacedUntil = 0;
  /** The receive of the one loop that takes a paced backlog at the pace's end; the other loops wait for it. */
  private pacedReceive: { done: Promise<void>; end: () => void } | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly queue: JobQueue,
    processors: readonly JobProcessor[] | ProcessorRegistry,
    private readonly options: WorkerPoolOptions,
  ) {
    for (const [key, value] of Object.entries({
      concurrency: options.concurrency,
      batchSize: options.batchSize,
      visibilityMs: options.visibilityMs,
      pollMs: options.pollMs,
    })) {
      if (!Number.isInteger(value) || value < 1)
        throw new RangeError(`${key} must be a positive integer, got ${value}`);
    }
    this.processors = processors instanceof ProcessorRegistry ? processors : new ProcessorRegistry(processors);
  }

  /** Starts `concurrency` receive loops (for each of the queue's queues, when it keeps several). */
  start(): void {
    if (this.running) throw new Error('worker pool already started');
    this.running = true;
    this.wakeups = new LoopWakeups();
    const wakeups = this.wakeups;
    this.unsubscribe = this.queue.onReady?.(() => wakeups.signal()) ?? null;
    const lanes: readonly (string | undefined)[] = this.queue.queues ?? [undefined];
    this.loops = lanes.flatMap((lane) => Array.from({ length: this.options.concurrency }, () => this.loop(lane)));
    this.options.logger.info(
      { concurrency: this.options.concurrency, jobs: this.processors.names },
      'worker pool started',
    );
  }

  /** Stops receiving and resolves once the jobs in progress have finished; jobs received but not started are given back. */
  async stop(): Promise<void> {
    if (!this.running) {
      await Promise.all(this.loops);
      return;
    }
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wakeups.stop();
    await Promise.all(this.loops);
    this.options.logger.info({}, 'worker pool stopped');
  }

  /** Resolves when the queue holds no ready, in-flight or delayed jobs; rejects after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const stats = await this.queue.stats();
      const pending = stats.ready + stats.inFlight + stats.delayed;
      if (pending === 0) return;
      if (performance.now() >= deadline) {
        throw new Error(
          `queue not drained after ${timeoutMs} ms: ${stats.ready} ready, ${stats.inFlight} in flight, ${stats.delayed} delayed`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
    }
  }

  private async loop(lane: string | undefined): Promise<void> {
    // Without a ready signal, the receive itself waits (long polling), so an empty answer needs no sleep after it.
    const longPoll = this.queue.onReady === undefined;
    // One job's visibility, not the batch's: HeldJobs renews the leases while the loop holds the jobs.
    const receiveOptions = {
      max: this.options.batchSize,
      visibilityMs: this.options.visibilityMs,
      ...(lane === undefined ? {} : { queue: lane }),
      ...(longPoll ? { waitMs: this.options.pollMs } : {}),
    };
    const { visibilityMs, logger, metrics } = this.options;
    const lingerMs = Math.min(this.options.ackLingerMs ?? ACK_LINGER_MS, this.options.pollMs);
    const acks = new DeferredAcks(this.queue, Math.max(1, Math.floor(visibilityMs / 3)), logger, metrics);
    const wakeups = this.wakeups;
    while (this.running) {
      // Unpaced (no backlog, as at 200 posts/s), the receive is sent as before, with no await in between.
      const leads =
        this.pacedUntil > performance.now() || this.pacedReceive !== null ? await this.waitForPace() : false;
      const generation = wakeups.current;
      try {
        const receivedAt = performance.now();
        let jobs: Job[];
        try {
          jobs = await wakeups.receiving(this.receiveGathered(receiveOptions, acks));
          this.pace(jobs, receivedAt);
        } finally {
          if (leads) this.endPacedReceive();
        }
        if (jobs.length === 0) {
          // A signal during the receive ends this sleep at once: its jobs may have committed after the receive read.
          if (!longPoll) await wakeups.sleep(this.options.pollMs, generation);
          continue;
        }
        // More may be ready than this loop took (a full batch, or a signal during its receive): the next loop looks.
        if (jobs.length >= receiveOptions.max || wakeups.signalledSince(generation)) wakeups.wakeOne();
        const held = new HeldJobs(this.queue, jobs, receivedAt, this.options.visibilityMs, this.options.logger);
        try {
          await this.runHeld(jobs, held, acks);
        } finally {
          // Jobs not started (the pool is stopping, or a job threw past its handling) go back to the queue now.
          await held.close();
        }
        // Nothing was left behind and no signal came: a receive now would most likely find nothing. Wait for the
        // next signal (woken ahead of the loops that hold no acks) or the linger, whichever comes first.
        if (!longPoll && acks.holding && jobs.length < receiveOptions.max && !wakeups.signalledSince(generation)) {
          await wakeups.sleep(lingerMs, generation, true);
        }
      } catch (err) {
        this.options.logger.error({ err }, 'worker loop failed; pausing before the next receive');
        await wakeups.sleep(this.options.pollMs, null);
      }
    }
    await acks.flush();
  }

  /**
   * Runs received jobs until they are done or the pool stops (the jobs in progress are finished, the others are left
   * to HeldJobs to give back). The batches (many small fan-outs in one call) and the single jobs start together, in
   * waves of up to WAVE_JOBS of different names (jobs of one name still run one after another, as before: the pages
   * of one fan-out, whose finish is told apart by the time of its write): their writes reach the SQLite writer in the same turn of the event loop and share one
   * transaction, where one job after another cost a transaction each (at 200 posts/s a post's fan-out, search index
   * and notifications were three of the writer's ~4 bulk transactions a post). Jobs are independent (several loops
   * already run side by side), and each write still runs in a savepoint of its own, so one that fails fails alone.
   */
  private async runHeld(jobs: readonly Job[], held: HeldJobs, acks: DeferredAcks): Promise<void> {
    const { groups, single } = this.processors.batches(jobs);
    const tasks: { name: string; run: () => Promise<void> }[] = [
      ...groups.map((group) => ({
        name: group.jobs[0]?.name ?? '',
        run: async () => {
          const started = await held.start(group.jobs);
          if (started.length > 0) await this.runBatch(group.processor, started, acks);
          // Jobs whose ack waits for the next receive keep their lease renewed until this batch is let go of.
          if (!acks.enabled) held.finish(started);
        },
      })),
      ...single.map((job) => ({
        name: job.name,
        run: async () => {
          if ((await held.start([job])).length === 0) return;
          await this.run(job, acks);
          if (!acks.enabled) held.finish([job]);
        },
      })),
    ];
    for (const wave of waves(tasks)) {
      // Let pending I/O (HTTP requests, on the main-thread layout) run between waves: SQLite calls are synchronous.
      await nextTurn();
      if (!this.running) return;
      if (acks.overdue) await acks.flush();
      await Promise.all(wave.map((task) => task.run()));
    }
  }

  /**
   * Receives once, then again (without waiting) while each receive came back full and at least half of its jobs
   * run together, up to GATHER_JOBS. Each receive keeps its own visibility; the gathered jobs all start at once.
   * A receive after the first asks for all the room left: on SQLite each receive is a transaction of the writer
   * (measured: gathering 128 jobs 8 at a time made receives half of the writer's commits under sustained posting);
   * a queue that answers fewer at most (SQS: 10) counts as full when it gives its batch.
   */
  private async receiveGathered(options: ReceiveOptions, acks: DeferredAcks): Promise<Job[]> {
    // The acks of the jobs run since the last receive ride on this one (one write on SQLite).
    const jobs = await acks.receive(options);
    const again = { ...options, waitMs: undefined };
    for (let last = jobs, full = options.max; this.gathers(last, full) && jobs.length < GATHER_JOBS;) {
      const room = GATHER_JOBS - jobs.length;
      full = Math.min(options.max, room);
      last = await this.queue.receive({ ...again, max: room });
      jobs.push(...last);
    }
    return jobs;
  }

  /**
   * Waits while the pool is paced (a paced backlog builds up until then: signals do not end this sleep, stop() does),
   * and while another loop takes the backlog at a pace's end. Answers whether this loop takes it: the first loop
   * awake after a pace receives alone, and the others look again once its receive has been paced (or not). Were every
   * loop to receive at a pace's end, the backlog would be split between them, each part's fan-outs in a store call and
   * a COMMIT of its own (under sustained posting: one of ~400 posts and one of ~3, the second loop's first receive).
   */
  private async waitForPace(): Promise<boolean> {
    let slept = false;
    while (this.running) {
      const paced = this.pacedUntil - performance.now();
      if (paced > 0) {
        await this.wakeups.sleep(paced, null);
        slept = true;
      } else if (this.pacedReceive !== null) {
        // Another loop took the backlog: this one leads only if that receive paced the pool again and it sleeps anew.
        await this.pacedReceive.done;
        slept = false;
      } else {
        if (!slept) return false;
        let end = (): void => {};
        const done = new Promise<void>((resolve) => (end = resolve));
        this.pacedReceive = { done, end };
        return true;
      }
    }
    return false;
  }

  private endPacedReceive(): void {
    const taking = this.pacedReceive;
    this.pacedReceive = null;
    taking?.end();
  }

  /** Holds the pool's next receive back when this one brought a backlog of paced jobs (WorkerPoolOptions.pace). */
  private pace(jobs: readonly Job[], receivedAt: number): void {
    const { pace } = this.options;
    if (pace === undefined || jobs.length < pace.atLeast) return;
    let paced = 0;
    for (const job of jobs) if (pace.jobs.includes(job.name)) paced += 1;
    if (paced >= pace.atLeast) this.pacedUntil = Math.max(this.pacedUntil, receivedAt + pace.everyMs);
  }

  // Full, and mostly jobs that run together: each post also queues jobs that run on their own (its search index,
  // its notifications), which must not stop a backlog of fan-outs from being gathered.
  private gathers(received: readonly Job[], max: number): boolean {
    if (received.length < max) return false;
    return this.processors.batches(received).single.length * 2 <= received.length;
  }

  private async run(job: Job, acks: DeferredAcks): Promise<void> {
    const started = performance.now();
    try {
      await this.processors.perform(job);
    } catch (err) {
      await this.failed(job, err, started);
      return;
    }
    acks.add([{ job, seconds: (performance.now() - started) / 1000 }]);
    if (!acks.enabled) await acks.flush();
  }

  /**
   * Runs jobs their processor takes together, then acks the done ones at once (one write on SQLite) and fails the
   * others one by one. Each job's duration is its share of the batch's.
   */
  private async runBatch(processor: BatchProcessor, jobs: readonly Job[], acks: DeferredAcks): Promise<void> {
    const started = performance.now();
    let outcomes: readonly BatchOutcome[];
    try {
      outcomes = await processor.performBatch(jobs);
    } catch (err) {
      outcomes = jobs.map(() => ({ ok: false, error: err }));
    }
    const share = (performance.now() - started) / jobs.length;
    const done = jobs.filter((_, i) => outcomes[i]?.ok === true);
    acks.add(done.map((job) => ({ job, seconds: share / 1000 })));
    // A queue that cannot ack with its next receive acks them now (a failed ack: they come back after their lease).
    if (!acks.enabled) await acks.flush();
    for (const [i, job] of jobs.entries()) {
      const outcome = outcomes[i] ?? { ok: false, error: new Error('the batch gave this job no outcome') };
      if (!outcome.ok) await this.failed(job, outcome.error, performance.now() - share);
    }
  }

  /** Fails the attempt (retry or dead letter), logs it and counts it. */
  private async failed(job: Job, error: unknown, started: number): Promise<void> {
    let outcome: JobOutcome;
    try {
      outcome = await this.queue.fail(job, errorMessage(error));
    } catch (err) {
      // The job stays in flight and comes back after its visibility timeout.
      this.options.logger.error({ job: jobFields(job), err }, 'could not fail the job');
      return;
    }
    const fields = { job: jobFields(job), err: error };
    if (outcome === 'dead') this.options.logger.error(fields, 'job failed for the last time; dead-lettered');
    else this.options.logger.warn(fields, 'job failed; will retry');
    this.options.metrics?.onJob(job.name, outcome, (performance.now() - started) / 1000);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
