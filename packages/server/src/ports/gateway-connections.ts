/** A stream connection held by a gateway outside this process (API Gateway's WebSocket API), as recorded. */
export interface GatewayConnection {
  id: string;
  /** The signed-in user, once authenticated. */
  alias: string | null;
  /** SHA-256 of the session token it authenticated with, so signing out can close it. */
  tokenHash: string | null;
  /** Epoch ms of the connect. */
  connectedAt: number;
  channels: readonly string[];
}

export type SubscribeOutcome = 'subscribed' | 'full' | 'gone';

/**
 * The connections of an external WebSocket gateway: recorded in the store (each invocation of a stateless
 * handler reads them back) and written to through the gateway's management API.
 */
export interface GatewayConnections {
  /** Records a new connection (authenticated already when `identity` is given). */
  open(id: string, connectedAt: number, identity?: { alias: string; tokenHash: string }): Promise<void>;
  /** The connection, or null when unknown or past its lifetime. */
  get(id: string): Promise<GatewayConnection | null>;
  /** Marks the connection as acting for `alias`; false when it is gone or already authenticated. */
  identify(id: string, alias: string, tokenHash: string): Promise<boolean>;
  /** Adds a channel, unless the connection already has `max` others ('full') or is gone. */
  subscribe(conn: GatewayConnection, channel: string, max: number): Promise<SubscribeOutcome>;
  unsubscribe(conn: GatewayConnection, channel: string): Promise<void>;
  /** Sends one frame; false when the client has gone (its records are removed then). */
  send(id: string, frame: string): Promise<boolean>;
  /** Closes the connection from the server's side and removes its records. */
  close(id: string): Promise<void>;
  /** Removes the records of a connection that has closed ($disconnect). Idempotent. */
  forget(id: string): Promise<void>;
}
