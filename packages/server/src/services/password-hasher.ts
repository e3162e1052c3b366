import { UnavailableError } from '../domain/errors.js';
import { hashPassword, verifyPassword, type ScryptParams } from '../domain/passwords.js';

export interface HashLimits {
  /** Hashes computed at once (each holds a libuv thread and 128 MiB at the default cost). */
  concurrency: number;
  /** Hashes allowed to wait for a free slot; beyond this, callers get 503 at once. */
  queue: number;
}

// A waiting caller is answered within a second or two at the default cost: tell rejected ones to retry then.
const RETRY_AFTER_SECONDS = 1;

/**
 * Password hashing behind a small semaphore. scrypt runs on libuv's thread pool (4 threads by default), which
 * file system work shares: without a bound, a burst of registrations or logins queues there unboundedly and
 * everything else that needs a thread stalls. Beyond `concurrency + queue`, callers get 503 + Retry-After.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly params: ScryptParams,
    private readonly limits: HashLimits,
  ) {}

  /** A new scrypt hash of `password` (503 when too many hashes are already running or waiting). */
  hash(password: string): Promise<string> {
    return this.run(() => hashPassword(password, this.params));
  }

  /** Whether `password` matches `stored` (503 when too many hashes are already running or waiting). */
  verify(password: string, stored: string): Promise<boolean> {
    return this.run(() => verifyPassword(password, stored));
  }

  /** Hashes running now and waiting, for metrics and tests. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` in a hashing slot (or waits for one); 503 when every slot and the queue are taken. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limits.concurrency) {
      if (this.waiting.length >= this.limits.queue) {
        throw new UnavailableError(
          `too many sign-ins and registrations at once: try again in ${RETRY_AFTER_SECONDS} s`,
          RETRY_AFTER_SECONDS,
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
