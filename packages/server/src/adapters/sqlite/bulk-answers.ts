import type { Request } from './writer-types.js';

/** A request of a group, with how it ended: answered once its group committed (or rolled back). */
export interface Answered {
  request: Request;
  ok: boolean;
  value: unknown;
}

export function settle(answered: readonly Answered[]): void {
  for (const { request, ok, value } of answered) {
    if (ok) request.resolve(value);
    else request.reject(value);
  }
}

/**
 * The answers of bulk-only groups, given a turn of the event loop after their COMMIT instead of at once. Why: what a
 * bulk answer resumes is job work (a fan-out's live push and mute check, a loop's acks, the next wave's start), run
 * as a chain of microtasks in the same turn as the group, so a post whose message arrived during the group waited for
 * the group AND all of that (measured at 200 posts/s: a bulk group's turn took ~2 ms of CPU, half of it after the
 * COMMIT). A turn later, the post's message has been taken: while a group of interactive requests waits, the answers
 * wait behind it too, up to `maxDeferMs` after their COMMIT (a stream of posts must not hold the jobs back for long).
 */
export class BulkAnswers {
  private pending = 0;

  constructor(
    /** Whether an interactive request waits for its group (the writer's interactive queue is not empty). */
    private readonly postWaiting: () => boolean,
    /** Told when the last deferred answer went out (the writer may be idle then). */
    private readonly drained: () => void,
    private readonly maxDeferMs: number,
    private readonly now: () => number,
  ) {}

  /** Bulk answers not given yet. */
  get size(): number {
    return this.pending;
  }

  later(answered: readonly Answered[]): void {
    if (answered.length === 0) return;
    this.pending += 1;
    const committed = this.now();
    const deliver = (): void => {
      // The group a waiting post is in was scheduled after this turn's callback: go behind it.
      if (this.postWaiting() && this.now() - committed < this.maxDeferMs) {
        setImmediate(deliver);
        return;
      }
      this.pending -= 1;
      settle(answered);
      if (this.pending === 0) this.drained();
    };
    setImmediate(deliver);
  }
}
