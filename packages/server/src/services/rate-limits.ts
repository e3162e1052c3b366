import { RateLimitedError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';

/** A budget: at most `limit` units per fixed window of `windowMs`. */
export interface Budget {
  limit: number;
  windowMs: number;
}

/** The count of one key in its current window. */
export interface WindowCount {
  count: number;
  /** When the window ends (ms since the epoch). */
  resetAt: number;
}

/**
 * Where counters live. In-memory for the embedded shape (one process sees every request); the AWS shape
 * runs many Lambda instances, so it needs a shared store (e.g. a DynamoDB item per key and window with an
 * atomic ADD) or its limits hold per instance only.
 */
export interface CounterStore {
  /** Adds `delta` (may be negative; the count never goes below 0) to `key`'s count in the current window. */
  add(key: string, delta: number, budget: Budget, now: number): WindowCount;
  /** `key`'s count in the current window, without changing it. */
  peek(key: string, budget: Budget, now: number): WindowCount;
}

/** Fixed windows in a Map, swept when it grows past `maxKeys` (so a flood of keys cannot grow it forever). */
export class MemoryCounterStore implements CounterStore {
  private readonly windows = new Map<string, WindowCount>();

  constructor(private readonly maxKeys = 100_000) {}

  add(key: string, delta: number, budget: Budget, now: number): WindowCount {
    const current = this.peek(key, budget, now);
    const next = { count: Math.max(0, current.count + delta), resetAt: current.resetAt };
    this.windows.set(key, next);
    if (this.windows.size > this.maxKeys) this.sweep(now);
    return next;
  }

  peek(key: string, budget: Budget, now: number): WindowCount {
    const w = this.windows.get(key);
    if (w && w.resetAt > now) return w;
    if (w) this.windows.delete(key);
    return { count: 0, resetAt: now + budget.windowMs };
  }

  private sweep(now: number): void {
    for (const [key, w] of this.windows) if (w.resetAt <= now) this.windows.delete(key);
  }
}

/** Takes units from budgets kept in a CounterStore; over a budget it throws a RateLimitedError with its quota. */
export class RateLimiter {
  constructor(
    private readonly clock: Clock,
    private readonly counters: CounterStore = new MemoryCounterStore(),
  ) {}

  /**
   * Counts one unit against `budget` for `key`; throws RateLimitedError (429, Retry-After, RateLimit-*) when
   * the budget is spent. A refused call is not counted, so a client that waits as told gets through.
   */
  take(key: string, budget: Budget, what: string): void {
    const now = this.clock.now();
    const before = this.counters.peek(key, budget, now);
    if (before.count >= budget.limit) throw rateLimited(what, budget, before, now);
    this.counters.add(key, 1, budget, now);
  }

  /** Adds `delta` units to `key` (negative gives units back). */
  add(key: string, budget: Budget, delta: number): WindowCount {
    return this.counters.add(key, delta, budget, this.clock.now());
  }
}

/** The 429 for a spent budget: `what: try again in N s`, with Retry-After and the RateLimit-* quota. */
export function rateLimited(what: string, budget: Budget, w: WindowCount, now: number): RateLimitedError {
  const wait = Math.max(1, Math.ceil((w.resetAt - now) / 1000));
  return new RateLimitedError(`${what}: try again in ${wait} s`, wait, {
    limit: budget.limit,
    remaining: 0,
    resetSeconds: wait,
    windowSeconds: Math.ceil(budget.windowMs / 1000),
  });
}
