import type { Logger } from '../logger.js';
import type { SessionState } from '../services/sessions.js';
import { closeSession } from './stream-session.js';
import type { WsHub } from './ws-hub.js';

/**
 * Re-checks the session of every open live-stream connection every `everyMs` (WS_SESSION_CHECK_MS): a token
 * that has expired, or was signed out in another process, closes its connections with 4401. One shared timer
 * and one store read per distinct session, not a timer per connection.
 */
export class SessionSweep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly deps: {
      hub: WsHub;
      sessionState(tokenHash: string): Promise<SessionState>;
      everyMs: number;
      logger: Logger;
    },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.running)
        void this.runNow().catch((err: unknown) => this.deps.logger.warn({ err }, 'session sweep failed'));
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
    for (const [tokenHash, conns] of this.deps.hub.sessions()) {
      const state = await this.deps.sessionState(tokenHash);
      if (state === 'active') continue;
      for (const conn of conns) {
        if (conn.closed) continue;
        closeSession(this.deps.hub, conn, state);
        closed++;
      }
    }
    return closed;
  }
}
