import { performance } from 'node:perf_hooks';
import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '@tweeter/shared';
import { AppError, UnavailableError } from '../../domain/errors.js';
import type { WriteRoute, WriteTarget } from './write-routing.js';

/** A write sent to the writer's thread. */
export interface WriteRequest {
  type: 'write';
  id: number;
  target: WriteTarget;
  method: string;
  args: unknown[];
}

/** What the writer's thread answers once the write's transaction committed (or the write failed). */
export type WriteAnswer = (
  | {
      type: 'written';
      id: number;
      ok: true;
      value: unknown;
      /** `value[key]` was the write's own argument `arg` and is not sent back (`echoedArgument`). */
      echo?: { key: string; arg: number };
    }
  | { type: 'written'; id: number; ok: false; error: SentError }
) & {
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

/**
 * Writes whose answer holds one of their own arguments as a property, unchanged: `statuses.create` answers the status
 * it was given when it created it (it neither copies nor changes it). A write named here may never change that
 * argument, since the HTTP thread gets back the one it sent.
 */
const ECHOING: ReadonlySet<string> = new Set(['statuses.create']);

/**
 * A write's answer as sent: for an `ECHOING` write whose value holds one of its arguments as a property (the object
 * itself, one level down), that property is left out and named, and the HTTP thread puts back the argument it sent.
 * A post's answer was mostly its status cloned back across threads (docs/benchmarks.md, `s17-sustained`).
 */
function answerValue(
  target: string,
  method: string,
  value: unknown,
  args: readonly unknown[],
): { value: unknown; echo?: { key: string; arg: number } } {
  if (!ECHOING.has(`${target}.${method}`)) return { value };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { value };
  for (const [key, part] of Object.entries(value)) {
    if (typeof part !== 'object' || part === null) continue;
    const arg = args.indexOf(part);
    if (arg < 0) continue;
    const rest: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    delete rest[key];
    return { value: rest, echo: { key, arg } };
  }
  return { value };
}

/** The answer the writer's thread posts for a write that succeeded with `value` (`answerValue` applied). */
export function writtenAnswer(request: WriteRequest, value: unknown, heldMs?: number): WriteAnswer {
  return {
    type: 'written',
    id: request.id,
    ok: true,
    ...answerValue(request.target, request.method, value, request.args),
    ...(heldMs === undefined ? {} : { heldMs }),
  };
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
 * connection (the job thread) and answered when committed. Writes made while that thread is (re)starting wait for it.
 * When it dies, the writes it held fail with 503: their transaction may or may not have committed (a post carries an
 * Idempotency-Key for the retry).
 */
export class RemoteWrites {
  private send: ((request: WriteRequest) => void) | null = null;
  private unsent: WriteRequest[] = [];
  private readonly pending = new Map<
    number,
    { at: number; args: unknown[]; resolve(value: unknown): void; reject(error: Error): void }
  >();
  private readonly sent = new Set<number>();
  private nextId = 0;
  private closed = false;
  /**
   * Told each answered write's round trip in seconds and the part of it the writer's thread held the write (the
   * rest: the two message hops and the writer thread's event loop being busy when the request arrived).
   */
  onAnswered: ((seconds: number, heldSeconds: number | undefined) => void) | null = null;

  readonly route: WriteRoute = (target, method, args) => this.call(target, method, args);

  private call(target: WriteTarget, method: string, args: unknown[]): Promise<unknown> {
    if (this.closed) return Promise.reject(new UnavailableError('the server is stopping', RETRY_AFTER_SECONDS));
    const request: WriteRequest = { type: 'write', id: (this.nextId += 1), target, method, args };
    return new Promise((resolve, reject) => {
      this.pending.set(request.id, { at: performance.now(), args, resolve, reject });
      if (this.send) this.post(request);
      else this.unsent.push(request);
    });
  }

  private post(request: WriteRequest): void {
    this.sent.add(request.id);
    this.send?.(request);
  }

  /** The writer's thread is up: writes go to it from now on, those that waited first. */
  attach(send: (request: WriteRequest) => void): void {
    this.send = send;
    for (const request of this.unsent.splice(0)) this.post(request);
  }

  /** The writer's thread exited: what it held fails (outcome unknown); new writes wait for the next one. */
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

  answer(message: WriteAnswer): void {
    const waiter = this.pending.get(message.id);
    if (!waiter) return;
    this.pending.delete(message.id);
    this.sent.delete(message.id);
    const held = message.heldMs === undefined ? undefined : message.heldMs / 1000;
    this.onAnswered?.((performance.now() - waiter.at) / 1000, held);
    if (message.ok && message.echo !== undefined) {
      const { key, arg } = message.echo;
      waiter.resolve({ ...(message.value as Record<string, unknown>), [key]: waiter.args[arg] });
    } else if (message.ok) waiter.resolve(message.value);
    else waiter.reject(receivedError(message.error));
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
