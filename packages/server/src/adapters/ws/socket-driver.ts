import type { RawData, WebSocket } from 'ws';
import type { Config } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { SubscribeOutcome } from '../../ports/gateway-connections.js';
import type { ProtocolConnection, StreamProtocol } from '../../stream/protocol.js';
import { WsConnection } from './ws-connection.js';
import type { WsStreamServer } from './ws-stream-server.js';

export interface SocketDriverDeps {
  server: WsStreamServer;
  protocol: StreamProtocol;
  limits: Config['stream'];
  /** The protocol's clock (the connection's frame budget starts from it). */
  clock: Clock;
}

/**
 * Serves the stream protocol on one upgraded socket (docs/api.md, "WebSocket"): each frame is handed to the
 * protocol as it arrives and answered in the connection's order; a connection without `?token=` gets a timer
 * for its `auth` frame.
 */
export function driveSocket(socket: WebSocket, queryToken: string | undefined, deps: SocketDriverDeps): void {
  const { server, protocol, limits } = deps;
  const conn = new WsConnection(socket, limits.rateBurst, deps.clock.now());
  const view = new WsProtocolConnection(server, conn);
  server.add(conn);
  socket.on('close', () => server.remove(conn));
  socket.on('pong', () => (conn.alive = true));
  socket.on('message', (data, isBinary) => {
    conn.alive = true;
    conn.framesReceived++;
    // Every answer, errors included, goes through the connection's one queue: answers leave in frame order.
    const answer = protocol.accept(view, payload(data), isBinary);
    if (answer) conn.enqueue(answer);
  });

  if (queryToken !== undefined) {
    conn.enqueue(() => protocol.signInWithQueryToken(view, queryToken));
  } else {
    conn.authTimer = setTimeout(() => void protocol.authTimedOut(view), limits.authTimeoutMs);
  }
}

/** Bytes of a message, however `ws` delivered them. */
function payload(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * The protocol's view of a `ws` connection: state read from `WsConnection`, every change through the server
 * (which keeps the indexes). Everything happens at once: `subscribe` adds the channel and sends its ack in one
 * synchronous step.
 */
export class WsProtocolConnection implements ProtocolConnection {
  constructor(
    private readonly server: WsStreamServer,
    private readonly conn: WsConnection,
  ) {}

  get alias(): string | null {
    return this.conn.alias;
  }
  get tokenHash(): string | null {
    return this.conn.tokenHash;
  }
  get connectedAt(): number {
    return this.conn.connectedAt;
  }
  get closed(): boolean {
    return this.conn.closed;
  }
  get draining(): boolean {
    return this.conn.draining;
  }
  set draining(value: boolean) {
    this.conn.draining = value;
  }
  get budget(): WsConnection['budget'] {
    return this.conn.budget;
  }
  get subscriptionCount(): number {
    return this.conn.channels.size;
  }
  get revokedWhileAuthorizing(): boolean {
    return this.conn.authorizingRevoked;
  }

  async load(): Promise<boolean> {
    return !this.conn.closed;
  }

  isSubscribed(channel: string): boolean {
    return this.conn.channels.has(channel);
  }

  async identify(alias: string, tokenHash: string): Promise<boolean> {
    const { conn } = this;
    if (conn.authTimer) clearTimeout(conn.authTimer);
    conn.authTimer = null;
    if (conn.closed || conn.alias !== null) return false;
    this.server.identify(conn, alias, tokenHash);
    return true;
  }

  async subscribe(channel: string, _max: number, ack: string): Promise<SubscribeOutcome> {
    // The protocol checked the limit: frames of one connection are handled one at a time.
    if (this.conn.closed) return 'gone';
    this.server.subscribe(this.conn, channel);
    this.server.send(this.conn, ack);
    return 'subscribed';
  }

  async unsubscribe(channel: string): Promise<void> {
    this.server.unsubscribe(this.conn, channel);
  }

  authorizing(channel: string | null): void {
    this.conn.authorizing = channel;
    this.conn.authorizingRevoked = false;
  }

  async reply(frame: string): Promise<void> {
    this.server.send(this.conn, frame);
  }

  async end(frame: string, code: number, reason: string): Promise<void> {
    this.server.send(this.conn, frame);
    this.server.close(this.conn, code, reason);
  }

  async close(code: number, reason: string): Promise<void> {
    this.server.close(this.conn, code, reason);
  }
}
