import type { Clock } from '../ports/clock.js';

/**
 * Counts failed logins per key (alias, client address) in fixed windows. In-process state:
 * each server (or Lambda instance) limits on its own, which bounds guessing per instance.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxFailures: number,
    private readonly windowMs: number,
  ) {}

  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfter(key: string): number {
    const w = this.current(key);
    if (!w || w.failures < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.clock.now()) / 1000));
  }

  fail(key: string): void {
    const w = this.current(key);
    if (w) w.failures++;
    else this.windows.set(key, { start: this.clock.now(), failures: 1 });
    if (this.windows.size > 100_000) this.sweep();
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private current(key: string): { start: number; failures: number } | undefined {
    const w = this.windows.get(key);
    if (w && this.clock.now() - w.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(key);
  }
}
