import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { MAIN_INDEXES, TTL_ATTRIBUTE } from '../dynamodb/tables.js';
import type { GatewayConnection, SubscribeOutcome } from '../../ports/gateway-connections.js';

// Item layout in the main table (docs/aws.md, "Live connections"):
//   CONN#<id>      / CONN          the connection: alias, tokenHash, connectedAt, channels (string set), ttl;
//                                  gsi1 = WSTOKEN#<tokenHash> / CONN#<id> once authenticated (sign-out closes it)
//   CHAN#<channel> / CONN#<id>     a subscriber of a shared channel (board:<id>): alias, ttl; a Query broadcasts
//   LIVE#<alias>   / CHAN#<channel> the connections of one user on a per-user channel (feed): a string set of
//                                  "<id>|<ttl>", so a fan-out page finds its online followers by BatchGetItem
/** API Gateway closes every WebSocket connection after 2 hours: no record outlives that. */
export const CONNECTION_LIFETIME_MS = 2 * 60 * 60_000;
/** Channels that are a different stream for each user (`feed` and `notifications` are always one's own). */
const PER_USER_CHANNELS: ReadonlySet<string> = new Set(['feed', 'notifications']);
const BATCH_GET_MAX = 100;
const BATCH_GET_TRIES = 5;

const connKey = (id: string) => ({ pk: `CONN#${id}`, sk: 'CONN' });
const chanKey = (channel: string, id: string) => ({ pk: `CHAN#${channel}`, sk: `CONN#${id}` });
const liveKey = (alias: string, channel: string) => ({ pk: `LIVE#${alias}`, sk: `CHAN#${channel}` });

/** A connection found as a recipient. */
export interface Recipient {
  id: string;
  alias: string;
}

/** Connections and subscriptions as DynamoDB items; expiry is checked on every read (TTL deletes late). */
export class ConnectionRecords {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => number,
  ) {}

  async open(id: string, connectedAt: number, identity?: { alias: string; tokenHash: string }): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...connKey(id),
          connectedAt,
          [TTL_ATTRIBUTE]: expiry(connectedAt),
          ...(identity ? identityAttributes(id, identity.alias, identity.tokenHash) : {}),
        },
      }),
    );
  }

  async get(id: string): Promise<GatewayConnection | null> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: connKey(id), ConsistentRead: true }),
    );
    if (!Item || !this.live(Item)) return null;
    return {
      id,
      alias: typeof Item.alias === 'string' ? Item.alias : null,
      tokenHash: typeof Item.tokenHash === 'string' ? Item.tokenHash : null,
      connectedAt: Number(Item.connectedAt),
      channels: Item.channels instanceof Set ? [...(Item.channels as Set<string>)] : [],
    };
  }

  async identify(id: string, alias: string, tokenHash: string): Promise<boolean> {
    const attrs = identityAttributes(id, alias, tokenHash);
    const names = Object.keys(attrs);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: connKey(id),
          UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(alias)',
          ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#a${i}`, n])),
          ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:a${i}`, attrs[n]])),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  }

  /** The connection's own set first (so $disconnect finds the channel), then the channel's record. */
  async subscribe(conn: GatewayConnection, channel: string, max: number): Promise<SubscribeOutcome> {
    if (conn.alias === null) return 'gone';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: connKey(conn.id),
          UpdateExpression: 'ADD channels :one',
          ConditionExpression:
            'attribute_exists(pk) AND (attribute_not_exists(channels) OR size(channels) < :max OR contains(channels, :channel))',
          ExpressionAttributeValues: { ':one': new Set([channel]), ':max': max, ':channel': channel },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return (await this.get(conn.id)) ? 'full' : 'gone';
    }
    const ttl = expiry(conn.connectedAt);
    // Every subscription also has its channel record: for `feed` that lists who is connected, so a pulled
    // account's live post checks those users against its edges instead of paging its followers.
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...chanKey(channel, conn.id), alias: conn.alias, [TTL_ATTRIBUTE]: ttl },
      }),
    );
    if (PER_USER_CHANNELS.has(channel)) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: liveKey(conn.alias, channel),
          UpdateExpression: 'ADD conns :member SET #ttl = :ttl',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':member': new Set([member(conn.id, ttl)]), ':ttl': ttl },
        }),
      );
    }
    return 'subscribed';
  }

  /** The channel's record first (no more deliveries), then the connection's own set. */
  async unsubscribe(conn: GatewayConnection, channel: string): Promise<void> {
    await this.dropChannelRecord(conn, channel);
    await this.db
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: connKey(conn.id),
          UpdateExpression: 'DELETE channels :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': new Set([channel]) },
        }),
      )
      .catch((err: unknown) => {
        if (!isConditionFailed(err)) throw err;
      });
  }

  /** Removes a connection and every subscription record it has. Idempotent. */
  async remove(id: string): Promise<void> {
    const conn = await this.get(id);
    if (conn) await Promise.all(conn.channels.map((channel) => this.dropChannelRecord(conn, channel)));
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: connKey(id) }));
  }

  /** Live subscribers of a channel: of a shared one (e.g. `board:<id>`), or every connection on `feed`. */
  async subscribers(channel: string): Promise<Recipient[]> {
    const found: Recipient[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': `CHAN#${channel}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        if (this.live(item)) found.push({ id: String(item.sk).slice('CONN#'.length), alias: String(item.alias) });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return found;
  }

  /** The live connections of these users subscribed to `channel`. */
  async ofUsers(aliases: readonly string[], channel: string): Promise<Recipient[]> {
    if (!PER_USER_CHANNELS.has(channel)) {
      const wanted = new Set(aliases);
      return (await this.subscribers(channel)).filter((r) => wanted.has(r.alias));
    }
    const unique = [...new Set(aliases)];
    const found: Recipient[] = [];
    const nowSeconds = this.now() / 1000;
    for (let i = 0; i < unique.length; i += BATCH_GET_MAX) {
      const keys = unique.slice(i, i + BATCH_GET_MAX).map((alias) => liveKey(alias, channel));
      for (const item of await this.batchGet(keys)) {
        const alias = String(item.pk).slice('LIVE#'.length);
        for (const m of item.conns instanceof Set ? (item.conns as Set<string>) : []) {
          const [id, ttl] = m.split('|');
          if (id && Number(ttl) > nowSeconds) found.push({ id, alias });
        }
      }
    }
    return found;
  }

  /** Connections opened with this session token (to close them when it signs out). */
  async ofToken(tokenHash: string): Promise<string[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: MAIN_INDEXES.gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk },
        ExpressionAttributeValues: { ':pk': `WSTOKEN#${tokenHash}` },
      }),
    );
    return (Items ?? []).filter((item) => this.live(item)).map((item) => String(item.pk).slice('CONN#'.length));
  }

  private async dropChannelRecord(conn: GatewayConnection, channel: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: chanKey(channel, conn.id) }));
    if (PER_USER_CHANNELS.has(channel) && conn.alias !== null) {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: liveKey(conn.alias, channel),
          UpdateExpression: 'DELETE conns :member',
          ExpressionAttributeValues: { ':member': new Set([member(conn.id, expiry(conn.connectedAt))]) },
        }),
      );
    }
  }

  private async batchGet(keys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_GET_TRIES) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
      const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending } } }));
      items.push(...(res.Responses?.[this.table] ?? []));
      pending = res.UnprocessedKeys?.[this.table]?.Keys ?? [];
    }
    return items;
  }

  private live(item: Record<string, unknown>): boolean {
    return Number(item[TTL_ATTRIBUTE]) * 1000 > this.now();
  }
}

function identityAttributes(id: string, alias: string, tokenHash: string): Record<string, string> {
  return {
    alias,
    tokenHash,
    [MAIN_INDEXES.gsi1.pk]: `WSTOKEN#${tokenHash}`,
    [MAIN_INDEXES.gsi1.sk]: `CONN#${id}`,
  };
}

function expiry(connectedAt: number): number {
  return Math.ceil((connectedAt + CONNECTION_LIFETIME_MS) / 1000);
}

function member(id: string, ttl: number): string {
  return `${id}|${ttl}`;
}

function isConditionFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}
