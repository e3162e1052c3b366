import { STREAM_CLOSE, type ClientFrame, type FrameId } from '@tweeter/shared';
import type { WebSocket } from 'ws';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { hashToken } from '../domain/tokens.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { SessionState } from '../services/sessions.js';
import type { ChannelAuthorizer } from './authorize.js';
import { StreamConnection } from './connection.js';
import { ackFrame, errorFrame, parseClientFrame } from './frames.js';
import type { WsHub } from './ws-hub.js';

export interface StreamDeps {
  hub: WsHub;
  /** The alias a session token acts for; throws UnauthenticatedError otherwise (SessionService.authenticate). */
  authenticate(token: string): Promise<string>;
  /** Whether a session (by token hash) still holds, read fresh (SessionService.state). */
  sessionState(tokenHash: string): Promise<SessionState>;
  authorizeChannel: ChannelAuthorizer;
  limits: Config['stream'];
  /** Time for the frame-rate buckets (the context's clock: tests move it by hand). */
  clock: Clock;
  logger: Logger;
}

/**
 * Serves the live-stream protocol on one upgraded socket (docs/api.md, "WebSocket"): authentication by
 * `?token=` or a first `auth` frame, then subscribe / unsubscribe / ping, each answered with ack or error.
 */
export function openStream(socket: WebSocket, queryToken: string | undefined, deps: StreamDeps): void {
  const { hub, limits } = deps;
  const conn = new StreamConnection(socket, limits.rateBurst, deps.clock.now());
  hub.add(conn);
  socket.on('close', () => hub.remove(conn));
  socket.on('pong', () => (conn.alive = true));
  socket.on('message', (data, isBinary) => {
    conn.alive = true;
    conn.framesReceived++;
    if (conn.closed || conn.draining) return;
    // Every answer, errors included, goes through the connection's one queue: answers leave in frame order.
    const verdict = conn.takeToken(deps.clock.now(), limits.ratePerSecond, limits.rateBurst);
    if (verdict === 'exceeded') {
      // Frames before this one still get their answers; this one and later ones get the close.
      conn.draining = true;
      conn.enqueue(async () => hub.close(conn, STREAM_CLOSE.policyViolation, 'message rate limit exceeded'));
      return;
    }
    const parsed = parseClientFrame(data, isBinary);
    if (verdict === 'limited') {
      const message = `at most ${limits.ratePerSecond} frames per second: slow down`;
      const id = parsed.ok ? parsed.frame.id : parsed.id;
      conn.enqueue(async () => hub.send(conn, errorFrame('rate_limited', message, id)));
    } else if (!parsed.ok) {
      conn.enqueue(async () => hub.send(conn, errorFrame(parsed.code, parsed.message, parsed.id)));
    } else {
      const { frame } = parsed;
      conn.enqueue(() => handle(conn, frame, deps).catch((err: unknown) => fail(conn, frame.id, err, deps)));
    }
  });

  if (queryToken !== undefined) {
    conn.enqueue(() => signIn(conn, queryToken, deps).catch((err: unknown) => fail(conn, undefined, err, deps)));
  } else {
    conn.authTimer = setTimeout(() => {
      hub.send(conn, errorFrame('unauthenticated', `no auth frame within ${limits.authTimeoutMs} ms`));
      hub.close(conn, STREAM_CLOSE.unauthenticated, 'authentication timed out');
    }, limits.authTimeoutMs);
  }
}

async function handle(conn: StreamConnection, frame: ClientFrame, deps: StreamDeps): Promise<void> {
  const { hub } = deps;
  if (conn.closed) return;
  switch (frame.type) {
    case 'ping':
      return hub.send(conn, ackFrame('ping', frame.id));
    case 'auth':
      if (conn.alias !== null)
        return hub.send(conn, errorFrame('validation_failed', 'already authenticated', frame.id));
      return signIn(conn, frame.token, deps, frame);
    case 'subscribe':
    case 'unsubscribe':
      break;
  }
  const viewer = conn.alias;
  if (viewer === null) {
    return hub.send(conn, errorFrame('unauthenticated', 'send {"type":"auth","token":"..."} first', frame.id));
  }
  const { channel } = frame;
  if (frame.type === 'unsubscribe') {
    hub.unsubscribe(conn, channel);
    return hub.send(conn, ackFrame('unsubscribe', frame.id, channel));
  }
  // The session may have expired or been signed out elsewhere since the connection signed in.
  if (!(await sessionHolds(conn, deps))) return;
  if (!conn.channels.has(channel)) {
    const max = deps.limits.maxSubscriptions;
    if (conn.channels.size >= max) {
      const message = `at most ${max} subscriptions per connection: unsubscribe from one first`;
      return hub.send(conn, errorFrame('validation_failed', message, frame.id));
    }
    await authorize(conn, viewer, channel, deps);
    hub.subscribe(conn, channel); // a no-op if the connection closed meanwhile
  }
  hub.send(conn, ackFrame('subscribe', frame.id, channel));
}

/**
 * Checks access to `channel`, again if access was revoked while a check was in flight (a member removed from
 * a private board between the check's read and the subscription would otherwise keep hearing it).
 */
async function authorize(conn: StreamConnection, viewer: string, channel: string, deps: StreamDeps): Promise<void> {
  try {
    do {
      conn.authorizing = channel;
      conn.authorizingRevoked = false;
      await deps.authorizeChannel(viewer, channel);
    } while (conn.authorizingRevoked);
  } finally {
    conn.authorizing = null;
  }
}

/** Re-reads the connection's session; if it expired or was signed out (maybe elsewhere), closes with 4401. */
async function sessionHolds(conn: StreamConnection, deps: StreamDeps): Promise<boolean> {
  if (conn.tokenHash === null) return false;
  const state = await deps.sessionState(conn.tokenHash);
  if (state === 'active') return true;
  closeSession(deps.hub, conn, state);
  return false;
}

/** Tells a connection its session ended (error frame), then closes it with 4401. */
export function closeSession(hub: WsHub, conn: StreamConnection, state: 'expired' | 'revoked'): void {
  const reason = state === 'expired' ? 'session expired' : 'signed out';
  hub.send(conn, errorFrame('unauthenticated', `${reason}: sign in again`));
  hub.close(conn, STREAM_CLOSE.unauthenticated, reason);
}

/** Authenticates the connection; answers an `auth` frame (`frame`) with an ack, a `?token=` with nothing. */
async function signIn(
  conn: StreamConnection,
  token: string,
  deps: StreamDeps,
  frame?: { id?: FrameId },
): Promise<void> {
  const id = frame?.id;
  const { hub } = deps;
  let alias: string;
  try {
    alias = await deps.authenticate(token);
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'unauthenticated') throw err;
    hub.send(conn, errorFrame('unauthenticated', err.message, id));
    hub.close(conn, STREAM_CLOSE.unauthenticated, 'unauthenticated');
    return;
  }
  hub.identify(conn, alias, hashToken(token));
  if (conn.authTimer) clearTimeout(conn.authTimer);
  conn.authTimer = null;
  if (frame) hub.send(conn, ackFrame('auth', id));
}

/** A failed frame: domain errors keep their code; anything else is logged and answered as `internal`. */
function fail(conn: StreamConnection, id: FrameId | undefined, err: unknown, deps: StreamDeps): void {
  if (err instanceof AppError) return deps.hub.send(conn, errorFrame(err.code, err.message, id));
  deps.logger.error({ err, alias: conn.alias }, 'live stream frame failed');
  deps.hub.send(conn, errorFrame('internal', 'something went wrong on our side', id));
}
