/** A server-to-client event on the live stream. */
export interface RealtimeEvent {
  type: string;
  channel: string;
  data: unknown;
}

/**
 * Pushes events to connected clients. Two transports implement it: the `ws` server in process
 * (adapters/ws/) and API Gateway's WebSocket API (adapters/apigw/); both speak the stream protocol (stream/).
 */
export interface Realtime {
  /** To every connection of these users that subscribed to `event.channel` (e.g. `feed`). */
  toUsers(aliases: readonly string[], event: RealtimeEvent): void;
  /**
   * To every connection subscribed to `event.channel` whose user follows `author` when checked: for a pulled
   * account, whose followers are too many to list, the connected users are checked against the follow edges.
   */
  toFollowersOf(author: string, event: RealtimeEvent): void;
  /**
   * false when none of these users has a connection here now, so a push to them would reach nobody and need not be
   * built; true when one may have. Absent: not known (build the push).
   */
  reaches?(aliases: readonly string[]): boolean;
  /** To every connection subscribed to `event.channel` (e.g. `board:<id>`). */
  toChannel(event: RealtimeEvent): void;
  /** Access to `channel` was taken from `alias` (removed from a private board): stop delivering it to them now. */
  revoke(alias: string, channel: string): void;
  /**
   * Resolves once every event handed over so far has been sent or given up on. Sends happen in the
   * background; a Lambda invocation awaits this before it returns (a frozen function sends nothing).
   */
  flush(): Promise<void>;
}

export const noRealtime: Realtime = {
  toUsers: () => undefined,
  toFollowersOf: () => undefined,
  reaches: () => false,
  toChannel: () => undefined,
  revoke: () => undefined,
  flush: () => Promise.resolve(),
};
