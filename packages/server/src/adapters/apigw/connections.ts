import type { GatewayConnection, GatewayConnections, SubscribeOutcome } from '../../ports/gateway-connections.js';
import type { ConnectionRecords } from './connection-records.js';
import type { ConnectionManagement } from './management.js';

/** Connection records plus the management API: 410 from either removes the records at once. */
export class ApiGatewayConnections implements GatewayConnections {
  constructor(
    private readonly records: ConnectionRecords,
    private readonly management: ConnectionManagement,
  ) {}

  open(id: string, connectedAt: number, identity?: { alias: string; tokenHash: string }): Promise<void> {
    return this.records.open(id, connectedAt, identity);
  }

  get(id: string): Promise<GatewayConnection | null> {
    return this.records.get(id);
  }

  identify(id: string, alias: string, tokenHash: string): Promise<boolean> {
    return this.records.identify(id, alias, tokenHash);
  }

  subscribe(conn: GatewayConnection, channel: string, max: number): Promise<SubscribeOutcome> {
    return this.records.subscribe(conn, channel, max);
  }

  unsubscribe(conn: GatewayConnection, channel: string): Promise<void> {
    return this.records.unsubscribe(conn, channel);
  }

  async send(id: string, frame: string | Uint8Array): Promise<boolean> {
    const data = typeof frame === 'string' ? Buffer.from(frame) : frame;
    if ((await this.management.post(id, data)) === 'sent') return true;
    await this.records.remove(id);
    return false;
  }

  async close(id: string): Promise<void> {
    // Records first: API Gateway's $disconnect for a server-side close may come late or not at all.
    await this.records.remove(id);
    await this.management.delete(id);
  }

  forget(id: string): Promise<void> {
    return this.records.remove(id);
  }
}
