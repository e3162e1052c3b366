import type { WebSocket } from 'ws';
import { FrameBudget } from '../../stream/frame-budget.js';

/**
 * The `ws` server's state for one stream connection. Deliberately small (a few hundred bytes besides the
 * socket itself): no buffers, no timers once authenticated; idle connections must stay cheap at 10,000+.
 */
export class WsConnection {
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
  /** The frame rate limit (WS_RATE_PER_SECOND, WS_RATE_BURST). */
  readonly budget: FrameBudget;
  // Frames are handled, and answered, one after another: subscribe-then-unsubscribe ends unsubscribed even
  // though subscribe awaits an authorization check, and every answer leaves in the order its frame came in.
  // null while idle.
  private tail: Promise<void> | null = null;

  constructor(
    readonly socket: WebSocket,
    burst: number,
    /** Epoch ms of the upgrade. */
    readonly connectedAt: number,
  ) {
    this.budget = new FrameBudget(burst, connectedAt);
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
