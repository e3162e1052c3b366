import { STREAM_CLOSE, type ClientFrame, type FrameId } from '@tweeter/shared';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { hashToken } from '../domain/tokens.js';
import type { Clock } from '../ports/clock.js';
import type { SubscribeOutcome } from '../ports/gateway-connections.js';
import type { SessionState } from '../domain/session-state.js';
import type { ChannelAuthorizer } from './authorize.js';
import type { FrameBudget } from './frame-budget.js';
import { ackFrame, errorFrame, parseClientFrame } from './frames.js';

/**
 * One connection as the protocol sees it, whichever transport holds it: the `ws` server's own state, or API
 * Gateway's connection records read back by a stateless handler. The protocol decides; the transport keeps
 * the state and does the sending and closing.
 */
export interface ProtocolConnection {
  /** For logs (API Gateway's connection id); the `ws` server has none. */
  readonly id?: string;
  /** The signed-in user, once authenticated (read after `load`). */
  readonly alias: string | null;
  /** SHA-256 of the session token it signed in with. */
  readonly tokenHash: string | null;
  /** Epoch ms (the protocol's clock) of the upgrade. */
  readonly connectedAt: number;
  /** Set once the server stops serving it: later frames get no answer. */
  readonly closed: boolean;
  /** Set once a frame makes the server close it: frames before it are still answered, later ones not. */
  draining: boolean;
  /** The frame rate limit, where the transport has none of its own (API Gateway throttles the stage). */
  readonly budget: FrameBudget | null;
  /** Reads what the transport keeps of the connection; false when it no longer knows it (expired). */
  load(): Promise<boolean>;
  isSubscribed(channel: string): boolean;
  readonly subscriptionCount: number;
  /** Marks it as acting for `alias`; false when it is gone or already authenticated. */
  identify(alias: string, tokenHash: string): Promise<boolean>;
  /**
   * Adds `channel` unless that would make more than `max`, and if added answers with `ack` in the same step,
   * so no event of the channel can overtake the ack of its subscribe.
   */
  subscribe(channel: string, max: number, ack: string): Promise<SubscribeOutcome>;
  unsubscribe(channel: string): Promise<void>;
  /** A subscribe to `channel` is being authorized (null: no longer); see `revokedWhileAuthorizing`. */
  authorizing(channel: string | null): void;
  /** Whether access to the channel being authorized was revoked meanwhile (false where no one can tell). */
  readonly revokedWhileAuthorizing: boolean;
  /** Answers the frame being handled. */
  reply(frame: string): Promise<void>;
  /** Sends `frame` (an error saying why), then closes with `code` (API Gateway cannot send a code). */
  end(frame: string, code: number, reason: string): Promise<void>;
  /** Closes with `code` and nothing more said. */
  close(code: number, reason: string): Promise<void>;
}

export interface StreamProtocolDeps {
  /** The alias a session token acts for; throws UnauthenticatedError otherwise (SessionService.authenticate). */
  authenticate(token: string): Promise<string>;
  /** Whether a session (by token hash) still holds, read fresh (SessionService.state). */
  sessionState(tokenHash: string): Promise<SessionState>;
  authorizeChannel: ChannelAuthorizer;
  limits: Config['stream'];
  /** Time for the frame budgets and the sign-in deadline (the context's clock: tests move it by hand). */
  clock: Clock;
  logger: { error(obj: object, msg: string): void };
}

/** A session token, checked: who it acts for, or why it is refused. */
export type CheckedToken = { alias: string; tokenHash: string } | { refused: string };

/**
 * The live-stream protocol of docs/api.md, once for every transport: sign-in (`?token=` or an `auth` frame,
 * within `WS_AUTH_TIMEOUT_MS`), subscribe (the session re-read, the channel authorized, at most
 * `WS_MAX_SUBSCRIPTIONS`), unsubscribe, ping, the frame rate, and one ack or error per frame.
 */
export class StreamProtocol {
  constructor(private readonly deps: StreamProtocolDeps) {}

  /**
   * One client frame, as it arrives. It is counted against the connection's budget at once (a burst is judged
   * on arrival, not when its turn comes); returns the work that answers it, to run after the answers to the
   * connection's earlier frames, or null when it gets no answer (the connection is closing).
   */
  accept(conn: ProtocolConnection, data: string | Buffer, isBinary: boolean): (() => Promise<void>) | null {
    if (conn.closed || conn.draining) return null;
    const { limits, clock } = this.deps;
    const verdict = conn.budget?.take(clock.now(), limits.ratePerSecond, limits.rateBurst) ?? 'ok';
    if (verdict === 'exceeded') {
      // Frames before this one still get their answers; this one and later ones get the close.
      conn.draining = true;
      return () => conn.close(STREAM_CLOSE.policyViolation, 'message rate limit exceeded');
    }
    const parsed = parseClientFrame(data, isBinary);
    if (verdict === 'limited') {
      const message = `at most ${limits.ratePerSecond} frames per second: slow down`;
      const id = parsed.ok ? parsed.frame.id : parsed.id;
      return () => conn.reply(errorFrame('rate_limited', message, id));
    }
    if (!parsed.ok) return () => conn.reply(errorFrame(parsed.code, parsed.message, parsed.id));
    const { frame } = parsed;
    return () => this.handle(conn, frame).catch((err: unknown) => this.fail(conn, frame.id, err));
  }

  /** Checks a session token (`?token=` or an `auth` frame). */
  async checkToken(token: string): Promise<CheckedToken> {
    try {
      return { alias: await this.deps.authenticate(token), tokenHash: hashToken(token) };
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthenticated') return { refused: err.message };
      throw err;
    }
  }

  /** Signs in with the upgrade's `?token=` (no answer when it holds); a bad one ends the connection. */
  async signInWithQueryToken(conn: ProtocolConnection, token: string): Promise<void> {
    await this.signIn(conn, token).catch((err: unknown) => this.fail(conn, undefined, err));
  }

  /** No sign-in within `WS_AUTH_TIMEOUT_MS` (a transport with timers calls this when the time is up). */
  async authTimedOut(conn: ProtocolConnection, id?: FrameId): Promise<void> {
    const message = `no auth frame within ${this.deps.limits.authTimeoutMs} ms`;
    await conn.end(
      errorFrame('unauthenticated', message, id),
      STREAM_CLOSE.unauthenticated,
      'authentication timed out',
    );
  }

  /** Tells a connection its session ended (an error frame), then closes it with 4401. */
  async sessionEnded(conn: ProtocolConnection, state: 'expired' | 'revoked'): Promise<void> {
    const reason = state === 'expired' ? 'session expired' : 'signed out';
    await conn.end(errorFrame('unauthenticated', `${reason}: sign in again`), STREAM_CLOSE.unauthenticated, reason);
  }

  private async handle(conn: ProtocolConnection, frame: ClientFrame): Promise<void> {
    if (conn.closed) return;
    if (frame.type === 'ping') return conn.reply(ackFrame('ping', frame.id));
    if (!(await conn.load())) {
      const message = 'connection is not known (it expired): reconnect';
      return conn.end(errorFrame('unauthenticated', message, frame.id), STREAM_CLOSE.unauthenticated, 'unknown');
    }
    if (frame.type === 'auth') {
      if (conn.alias !== null) return conn.reply(errorFrame('validation_failed', 'already authenticated', frame.id));
      return this.signIn(conn, frame.token, frame);
    }
    const viewer = conn.alias;
    if (viewer === null) {
      // A transport without timers (API Gateway) learns of the deadline only now.
      if (this.deps.clock.now() - conn.connectedAt > this.deps.limits.authTimeoutMs) {
        return this.authTimedOut(conn, frame.id);
      }
      return conn.reply(errorFrame('unauthenticated', 'send {"type":"auth","token":"..."} first', frame.id));
    }
    const { channel } = frame;
    if (frame.type === 'unsubscribe') {
      await conn.unsubscribe(channel);
      return conn.reply(ackFrame('unsubscribe', frame.id, channel));
    }
    // The session may have expired or been signed out elsewhere since the connection signed in.
    if (!(await this.sessionHolds(conn))) return;
    const ack = ackFrame('subscribe', frame.id, channel);
    if (conn.isSubscribed(channel)) return conn.reply(ack);
    const max = this.deps.limits.maxSubscriptions;
    const full = errorFrame(
      'validation_failed',
      `at most ${max} subscriptions per connection: unsubscribe from one first`,
      frame.id,
    );
    if (conn.subscriptionCount >= max) return conn.reply(full);
    await this.authorize(conn, viewer, channel);
    // 'gone': the connection closed meanwhile, and nobody is left to answer.
    if ((await conn.subscribe(channel, max, ack)) === 'full') return conn.reply(full);
  }

  /**
   * Checks access to `channel`, again if access was revoked while a check was in flight (a member removed from
   * a private board between the check's read and the subscription would otherwise keep hearing it).
   */
  private async authorize(conn: ProtocolConnection, viewer: string, channel: string): Promise<void> {
    try {
      do {
        conn.authorizing(channel);
        await this.deps.authorizeChannel(viewer, channel);
      } while (conn.revokedWhileAuthorizing);
    } finally {
      conn.authorizing(null);
    }
  }

  /** Re-reads the connection's session; if it expired or was signed out (maybe elsewhere), ends the connection. */
  private async sessionHolds(conn: ProtocolConnection): Promise<boolean> {
    if (conn.tokenHash === null) return false;
    const state = await this.deps.sessionState(conn.tokenHash);
    if (state === 'active') return true;
    await this.sessionEnded(conn, state);
    return false;
  }

  /** Authenticates the connection; answers an `auth` frame (`frame`) with an ack, a `?token=` with nothing. */
  private async signIn(conn: ProtocolConnection, token: string, frame?: { id?: FrameId }): Promise<void> {
    const id = frame?.id;
    const checked = await this.checkToken(token);
    if ('refused' in checked) {
      return conn.end(
        errorFrame('unauthenticated', checked.refused, id),
        STREAM_CLOSE.unauthenticated,
        'unauthenticated',
      );
    }
    const identified = await conn.identify(checked.alias, checked.tokenHash);
    if (!frame) return;
    await conn.reply(identified ? ackFrame('auth', id) : errorFrame('validation_failed', 'already authenticated', id));
  }

  /** A failed frame: domain errors keep their code; anything else is logged and answered as `internal`. */
  private async fail(conn: ProtocolConnection, id: FrameId | undefined, err: unknown): Promise<void> {
    if (err instanceof AppError) return conn.reply(errorFrame(err.code, err.message, id));
    this.deps.logger.error(
      { err, alias: conn.alias, ...(conn.id ? { connection: conn.id } : {}) },
      'live stream frame failed',
    );
    await conn.reply(errorFrame('internal', 'something went wrong on our side', id));
  }
}
