import type { Logger } from '../../logger.js';
import type { SessionState } from '../../domain/session-state.js';
import type { StreamProtocol } from '../../stream/protocol.js';
import { WsProtocolConnection } from './socket-driver.js';
import type { WsStreamServer } from './ws-stream-server.js';

// Sessions read per turn of the event loop.
const SLICE = 256;

/**
 * Re-checks the login session of every open `ws` connection every `everyMs` (WS_SESSION_CHECK_MS): a token
 * that has expired, or was signed out in another process, closes its connections with 4401. One shared timer
 * and one store read per distinct session, not a timer per connection. (API Gateway's connections are checked
 * at their next subscribe only: no process of ours lives between their frames.)
 */
export class ConnectionSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      server: WsStreamServer;
      protocol: StreamProtocol;
      sessionState(tokenHash: string): Promise<SessionState>;
      everyMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.running)
        void this.runNow().catch((err: unknown) => this.deps.logger.warn({ err }, 'connection sweep failed'));
    }, this.deps.everyMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass now; resolves to the number of connections closed. */
  runNow(): Promise<number> {
    this.running ??= this.sweep().finally(() => (this.running = null));
    return this.running;
  }

  private async sweep(): Promise<number> {
    let closed = 0;
    let checked = 0;
    for (const [tokenHash, conns] of this.deps.server.sessions()) {
      // A synchronous store answers each read at once: yield now and then so 10,000 sessions don't stall the loop,
      // and let a broadcast being written finish first (a sweep is not urgent; its last sockets are).
      if (checked++ % SLICE === 0) await new Promise<void>((resolve) => this.deps.server.whenIdle(resolve));
      const state = await this.deps.sessionState(tokenHash);
      if (state === 'active') continue;
      for (const conn of conns) {
        if (conn.closed) continue;
        void this.deps.protocol.sessionEnded(new WsProtocolConnection(this.deps.server, conn), state);
        closed++;
      }
    }
    return closed;
  }
}
