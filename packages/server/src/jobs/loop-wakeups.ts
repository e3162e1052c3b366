/**
 * When a worker pool's receive loops sleep and which one a "jobs may be ready" signal wakes. One sleeping loop
 * receives per signal, and none while a loop is receiving (it sees the signal: it looks again when it found nothing,
 * and wakes the next loop when it found jobs): waking every loop made all but one send a receive that found nothing,
 * a write transaction each on SQLite. A loop that may have left jobs behind (a full batch) wakes the next too.
 */
export class LoopWakeups {
  /** Sleeping loops; each answers whether the wake-up ended its sleep. */
  private readonly sleepers = new Set<() => boolean>();
  /** Sleeping loops woken before the others: they hold acks that ride on their next receive. */
  private readonly first = new Set<() => boolean>();
  private generation = 0;
  /** Loops waiting for a receive's answer. */
  private inReceive = 0;
  private running = true;

  /** Taken before a receive: a signal that lands during it must not be slept through. */
  get current(): number {
    return this.generation;
  }

  /** Whether a signal came since `generation` was taken. */
  signalledSince(generation: number): boolean {
    return generation !== this.generation;
  }

  /** Counts `receive` as in flight while it runs (a signal then wakes no sleeper: the receiver handles it). */
  async receiving<T>(receive: Promise<T>): Promise<T> {
    this.inReceive += 1;
    try {
      return await receive;
    } finally {
      this.inReceive -= 1;
    }
  }

  /** Jobs may be ready. */
  signal(): void {
    this.generation += 1;
    if (this.inReceive === 0) this.wakeOne();
  }

  /** Ends every sleep, now and later (the pool is stopping). */
  stop(): void {
    this.running = false;
    for (const sleeper of [...this.first, ...this.sleepers]) sleeper();
  }

  /** Wakes one loop sleeping for signals, if any. */
  wakeOne(): void {
    for (const sleeper of this.first) if (sleeper()) return;
    for (const sleeper of this.sleepers) if (sleeper()) return;
  }

  /**
   * Sleeps up to `ms`; a signal since `generation` (when given) or stop() ends it early. `first`: a signal wakes this
   * loop before those sleeping without it.
   */
  sleep(ms: number, generation: number | null, first = false): Promise<void> {
    if (!this.running) return Promise.resolve();
    if (generation !== null && generation !== this.generation) return Promise.resolve();
    const sleepers = first ? this.first : this.sleepers;
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sleepers.delete(onWake);
        resolve();
      };
      const onWake = (): boolean => {
        if (generation === null && this.running) return false;
        done();
        return true;
      };
      const timer = setTimeout(done, ms);
      sleepers.add(onWake);
    });
  }
}
