import { ErrorFrame, EventFrame, STREAM_CLOSE } from '@tweeter/shared';
import { Observable } from './store.js';

/** The part of the browser's WebSocket the client uses (the `ws` package fits too, for tests in Node). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

/** connecting: first attempt; live: signed in and subscribed; reconnecting: lost, trying again. */
export type StreamStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

/** The wait before reconnect attempt `attempt` (0-based): a random 0.5 to 1.5 s, doubled each time, at most 30 s. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  return Math.min(30_000, (500 + random() * 1000) * 2 ** Math.min(attempt, 10));
}

const OPEN = 1;
/** A connection that lasted this long was healthy: the next loss starts the backoff again. */
const HEALTHY_MS = 60_000;

/**
 * Where one channel stands on one connection: a subscribe or an unsubscribe sent and not yet answered, acked, or
 * refused (an error answered the subscribe, or the server revoked it later). No entry: the server knows nothing of it.
 */
type ChannelState = 'subscribing' | 'subscribed' | 'unsubscribing' | 'refused';

/** One socket and what it was told: the channels are per connection, the server forgets them when it closes. */
interface Connection {
  readonly ws: WebSocketLike;
  /** The server acked the `auth` frame: only then are channels sent. */
  authed: boolean;
  /** The first set of subscriptions was answered and the sync listeners were told. */
  live: boolean;
  readonly channels: Map<string, ChannelState>;
}

export interface StreamOptions {
  /** The stream URL (from GET /api/v1/meta), asked again on every connect. */
  url(): Promise<string>;
  token(): string | null;
  connect(url: string): WebSocketLike;
  random?: () => number;
  now?: () => number;
  pingEveryMs?: number;
  pingTimeoutMs?: number;
}

/**
 * One live connection for the whole app: signs in with an `auth` frame (the token stays out of URLs),
 * keeps the channels the screens want subscribed across reconnects, reconnects with backoff, and
 * tells listeners when it is in sync again so they catch up over REST (the stream never replays).
 *
 * What the screens want (`wanted`, app-wide) and what this connection was told (`conn.channels`) are kept apart, and
 * `reconcile` brings the second to the first whenever either changes, once the sign-in is acked. So a screen may
 * subscribe before the socket opens, during the handshake or during a reconnect: it is sent all the same.
 */
export class StreamClient {
  readonly status = new Observable<StreamStatus>('idle');
  private conn: Connection | null = null;
  private running = false;
  private attempt = 0;
  private liveSince = 0;
  /** Channel to how many screens want it (two screens may want the same one). */
  private readonly wanted = new Map<string, number>();
  private readonly eventListeners = new Set<(e: EventFrame) => void>();
  private readonly syncListeners = new Set<() => void>();
  private readonly unauthListeners = new Set<() => void>();
  private readonly revokedListeners = new Set<(channel: string) => void>();
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: StreamOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    void this.open();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.stopPing();
    const ws = this.conn?.ws;
    this.conn = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      ws.close(1000, 'bye');
    }
    this.status.set('idle');
  }

  /** Starts receiving `channel` (counted: two screens may want the same one). */
  subscribe(channel: string): () => void {
    this.wanted.set(channel, (this.wanted.get(channel) ?? 0) + 1);
    this.reconcile();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.wanted.get(channel) ?? 1) - 1;
      if (left > 0) return void this.wanted.set(channel, left);
      this.wanted.delete(channel);
      this.reconcile();
    };
  }

  onEvent(fn: (e: EventFrame) => void): () => void {
    this.eventListeners.add(fn);
    return () => this.eventListeners.delete(fn);
  }

  /** Called each time the connection is signed in and subscribed again: the moment to catch up. */
  onSync(fn: () => void): () => void {
    this.syncListeners.add(fn);
    return () => this.syncListeners.delete(fn);
  }

  /**
   * The server took a channel away (an unsolicited `forbidden` error naming it: removed from a private board).
   * The subscription is kept, so a later subscribe after reconnecting is answered again by the server.
   */
  onRevoked(fn: (channel: string) => void): () => void {
    this.revokedListeners.add(fn);
    return () => this.revokedListeners.delete(fn);
  }

  /** The server refused the token (4401): sign in again. */
  onUnauthenticated(fn: () => void): () => void {
    this.unauthListeners.add(fn);
    return () => this.unauthListeners.delete(fn);
  }

  private async open(): Promise<void> {
    this.status.set(this.attempt === 0 && this.liveSince === 0 ? 'connecting' : 'reconnecting');
    const token = this.opts.token();
    if (!token) return this.stop();
    let ws: WebSocketLike;
    try {
      ws = this.opts.connect(await this.opts.url());
    } catch {
      return this.retry();
    }
    if (!this.running) return ws.close(1000);
    const conn: Connection = { ws, authed: false, live: false, channels: new Map() };
    this.conn = conn;
    // Channels go out only after the ack: on API Gateway a subscribe pipelined behind `auth` may run before it.
    ws.onopen = () => this.send({ type: 'auth', token, id: 'auth' });
    ws.onmessage = (ev) => {
      if (this.conn === conn) this.receive(conn, ev.data);
    };
    ws.onerror = () => undefined; // onclose follows and decides
    ws.onclose = (ev) => {
      if (this.conn !== conn) return;
      this.conn = null;
      this.stopPing();
      if (!this.running) return;
      if (ev.code === STREAM_CLOSE.unauthenticated) {
        this.stop();
        for (const fn of this.unauthListeners) fn();
        return;
      }
      const now = (this.opts.now ?? Date.now)();
      if (this.liveSince && now - this.liveSince >= HEALTHY_MS) this.attempt = 0;
      this.retry();
    };
  }

  private retry(): void {
    if (!this.running) return;
    this.status.set('reconnecting');
    const delay = reconnectDelay(this.attempt++, this.opts.random);
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private receive(conn: Connection, data: unknown): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as { type?: unknown; id?: unknown; op?: unknown };
    if (f.type === 'ack' || f.type === 'error') {
      if (f.id === 'ping') return clearTimeout(this.pongTimer);
      if (typeof f.id === 'string' && this.answered(conn, f.id, f.type === 'ack')) return this.reconcile();
      const error = ErrorFrame.safeParse(frame);
      if (error.success && error.data.id === undefined && error.data.code === 'forbidden' && error.data.channel) {
        const { channel } = error.data;
        // The server dropped it: nothing to unsubscribe, and no retry on this connection (a reconnect asks again).
        if (conn.channels.get(channel) === 'subscribed') conn.channels.set(channel, 'refused');
        for (const fn of this.revokedListeners) fn(channel);
      }
      return;
    }
    const event = EventFrame.safeParse(frame);
    // Unknown event types are ignored, as the protocol asks.
    if (event.success) for (const fn of this.eventListeners) fn(event.data);
  }

  /** Records the answer to one of our frames (by its id); false if the id is not one of ours. */
  private answered(conn: Connection, id: string, ok: boolean): boolean {
    if (id === 'auth') {
      // A refused token is followed by close 4401, which onclose handles.
      if (ok) conn.authed = true;
      return true;
    }
    const sub = id.startsWith('sub:') ? id.slice(4) : null;
    if (sub !== null) {
      if (conn.channels.get(sub) === 'subscribing') conn.channels.set(sub, ok ? 'subscribed' : 'refused');
      return true;
    }
    const unsub = id.startsWith('unsub:') ? id.slice(6) : null;
    if (unsub !== null) {
      if (conn.channels.get(unsub) === 'unsubscribing') conn.channels.delete(unsub);
      return true;
    }
    return false;
  }

  /**
   * Brings what the connection was told to what the screens want; called on every change of either. Waits while a
   * channel has a frame in flight (API Gateway may run two frames of a connection at once: an unsubscribe must not
   * overtake the subscribe it undoes), and goes live once every subscription of a signed-in connection is answered.
   */
  private reconcile(): void {
    const conn = this.conn;
    if (!conn?.authed) return; // the auth ack calls this again
    for (const channel of this.wanted.keys()) {
      if (conn.channels.has(channel)) continue;
      conn.channels.set(channel, 'subscribing');
      this.send({ type: 'subscribe', channel, id: `sub:${channel}` });
    }
    for (const [channel, state] of conn.channels) {
      if (this.wanted.has(channel)) continue;
      if (state === 'refused') conn.channels.delete(channel);
      else if (state === 'subscribed') {
        conn.channels.set(channel, 'unsubscribing');
        this.send({ type: 'unsubscribe', channel, id: `unsub:${channel}` });
      }
    }
    if (!conn.live && ![...conn.channels.values()].includes('subscribing')) {
      conn.live = true;
      this.becomeLive();
    }
  }

  private becomeLive(): void {
    this.liveSince = (this.opts.now ?? Date.now)();
    this.status.set('live');
    this.startPing();
    for (const fn of this.syncListeners) fn();
  }

  // Browsers cannot see protocol pings, so an application ping notices a dead connection.
  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      this.send({ type: 'ping', id: 'ping' });
      this.pongTimer = setTimeout(() => this.conn?.ws.close(4000, 'ping timeout'), this.opts.pingTimeoutMs ?? 10_000);
    }, this.opts.pingEveryMs ?? 30_000);
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  private send(frame: object): void {
    const ws = this.conn?.ws;
    if (ws?.readyState === OPEN) ws.send(JSON.stringify(frame));
  }
}
