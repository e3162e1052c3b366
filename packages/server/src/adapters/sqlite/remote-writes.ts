import { performance } from 'node:perf_hooks';
import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '@tweeter/shared';
import { AppError, UnavailableError } from '../../domain/errors.js';
import type { WriteRoute, WriteTarget } from './write-routing.js';

/** A write sent to the writer's thread (in a batch: every write this thread made in one turn of its event loop). */
export interface WriteRequest {
  id: number;
  target: WriteTarget;
  method: string;
  args: unknown[];
}

/** What the writer's thread answers once the write's transaction committed (or the write failed). */
export type WriteAnswer = ({ id: number; ok: true; value: unknown } | { id: number; ok: false; error: SentError }) & {
  /** How long the writer's thread held the write (ms, from its message being handled to the answer): its wait and group. */
  heldMs?: number;
};

/** An error as it crosses threads (structured clone keeps neither classes nor extra fields of errors reliably). */
export interface SentError {
  name: string;
  message: string;
  /** AppError's code, or SQLite's (SQLITE_BUSY...). */
  code?: string;
  details?: ErrorDetail[];
  retryAfterSeconds?: number;
}

/** How long a client is told to wait when the writer's thread died holding its write. */
const RETRY_AFTER_SECONDS = 1;

export function sendError(err: unknown): SentError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const sent: SentError = { name: err.name, message: err.message };
  const { code, details, retryAfterSeconds } = err as {
    code?: unknown;
    details?: unknown;
    retryAfterSeconds?: unknown;
  };
  if (typeof code === 'string') sent.code = code;
  if (Array.isArray(details)) sent.details = details as ErrorDetail[];
  if (typeof retryAfterSeconds === 'number') sent.retryAfterSeconds = retryAfterSeconds;
  return sent;
}

function receivedError(sent: SentError): Error {
  if (sent.name === 'UnavailableError') return new UnavailableError(sent.message, sent.retryAfterSeconds ?? 1);
  if (sent.code !== undefined && Object.hasOwn(ERROR_STATUS, sent.code)) {
    const err = new AppError(sent.code as ErrorCode, sent.message, sent.details);
    err.name = sent.name;
    return err;
  }
  const err = new Error(sent.message) as Error & { code?: string };
  err.name = sent.name;
  if (sent.code !== undefined) err.code = sent.code;
  return err;
}

/**
 * The HTTP thread's end of the single writer: its store's writes are sent to the thread that owns the write
 * connection (the job thread) and answered when committed. The writes made in one turn of the event loop go in one
 * message, sent at the turn's end (`setImmediate`): one wake-up of the writer's thread and one message to read there
 * for a turn of likes, not one each. Writes made while that thread is (re)starting wait for it. When it dies, the
 * writes it held fail with 503: their transaction may or may not have committed (a post carries an Idempotency-Key
 * for the retry); those not sent yet wait for the next thread.
 */
export class RemoteWrites {
  private send: ((requests: WriteRequest[]) => void) | null = null;
  /** Made and not sent yet: this turn's writes, or all of them while no writer's thread is up. */
  private unsent: WriteRequest[] = [];
  private flushScheduled = false;
  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };
  private readonly pending = new Map<
    number,
    { at: number; resolve(value: unknown): void; reject(error: Error): void }
  >();
  private readonly sent = new Set<number>();
  private nextId = 0;
  private closed = false;
  /**
   * Told each answered write's round trip in seconds and the part of it the writer's thread held the write (the
   * rest: the wait for the turn's end, the two message hops and the writer thread's event loop being busy when the
   * request arrived).
   */
  onAnswered: ((seconds: number, heldSeconds: number | undefined) => void) | null = null;

  readonly route: WriteRoute = (target, method, args) => this.call(target, method, args);

  private call(target: WriteTarget, method: string, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new UnavailableError('the server is stopping', RETRY_AFTER_SECONDS));
    const request: WriteRequest = { id: (this.nextId += 1), target, method, args };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { at: performance.now(), resolve, reject });
      this.unsent.push(request);
      if (this.send && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flushLater);
      }
    });
  }

  /**
   * Sends the writes made so far, now, as one message (if a writer's thread is up). The owner of the channel calls
   * it before a message of its own, so that writes made before that message reach the thread before it.
   */
  flush(): void {
    const send = this.send;
    if (!send || this.unsent.length === 0) return;
    const batch = this.unsent;
    this.unsent = [];
    for (const request of batch) this.sent.add(request.id);
    try {
      send(batch);
    } catch {
      // A write whose arguments cannot cross threads (a bug in its caller) fails alone, not the turn's others.
      for (const request of batch) {
        try {
          send([request]);
        } catch (err) {
          this.sent.delete(request.id);
          this.pending.get(request.id)?.reject(err instanceof Error ? err : new Error(String(err)));
          this.pending.delete(request.id);
        }
      }
    }
  }

  /** The writer's thread is up: writes go to it from now on, those that waited first. */
  attach(send: (requests: WriteRequest[]) => void): void {
    this.send = send;
    this.flush();
  }

  /** The writer's thread exited: what it held fails (outcome unknown); new and unsent writes wait for the next one. */
  detach(): void {
    this.send = null;
    for (const id of this.sent) {
      this.pending
        .get(id)
        ?.reject(new UnavailableError('the writer restarted while holding this write; retry it', RETRY_AFTER_SECONDS));
      this.pending.delete(id);
    }
    this.sent.clear();
  }

  /** The writer's answers, in the order it gave them (a group commit's come in one message). */
  answer(answers: readonly WriteAnswer[]): void {
    for (const message of answers) {
      const waiter = this.pending.get(message.id);
      if (!waiter) continue;
      this.pending.delete(message.id);
      this.sent.delete(message.id);
      const held = message.heldMs === undefined ? undefined : message.heldMs / 1000;
      this.onAnswered?.((performance.now() - waiter.at) / 1000, held);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(receivedError(message.error));
    }
  }

  /** No writer from now on: whatever waits fails. */
  close(): void {
    this.detach();
    this.closed = true;
    for (const request of this.unsent.splice(0)) {
      this.pending.get(request.id)?.reject(new UnavailableError('the server is stopping', RETRY_AFTER_SECONDS));
      this.pending.delete(request.id);
    }
  }
}
