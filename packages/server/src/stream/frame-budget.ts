/** What a client frame costs against the connection's frame rate. */
export type RateVerdict = 'ok' | 'limited' | 'exceeded';

/**
 * Token bucket: `rate` frames per second with bursts of `burst`. A frame over the limit still costs a token, so
 * the balance goes into debt; a client that keeps sending while in debt (down to -burst) is `exceeded` and gets
 * closed, while one that backs off recovers at `rate` per second. Two numbers: idle connections stay cheap.
 */
export class FrameBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(burst: number, now: number) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  take(now: number, rate: number, burst: number): RateVerdict {
    // Never negative: a wall clock may step back.
    this.tokens = Math.min(burst, this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 'ok';
    return this.tokens <= -burst ? 'exceeded' : 'limited';
  }
}
