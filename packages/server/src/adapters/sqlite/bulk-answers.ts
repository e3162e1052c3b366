import { Fifo } from './fifo.js';
import type { Request } from './writer-types.js';

/** A committed request's outcome, not yet given to its caller. */
export interface Answer {
  request: Request;
  ok: boolean;
  value: unknown;
}

/**
 * Bulk requests' answers, settled one a turn of the event loop (the writer's, see SqliteWriter.start). Why: settling
 * an answer runs, in the same turn, every microtask it resumes: a job's after-write step, its ack, its worker loop's
 * next step up to its next write. All of a bulk group's answers at once made one turn of ~1 ms (up to several) after
 * the COMMIT, and a post whose message arrived meanwhile waited for the whole of it. One a turn, the post's message
 * is taken between two of them, and the writer runs its group before the next (interactive requests go first).
 */
export class BulkAnswers {
  private readonly pending = new Fifo<Answer>();

  get size(): number {
    return this.pending.size;
  }

  add(answer: Answer): void {
    this.pending.push(answer);
  }

  /** Settles the oldest answer (its continuations run in this turn's microtasks); false when none is pending. */
  settleOne(onFailed: () => void): boolean {
    const answer = this.pending.take();
    if (answer === undefined) return false;
    settle(answer, onFailed);
    return true;
  }
}

/** Resolves or rejects the request with its outcome (`onFailed` counts a rejection). */
export function settle({ request, ok, value }: Answer, onFailed: () => void): void {
  if (ok) request.resolve(value);
  else {
    onFailed();
    request.reject(value);
  }
}
