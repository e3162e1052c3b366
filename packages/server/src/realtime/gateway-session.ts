import { STREAM_LIMITS, type ClientFrame, type FrameId } from '@tweeter/shared';
import type { Config } from '../config/config.js';
import { AppError } from '../domain/errors.js';
import { hashToken } from '../domain/tokens.js';
import type { Clock } from '../ports/clock.js';
import type { LiveConnection, LiveConnections } from '../ports/live-connections.js';
import type { ChannelAuthorizer } from './authorize.js';
import { ackFrame, errorFrame, parseClientFrame } from './frames.js';

export interface GatewaySessionDeps {
  connections: LiveConnections;
  /** The alias a session token acts for; throws UnauthenticatedError otherwise. */
  authenticate(token: string): Promise<string>;
  authorizeChannel: ChannelAuthorizer;
  limits: Config['stream'];
  clock: Clock;
  logger: { error(obj: object, msg: string): void };
}

/** What `$connect` answers: 200 accepts the upgrade, 401 refuses it. */
export type ConnectResult = { status: 200 } | { status: 401; message: string };

/**
 * The live-stream protocol of docs/api.md for connections held by an external gateway (API Gateway's
 * WebSocket API): the same frames, acks and errors as `/api/v1/stream`, but every call is a stateless
 * invocation that reads the connection back from its records. The reply to a frame is returned (API
 * Gateway sends it back as the route response); anything else goes out through `connections.send`.
 */
export class GatewaySession {
  constructor(private readonly deps: GatewaySessionDeps) {}

  /** `$connect`: a `?token=` must be valid (else the upgrade is refused); without one, an auth frame must follow. */
  async connect(id: string, token: string | undefined): Promise<ConnectResult> {
    const now = this.deps.clock.now();
    if (token === undefined) {
      await this.deps.connections.open(id, now);
      return { status: 200 };
    }
    try {
      const alias = await this.deps.authenticate(token);
      await this.deps.connections.open(id, now, { alias, tokenHash: hashToken(token) });
      return { status: 200 };
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthenticated') return { status: 401, message: err.message };
      throw err;
    }
  }

  /** `$disconnect`: the client or the gateway closed it. */
  async disconnect(id: string): Promise<void> {
    await this.deps.connections.forget(id);
  }

  /** `$default`: one client frame; returns the reply frame, or null when the reply went out otherwise. */
  async message(id: string, body: string | undefined, isBase64Encoded: boolean): Promise<string | null> {
    const text = body ?? '';
    if (Buffer.byteLength(text) > STREAM_LIMITS.frameMaxBytes) {
      return errorFrame('payload_too_large', `a frame may have at most ${STREAM_LIMITS.frameMaxBytes} bytes`);
    }
    const parsed = parseClientFrame(Buffer.from(text), isBase64Encoded);
    if (!parsed.ok) return errorFrame(parsed.code, parsed.message, parsed.id);
    const { frame } = parsed;
    try {
      return await this.handle(id, frame);
    } catch (err) {
      if (err instanceof AppError) return errorFrame(err.code, err.message, frame.id);
      this.deps.logger.error({ err, connection: id }, 'live stream frame failed');
      return errorFrame('internal', 'something went wrong on our side', frame.id);
    }
  }

  private async handle(id: string, frame: ClientFrame): Promise<string | null> {
    if (frame.type === 'ping') return ackFrame('ping', frame.id);
    const { connections, limits } = this.deps;
    const conn = await connections.get(id);
    if (!conn) {
      await this.refuse(id, 'connection is not known (it expired): reconnect', frame.id);
      return null;
    }
    if (frame.type === 'auth') {
      if (conn.alias !== null) return errorFrame('validation_failed', 'already authenticated', frame.id);
      return this.signIn(conn, frame.token, frame.id);
    }
    if (conn.alias === null) {
      if (this.deps.clock.now() - conn.connectedAt > limits.authTimeoutMs) {
        await this.refuse(id, `no auth frame within ${limits.authTimeoutMs} ms`, frame.id);
        return null;
      }
      return errorFrame('unauthenticated', 'send {"type":"auth","token":"..."} first', frame.id);
    }
    const { channel } = frame;
    if (frame.type === 'unsubscribe') {
      if (conn.channels.includes(channel)) await connections.unsubscribe(conn, channel);
      return ackFrame('unsubscribe', frame.id, channel);
    }
    if (!conn.channels.includes(channel)) {
      const full = (): string =>
        errorFrame(
          'validation_failed',
          `at most ${limits.maxSubscriptions} subscriptions per connection: unsubscribe from one first`,
          frame.id,
        );
      if (conn.channels.length >= limits.maxSubscriptions) return full();
      await this.deps.authorizeChannel(conn.alias, channel);
      const outcome = await connections.subscribe(conn, channel, limits.maxSubscriptions);
      if (outcome === 'full') return full();
      if (outcome === 'gone') return null;
    }
    return ackFrame('subscribe', frame.id, channel);
  }

  private async signIn(conn: LiveConnection, token: string, id?: FrameId): Promise<string | null> {
    let alias: string;
    try {
      alias = await this.deps.authenticate(token);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'unauthenticated') throw err;
      await this.refuse(conn.id, err.message, id);
      return null;
    }
    if (!(await this.deps.connections.identify(conn.id, alias, hashToken(token)))) {
      return errorFrame('validation_failed', 'already authenticated', id);
    }
    return ackFrame('auth', id);
  }

  /** Tells the client why, then closes its connection (the embedded stream closes with 4401 here). */
  private async refuse(connection: string, message: string, id?: FrameId): Promise<void> {
    await this.deps.connections.send(connection, errorFrame('unauthenticated', message, id));
    await this.deps.connections.close(connection);
  }
}
