import type { WsConnection } from './ws-connection.js';

/**
 * Who is connected, indexed two ways: by user (for `toUsers`, one map lookup per alias) and by channel (for
 * `toChannel` and `toFollowersOf`, one Set to loop over). The stream server owns the sockets; this owns only the
 * indexes and their counters, so that every place a connection enters or leaves them is in one file.
 */
export class ConnectionIndex {
  readonly byUser = new Map<string, Set<WsConnection>>();
  readonly byChannel = new Map<string, Set<WsConnection>>();
  subscriptions = 0;
  /** Ever made: a broadcast in progress compares it to know whether its recipient set may have shrunk. */
  unsubscribes = 0;
  authenticated = 0;

  /** Indexes a connection under `alias` (once: a connection acts for one account for its whole life). */
  identify(conn: WsConnection, alias: string): void {
    conn.alias = alias;
    this.authenticated++;
    let conns = this.byUser.get(alias);
    if (!conns) this.byUser.set(alias, (conns = new Set()));
    conns.add(conn);
  }

  subscribe(conn: WsConnection, channel: string): void {
    if (conn.channels.has(channel)) return;
    conn.channels.add(channel);
    this.subscriptions++;
    let conns = this.byChannel.get(channel);
    if (!conns) this.byChannel.set(channel, (conns = new Set()));
    conns.add(conn);
  }

  unsubscribe(conn: WsConnection, channel: string): void {
    if (!conn.channels.delete(channel)) return;
    this.subscriptions--;
    this.unsubscribes++;
    const conns = this.byChannel.get(channel);
    conns?.delete(conn);
    if (conns?.size === 0) this.byChannel.delete(channel);
  }

  /** Takes a connection out of every index (its channels and its user). */
  remove(conn: WsConnection): void {
    for (const channel of [...conn.channels]) this.unsubscribe(conn, channel);
    if (conn.alias === null) return;
    this.authenticated--;
    const conns = this.byUser.get(conn.alias);
    conns?.delete(conn);
    if (conns?.size === 0) this.byUser.delete(conn.alias);
  }
}
