import { STREAM_CLOSE, type ClientFrame, type FrameId } from '@tweeter/shared';
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { hashToken } from '../domain/tokens.js';
import type { Logger } from '../logger.js';
import type { ChannelAuthorizer } from './authorize.js';
import { StreamConnection } from './connection.js';
import { ackFrame, errorFrame, parseClientFrame } from './frames.js';
import type { WsHub } from './ws-hub.js';

export interface StreamDeps {
  hub: WsHub;
  /** The alias a session token acts for; throws UnauthenticatedError otherwise (SessionService.authenticate). */
  authenticate(token: string): Promise<string>;
  authorizeChannel: ChannelAuthorizer;
  limits: Config['stream'];
  logger: Logger;
}

/**
 * Serves the live-stream protocol on one upgraded socket (docs/api.md, "WebSocket"): authentication by
 * `?token=` or a first `auth` frame, then subscribe / unsubscribe / ping, each answered with ack or error.
 */
export function openStream(socket: WebSocket, queryToken: string | undefined, deps: StreamDeps): void {
  const { hub, limits } = deps;
  const conn = new StreamConnection(socket, limits.rateBurst, performance.now());
  hub.add(conn);
  socket.on('close', () => hub.remove(conn));
  socket.on('pong', () => (conn.alive = true));
  socket.on('message', (data, isBinary) => {
    conn.alive = true;
    if (conn.closed) return;
    const verdict = conn.takeToken(performance.now(), limits.ratePerSecond, limits.rateBurst);
    if (verdict === 'exceeded') {
      hub.close(conn, STREAM_CLOSE.policyViolation, 'message rate limit exceeded');
      return;
    }
    const parsed = parseClientFrame(data, isBinary);
    if (verdict === 'limited') {
      const message = `at most ${limits.ratePerSecond} frames per second: slow down`;
      hub.send(conn, errorFrame('rate_limited', message, parsed.ok ? parsed.frame.id : parsed.id));
    } else if (!parsed.ok) {
      hub.send(conn, errorFrame(parsed.code, parsed.message, parsed.id));
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
  if (!conn.channels.has(channel)) {
    const max = deps.limits.maxSubscriptions;
    if (conn.channels.size >= max) {
      const message = `at most ${max} subscriptions per connection: unsubscribe from one first`;
      return hub.send(conn, errorFrame('validation_failed', message, frame.id));
    }
    await deps.authorizeChannel(viewer, channel);
    hub.subscribe(conn, channel); // a no-op if the connection closed meanwhile
  }
  hub.send(conn, ackFrame('subscribe', frame.id, channel));
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
