import { STREAM_CLOSE } from '@tweeter/shared';
import { WebSocket } from 'ws';
import type { Realtime, RealtimeEvent } from '../../ports/realtime.js';
import type { FollowRepo } from '../../ports/store.js';
import { connectedFollowers } from '../../stream/connected-followers.js';
import { errorFrame, eventPayload, revokedFrame } from '../../stream/frames.js';
import { BroadcastQueue, type BroadcastTiming } from './broadcast-queue.js';
import { closeAll } from './close-all.js';
import { ConnectionIndex } from './connection-index.js';
import { FramedWrites } from './framed-writes.js';
import { framed, type FramedEvent } from './text-frame.js';
import { WriteHelper } from './write-helper.js';
import type { WsConnection } from './ws-connection.js';
import type { Presence } from './presence.js';

export interface WsStreamServerOptions {
  /** Interval of the one shared heartbeat: ping everyone, drop who did not answer the previous ping. */
  heartbeatMs: number;
  /** A connection with more than this queued for sending is closed with 1013 (slow consumer). */
  maxBufferedBytes: number;
  /** Sends per turn of the event loop when writing a broadcast (default 256, a few ms of socket writes). */
  broadcastChunk?: number;
  /** The follow edges, for `toFollowersOf` (without them it sends nothing). */
  follows?: Pick<FollowRepo, 'existing'>;
  /** A second thread writes half of each broadcast slice's sockets (write-helper.ts); default off. */
  writeThread?: boolean;
  /** Counts each identified connection by user for the job threads' `reaches` (node-runtime.ts); absent: none. */
  presence?: Presence;
  /** Where a failed follow check is reported (a live push is best effort). */
  onError?: (err: unknown) => void;
}

export interface WsStreamStats extends BroadcastTiming {
  connections: number;
  authenticated: number;
  subscriptions: number;
  channels: number;
  framesSent: number;
  slowConsumersDropped: number;
  heartbeatTimeouts: number;
  /** Broadcast frames written by the helper thread (WS_WRITE_THREAD). */
  helperWrites: number;
}

// Socket writes per turn of the event loop for broadcasts and heartbeats (a few ms of system calls).
const DEFAULT_CHUNK = 256;
// Events are pre-serialized buffers; `binary: false` keeps them text frames.
const TEXT = { binary: false } as const;

/**
 * The `ws` transport's `Realtime`: every stream connection of this server, indexed by user and by channel so
 * that a broadcast is one loop over a Set and `toUsers` one map lookup per alias. Each event is serialized and
 * framed once and the same frame is written to every recipient's TCP socket, in slices (see BroadcastQueue). The frames of each
 * connection are handled by the stream protocol (socket-driver.ts).
 */
export class WsStreamServer implements Realtime {
  private readonly connections = new Set<WsConnection>();
  private readonly index = new ConnectionIndex();
  private framesSent = 0;
  private slowConsumersDropped = 0;
  private heartbeatTimeouts = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly broadcasts: BroadcastQueue;
  private readonly checks = new Set<Promise<void>>();
  private readonly helper: WriteHelper | null;
  private readonly writes: FramedWrites;

  constructor(private readonly options: WsStreamServerOptions) {
    this.helper = options.writeThread ? new WriteHelper(options.onError) : null;
    this.writes = new FramedWrites(this.helper);
    this.broadcasts = new BroadcastQueue(
      (conn, event) => this.deliverFramed(conn, event),
      options.broadcastChunk ?? DEFAULT_CHUNK,
      (event) => this.writes.end(event),
      () => this.index.unsubscribes,
    );
  }

  toUsers(aliases: readonly string[], event: RealtimeEvent): void {
    let recipients: WsConnection[] | undefined; // most aliases may be offline: often nothing to serialize
    for (const alias of aliases) {
      const conns = this.index.byUser.get(alias);
      if (!conns) continue;
      for (const conn of conns) if (conn.channels.has(event.channel)) (recipients ??= []).push(conn);
    }
    if (recipients) this.broadcasts.push(framed(eventPayload(event)), recipients, event.channel);
  }

  reaches(aliases: readonly string[]): boolean {
    return aliases.some((alias) => this.index.byUser.has(alias));
  }

  toFollowersOf(author: string, event: RealtimeEvent): void {
    const { follows, onError } = this.options;
    const conns = this.index.byChannel.get(event.channel);
    if (!follows || !conns || conns.size === 0) return;
    const connected: string[] = [];
    for (const conn of conns) if (conn.alias !== null) connected.push(conn.alias);
    const check = connectedFollowers(follows, author, connected)
      .then((followers) => this.toUsers(followers, event))
      .catch((err: unknown) => onError?.(err));
    this.checks.add(check);
    void check.finally(() => this.checks.delete(check));
  }

  toChannel(event: RealtimeEvent): void {
    const conns = this.index.byChannel.get(event.channel);
    if (!conns || conns.size === 0) return;
    this.broadcasts.push(framed(eventPayload(event)), conns, event.channel);
  }

  /** Writes are handed to the sockets at once (the kernel buffers them): only follow checks are waited for. */
  async flush(): Promise<void> {
    while (this.checks.size > 0) await Promise.all([...this.checks]);
  }

  /** Runs `task` once no broadcast is being written (at most ~1 s later): see BroadcastQueue.whenIdle. */
  whenIdle(task: () => void): void {
    this.broadcasts.whenIdle(task);
  }

  /** Sends an event buffer or a reply string, unless the client has fallen too far behind. */
  send(conn: WsConnection, data: Buffer | string): void {
    this.deliver(conn, data);
  }

  /** Registers a new (not yet authenticated) connection; starts the heartbeat if it is the first. */
  add(conn: WsConnection): void {
    this.connections.add(conn);
    this.heartbeat ??= setInterval(() => this.beat(), this.options.heartbeatMs).unref();
  }

  revoke(alias: string, channel: string): void {
    for (const conn of this.index.byUser.get(alias) ?? []) {
      // A subscribe to this channel awaiting its check must check again: the check may predate the removal.
      if (conn.authorizing === channel) conn.authorizingRevoked = true;
      if (!conn.channels.has(channel)) continue;
      this.unsubscribe(conn, channel);
      this.send(conn, revokedFrame(channel));
    }
  }

  /** Marks a connection as acting for `alias` (indexed so that `toUsers` finds it). */
  identify(conn: WsConnection, alias: string, tokenHash: string): void {
    if (conn.closed || conn.alias !== null) return;
    conn.tokenHash = tokenHash;
    this.index.identify(conn, alias);
    this.options.presence?.enter(alias);
  }

  subscribe(conn: WsConnection, channel: string): void {
    if (!conn.closed) this.index.subscribe(conn, channel);
  }

  unsubscribe(conn: WsConnection, channel: string): void {
    this.index.unsubscribe(conn, channel);
  }

  /** Stops serving a connection and closes it with `code`; it leaves the indexes at once. */
  close(conn: WsConnection, code: number, reason: string): void {
    this.detach(conn);
    if (conn.socket.readyState === WebSocket.OPEN) conn.socket.close(code, reason);
  }

  /** Forgets a connection whose socket has closed. Idempotent. */
  remove(conn: WsConnection): void {
    this.detach(conn);
    this.connections.delete(conn);
    if (this.connections.size === 0) this.stopHeartbeat();
  }

  /**
   * Closes every connection opened with this session token (it signed out, or a password change ended it): the
   * error frame the session sweep sends, then 4401.
   */
  closeSession(tokenHash: string): void {
    for (const conn of this.connections) {
      if (conn.tokenHash !== tokenHash || conn.closed) continue;
      this.send(conn, errorFrame('unauthenticated', 'signed out: sign in again'));
      this.close(conn, STREAM_CLOSE.unauthenticated, 'signed out');
    }
  }

  /** Closes every connection of this account (it was deleted). */
  closeUser(alias: string): void {
    for (const conn of this.connections) {
      if (conn.alias === alias) this.close(conn, STREAM_CLOSE.unauthenticated, 'account deleted');
    }
  }

  /** Authenticated connections grouped by the hash of the session token they were opened with. */
  sessions(): Map<string, WsConnection[]> {
    const out = new Map<string, WsConnection[]>();
    for (const conn of this.connections) {
      if (conn.closed || conn.tokenHash === null) continue;
      const list = out.get(conn.tokenHash);
      if (list) list.push(conn);
      else out.set(conn.tokenHash, [conn]);
    }
    return out;
  }

  stats(): WsStreamStats {
    return {
      connections: this.connections.size,
      authenticated: this.index.authenticated,
      subscriptions: this.index.subscriptions,
      channels: this.index.byChannel.size,
      framesSent: this.framesSent,
      slowConsumersDropped: this.slowConsumersDropped,
      heartbeatTimeouts: this.heartbeatTimeouts,
      helperWrites: this.helper?.helped ?? 0,
      ...this.broadcasts.stats(),
    };
  }

  /**
   * Graceful stop: closes every connection with 1001 and waits up to `graceMs` for the closing handshakes;
   * whoever has not finished by then is cut off.
   */
  async shutdown(graceMs: number): Promise<void> {
    this.stopHeartbeat();
    await closeAll([...this.connections], graceMs, (conn) =>
      this.close(conn, STREAM_CLOSE.goingAway, 'server shutting down'),
    );
  }

  /** Stops the heartbeat timer (the context's close; sockets are closed by the HTTP server's shutdown). */
  stop(): void {
    this.stopHeartbeat();
    this.helper?.stop();
  }

  private deliver(conn: WsConnection, data: Buffer | string): void {
    if (!this.writable(conn)) return;
    conn.socket.send(data, TEXT);
    this.framesSent++;
  }

  // A broadcast's frame goes to the TCP socket as it is (see text-frame.ts): no per-socket framing.
  private deliverFramed(conn: WsConnection, event: FramedEvent): void {
    if (!this.writable(conn)) return;
    this.writes.write(conn.socket, event);
    this.framesSent++;
  }

  // Open, and not too far behind: a consumer that cannot keep up is cut off rather than buffered for.
  private writable(conn: WsConnection): boolean {
    const { socket } = conn;
    if (conn.closed || socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.slowConsumersDropped++;
      this.close(conn, STREAM_CLOSE.tryAgainLater, 'too slow: reconnect and catch up');
      return false;
    }
    return true;
  }

  private detach(conn: WsConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    if (conn.authTimer) clearTimeout(conn.authTimer);
    conn.authTimer = null;
    this.index.remove(conn);
    if (conn.alias !== null) this.options.presence?.leave(conn.alias);
  }

  // Like broadcasts, in slices: 10,000 pings in one loop would stall the server every heartbeat. Each slice waits
  // for the broadcast being written, if any: pings are not urgent, a broadcast's last sockets are.
  private beat(): void {
    const all = Array.from(this.connections);
    const slice = this.options.broadcastChunk ?? DEFAULT_CHUNK;
    const step = (from: number): void => {
      const end = Math.min(all.length, from + slice);
      for (let i = from; i < end; i++) this.check(all[i] as WsConnection);
      if (end < all.length) this.broadcasts.whenIdle(() => step(end));
    };
    this.broadcasts.whenIdle(() => step(0));
  }

  private check(conn: WsConnection): void {
    const { socket } = conn;
    if (!conn.alive) {
      this.heartbeatTimeouts++;
      this.detach(conn);
      socket.terminate(); // its 'close' event removes it
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    conn.alive = false;
    socket.ping();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
