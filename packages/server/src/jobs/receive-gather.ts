import { performance } from 'node:perf_hooks';
import type { Job } from '../ports/job-queue.js';
import type { LoopWakeups } from './loop-wakeups.js';

/**
 * Jobs whose receives are spaced out at a moderate rate, so that the jobs of several writes share one receive, one
 * run of their processors and one transaction of each of their writes (see ReceiveGather). Below `below` of them a
 * receive; at `below` and more a backlog is ReceivePace's business.
 */
export interface GatherWindow {
  /** The jobs (names) whose receive opens a window (a post's fan-out). */
  jobs: readonly string[];
  /** A receive that brought at least one and fewer than this many of them opens the window. */
  below: number;
  /** The pool's next receive comes no sooner than this long (ms) after such a receive began. */
  ms: number;
  /**
   * Past `ms`, the receive waits up to this long (ms) for the next ready signal: a write that queues jobs signals
   * inside its own transaction, and a receive sent then rides in that transaction (SubmitOptions.rides on SQLite)
   * instead of one of its own.
   */
  rideMs: number;
  /**
   * Jobs the receive after a window takes at most (instead of the pool's batchSize): what a window gathers is taken
   * in one receive, not in a full batch and a second receive of its own.
   */
  max: number;
}

/**
 * At 200 posts/s a post's four jobs (fan-out, search index, notification, link card) were received as each post
 * committed, run, and written in one bulk transaction and one interactive one (the notification) a post: three of
 * the writer's transactions a post with the post's own, each writing its pages to the WAL. With a window of 10 ms the
 * jobs of two or three posts share the receive, the fan-out's `deliverSmall`, the `indexMany` and the
 * `applyChanges` and their COMMITs (docs/benchmarks.md, issue 19 `s14-post`). The price: a post reaches its
 * followers' feeds up to `ms + rideMs` later at such rates. A post alone after a lull is received at once.
 */
export const POST_JOBS_GATHER: GatherWindow = {
  jobs: ['fanout.plan'],
  below: 32,
  ms: 10,
  rideMs: 5,
  max: 16,
};

/**
 * The pool-wide window (one for all its loops): after a receive that brought a few of the window's jobs, the next
 * receive waits for the window to pass and then for the next signal (at most `rideMs`). One loop waits for it; the
 * others sleep until signalled as if nothing were ready.
 */
export class ReceiveGather {
  /** performance.now() before which no loop receives; 0: no window open. */
  private until = 0;
  private waiting = false;

  constructor(private readonly window: GatherWindow) {}

  /** After a receive that began at `receivedAt`: opens the window when it brought a few of the window's jobs. */
  received(jobs: readonly Job[], receivedAt: number): void {
    let gathered = 0;
    for (const job of jobs) if (this.window.jobs.includes(job.name)) gathered += 1;
    if (gathered >= this.window.below) this.until = 0;
    else if (gathered > 0) this.until = receivedAt + this.window.ms;
  }

  /**
   * Resolves once this loop may receive: 'now' when no window is open, 'gathered' after one (receive up to `max`),
   * 'elsewhere' when another loop already waits for the window (this one should sleep until signalled). Signals do
   * not end the window, stop() does.
   */
  async wait(wakeups: LoopWakeups): Promise<'now' | 'gathered' | 'elsewhere'> {
    const left = this.until - performance.now();
    if (left <= 0) return 'now';
    if (this.waiting) return 'elsewhere';
    this.waiting = true;
    try {
      await wakeups.sleep(left, null);
      // Woken ahead of the loops sleeping for signals: the receive is sent inside the signalling write's transaction.
      await wakeups.sleep(this.window.rideMs, wakeups.current, true);
    } finally {
      this.waiting = false;
    }
    return 'gathered';
  }

  /** Whether a window is open: the loop that received last waits for it (rather than lingering for a signal). */
  get open(): boolean {
    return this.until > performance.now();
  }

  get max(): number {
    return this.window.max;
  }
}
