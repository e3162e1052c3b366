import type { Clock } from '../../ports/clock.js';
import type { GatewayConnection, GatewayConnections, SubscribeOutcome } from '../../ports/gateway-connections.js';
import type { ProtocolConnection, StreamProtocol } from '../../stream/protocol.js';

/** What `$connect` answers: 200 accepts the upgrade, 401 refuses it. */
export type ConnectResult = { status: 200 } | { status: 401; message: string };

/**
 * The WebSocket API's routes (`$connect`, `$disconnect`, `$default`) over the stream protocol: the same frames,
 * acks and errors as `/api/v1/stream`, but every call is a stateless invocation that reads the connection back
 * from its records. The answer to a frame is returned (API Gateway sends it back as the route response);
 * anything else goes out through `connections.send`.
 */
export class ApiGatewayStreamRoutes {
  constructor(private readonly deps: { connections: GatewayConnections; protocol: StreamProtocol; clock: Clock }) {}

  /** `$connect`: a `?token=` must be valid (else the upgrade is refused); without one, an auth frame must follow. */
  async connect(id: string, token: string | undefined): Promise<ConnectResult> {
    const { connections, protocol, clock } = this.deps;
    const now = clock.now();
    if (token === undefined) {
      await connections.open(id, now);
      return { status: 200 };
    }
    const checked = await protocol.checkToken(token);
    if ('refused' in checked) return { status: 401, message: checked.refused };
    await connections.open(id, now, checked);
    return { status: 200 };
  }

  /** `$disconnect`: the client or the gateway closed it. */
  async disconnect(id: string): Promise<void> {
    await this.deps.connections.forget(id);
  }

  /** `$default`: one client frame; returns the answer, or null when it went out otherwise (or there is none). */
  async message(id: string, body: string | undefined, isBase64Encoded: boolean): Promise<string | null> {
    const conn = new RecordedConnection(id, this.deps.connections);
    const answer = this.deps.protocol.accept(conn, body ?? '', isBase64Encoded);
    if (answer) await answer();
    return conn.answer;
  }
}

/**
 * The protocol's view of one API Gateway connection during one invocation: its record is read on `load` (a
 * ping reads nothing), changes are conditional writes to the records, and the answer is kept for the route
 * response. No frame budget (API Gateway throttles the stage) and no revocation watch (no process of ours
 * lives between two frames).
 */
class RecordedConnection implements ProtocolConnection {
  answer: string | null = null;
  closed = false;
  draining = false;
  readonly budget = null;
  readonly revokedWhileAuthorizing = false;
  private record: GatewayConnection | null = null;

  constructor(
    readonly id: string,
    private readonly connections: GatewayConnections,
  ) {}

  get alias(): string | null {
    return this.record?.alias ?? null;
  }
  get tokenHash(): string | null {
    return this.record?.tokenHash ?? null;
  }
  get connectedAt(): number {
    return this.record?.connectedAt ?? 0;
  }
  get subscriptionCount(): number {
    return this.record?.channels.length ?? 0;
  }

  async load(): Promise<boolean> {
    this.record = await this.connections.get(this.id);
    return this.record !== null;
  }

  isSubscribed(channel: string): boolean {
    return this.record?.channels.includes(channel) ?? false;
  }

  identify(alias: string, tokenHash: string): Promise<boolean> {
    return this.connections.identify(this.id, alias, tokenHash);
  }

  async subscribe(channel: string, max: number, ack: string): Promise<SubscribeOutcome> {
    if (!this.record) return 'gone';
    // The limit is kept by the records' conditional write: two frames may be handled at once.
    const outcome = await this.connections.subscribe(this.record, channel, max);
    if (outcome === 'subscribed') this.answer = ack;
    return outcome;
  }

  async unsubscribe(channel: string): Promise<void> {
    if (this.record?.channels.includes(channel)) await this.connections.unsubscribe(this.record, channel);
  }

  authorizing(): void {}

  async reply(frame: string): Promise<void> {
    this.answer = frame;
  }

  /** Sent before the close (a route response would come after it); API Gateway's close carries no code. */
  async end(frame: string): Promise<void> {
    this.closed = true;
    await this.connections.send(this.id, frame);
    await this.connections.close(this.id);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connections.close(this.id);
  }
}
