import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RealtimeConfig } from '../../config/config.js';
import type { Clock } from '../../ports/clock.js';
import type { GatewayConnections } from '../../ports/gateway-connections.js';
import type { Realtime, RealtimeEvent } from '../../ports/realtime.js';
import type { FollowRepo } from '../../ports/store.js';
import { connectedFollowers } from '../../stream/connected-followers.js';
import { errorFrame, eventPayload, revokedFrame } from '../../stream/frames.js';
import { ConnectionRecords, type Recipient } from './connection-records.js';
import { ApiGatewayConnections } from './connections.js';
import { ConnectionManagement, forEachLimited } from './management.js';

/** The slice of a pino logger the adapter uses. */
export interface AdapterLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type ApiGatewayConfig = Extract<RealtimeConfig, { kind: 'apigw' }>;

/** Both faces of the API Gateway transport: the Realtime port (pushes) and its connections (for the routes). */
export interface ApiGatewayTransport {
  realtime: Realtime & { closeSession(tokenHash: string): void; closeUser(alias: string): void };
  connections: GatewayConnections;
}

/** Builds the API Gateway transport from config: DynamoDB for the records, the management API for sends. */
export function createApiGatewayTransport(
  config: ApiGatewayConfig,
  deps: { clock: Clock; logger: AdapterLogger; follows: Pick<FollowRepo, 'existing'> },
): ApiGatewayTransport {
  const common = { region: config.region, ...(config.credentials ? { credentials: config.credentials } : {}) };
  const dynamo = new DynamoDBClient({
    ...common,
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
  });
  const db = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const management = new ConnectionManagement(
    new ApiGatewayManagementApiClient({ ...common, endpoint: config.managementEndpoint }),
  );
  const records = new ConnectionRecords(db, config.connectionsTable, () => deps.clock.now());
  const connections = new ApiGatewayConnections(records, management);
  const realtime = new ApiGatewayRealtime(records, connections, deps.logger, config.postConcurrency, deps.follows);
  return { realtime, connections };
}

/**
 * The Realtime port over API Gateway: finds the recipients' connections in DynamoDB and posts to each with
 * bounded concurrency. Sends run in the background (the port's methods return at once); `flush` awaits them.
 */
export class ApiGatewayRealtime implements Realtime {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly records: ConnectionRecords,
    private readonly connections: ApiGatewayConnections,
    private readonly logger: AdapterLogger,
    private readonly concurrency: number,
    private readonly follows?: Pick<FollowRepo, 'existing'>,
  ) {}

  toUsers(aliases: readonly string[], event: RealtimeEvent): void {
    if (aliases.length === 0) return;
    this.track(async () => this.deliver(await this.records.ofUsers(aliases, event.channel), event));
  }

  /** Every connection on the channel is listed (one Query), and its users checked against the edges in batches. */
  toFollowersOf(author: string, event: RealtimeEvent): void {
    const { follows } = this;
    if (!follows) return;
    this.track(async () => {
      const connected = await this.records.subscribers(event.channel);
      const followers = new Set(
        await connectedFollowers(
          follows,
          author,
          connected.map((r) => r.alias),
        ),
      );
      await this.deliver(
        connected.filter((r) => followers.has(r.alias)),
        event,
      );
    });
  }

  toChannel(event: RealtimeEvent): void {
    this.track(async () => this.deliver(await this.records.subscribers(event.channel), event));
  }

  revoke(alias: string, channel: string): void {
    this.track(async () => {
      const frame = revokedFrame(channel);
      for (const { id } of await this.records.ofUsers([alias], channel)) {
        const conn = await this.records.get(id);
        if (conn) await this.records.unsubscribe(conn, channel);
        await this.connections.send(id, frame);
      }
    });
  }

  /**
   * Closes every connection opened with this session token (it signed out, or a password change ended it). API
   * Gateway's DeleteConnection sends no close code of ours, so the client is told first, with the error frame the
   * `ws` transport sends before its 4401.
   */
  closeSession(tokenHash: string): void {
    const frame = errorFrame('unauthenticated', 'signed out: sign in again');
    this.track(async () => {
      await forEachLimited(await this.records.ofToken(tokenHash), this.concurrency, async (id) => {
        await this.connections.send(id, frame).catch(() => undefined); // gone already: nothing to tell
        await this.connections.close(id);
      });
    });
  }

  /**
   * Closes the connections of a deleted account that are on its feed channel (the web client subscribes there at
   * once); any other of its connections is closed at its next subscribe, when its session is checked.
   */
  closeUser(alias: string): void {
    this.track(async () => {
      const ids = (await this.records.ofUsers([alias], 'feed')).map((r) => r.id);
      await forEachLimited(ids, this.concurrency, (id) => this.connections.close(id));
    });
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async deliver(recipients: readonly Recipient[], event: RealtimeEvent): Promise<void> {
    if (recipients.length === 0) return;
    const payload = eventPayload(event);
    await forEachLimited(recipients, this.concurrency, async ({ id }) => {
      try {
        await this.connections.send(id, payload);
      } catch (err) {
        this.logger.warn({ err, connection: id, event: event.type }, 'could not push a live event');
      }
    });
  }

  // Live pushes are best effort: a failure is logged, never thrown into the caller (the write it follows is done).
  private track(work: () => Promise<void>): void {
    const run = work().catch((err: unknown) => this.logger.error({ err }, 'live event delivery failed'));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }
}
