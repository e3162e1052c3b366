import type { WebSocket } from 'ws';

/** What a client frame costs against the connection's rate limit. */
export type RateVerdict = 'ok' | 'limited' | 'exceeded';

/**
 * The server's state for one live-stream connection. Deliberately small (a few hundred bytes besides the
 * socket itself): no buffers, no timers once authenticated; idle connections must stay cheap at 10,000+.
 */
export class StreamConnection {
  /** The signed-in user, once authenticated. */
  alias: string | null = null;
  /** SHA-256 of the session token, so signing out can close this connection. */
  tokenHash: string | null = null;
  /** Channels this connection receives events of. */
  readonly channels = new Set<string>();
  /** Cleared by each heartbeat, set by any pong or frame: still clear at the next heartbeat means dead. */
  alive = true;
  /** Set as soon as the server stops serving it (closing, dropped), before the socket's `close` event. */
  closed = false;
  authTimer: NodeJS.Timeout | null = null;
  /** Client frames read so far. */
  framesReceived = 0;
  /** Set once a frame makes the server close the connection: frames before it are still answered, later ones not. */
  draining = false;
  /** The channel whose subscribe is awaiting its authorization check, and whether access to it was revoked meanwhile. */
  authorizing: string | null = null;
  authorizingRevoked = false;
  private tokens: number;
  private refilledAt: number;
  // Frames are handled, and answered, one after another: subscribe-then-unsubscribe ends unsubscribed even
  // though subscribe awaits an authorization check, and every answer leaves in the order its frame came in.
  // null while idle.
  private tail: Promise<void> | null = null;

  constructor(
    readonly socket: WebSocket,
    burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Token bucket: `rate` frames per second with bursts of `burst`. A frame over the limit still costs a
   * token, so the balance goes into debt; a client that keeps sending while in debt (down to -burst) is
   * `exceeded` and gets closed, while one that backs off recovers at `rate` per second.
   */
  takeToken(now: number, rate: number, burst: number): RateVerdict {
    // Never negative: a wall clock may step back.
    this.tokens = Math.min(burst, this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 'ok';
    return this.tokens <= -burst ? 'exceeded' : 'limited';
  }

  /** Runs `task` after every task enqueued before it has finished. `task` must not reject. */
  enqueue(task: () => Promise<void>): void {
    const next = (this.tail ?? Promise.resolve()).then(task);
    this.tail = next;
    void next.then(() => {
      if (this.tail === next) this.tail = null;
    });
  }
}
