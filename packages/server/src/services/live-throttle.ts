import { LRUCache } from 'lru-cache';
import { performance } from 'node:perf_hooks';

/**
 * The push window of a long-running process (the server and its job threads): a burst on one status (1,000 likes a
 * second) sends at most about 25 pushes a second of its counts and of its author's notification group, not one per
 * like, and a change made during a push's window waits at most this long, well within the 100 ms budget from a
 * like to its frame. 0 where nothing may run after a request or a batch (a Lambda invocation is frozen once it
 * returns).
 */
export const LIVE_PUSH_WINDOW_MS = 40;

interface Slot {
  at: number;
  pending: (() => void) | null;
  timer: NodeJS.Timeout | null;
}

/**
 * Sends at most one push per key (e.g. a status's counts) per window, the newest: the first in a quiet window at
 * once, later ones replacing each other until the window ends. Keys quiet for two windows are forgotten (at most
 * `max` kept; a key forgotten early only sends sooner).
 */
export class LiveThrottle {
  private readonly slots: LRUCache<string, Slot> | null;

  constructor(
    private readonly windowMs: number,
    max = 10_000,
  ) {
    this.slots = windowMs > 0 ? new LRUCache({ max, ttl: windowMs * 2 }) : null;
  }

  /** Runs `send` now, or in place of the key's pending push once the key's window is over. */
  push(key: string, send: () => void): void {
    if (!this.slots) return send();
    const now = performance.now();
    const slot = this.slots.get(key);
    if (!slot || now - slot.at >= this.windowMs) {
      if (slot?.timer) clearTimeout(slot.timer);
      this.slots.set(key, { at: now, pending: null, timer: null });
      return send();
    }
    slot.pending = send;
    if (slot.timer) return;
    slot.timer = setTimeout(
      () => {
        const next = slot.pending;
        slot.pending = null;
        slot.timer = null;
        slot.at = performance.now();
        this.slots?.set(key, slot); // kept for two more windows from this push
        next?.();
      },
      slot.at + this.windowMs - now,
    );
    // A pending push never keeps the process alive.
    slot.timer.unref();
  }
}
