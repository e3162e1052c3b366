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
 */
export class StreamClient {
  readonly status = new Observable<StreamStatus>('idle');
  private ws: WebSocketLike | null = null;
  private running = false;
  private attempt = 0;
  private liveSince = 0;
  private waitingFor = 0;
  private readonly channels = new Map<string, number>();
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
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = ws.onmessage = ws.onerror = ws.onopen = null;
      ws.close(1000, 'bye');
    }
    this.status.set('idle');
  }

  /** Starts receiving `channel` (counted: two screens may want the same one). */
  subscribe(channel: string): () => void {
    const n = this.channels.get(channel) ?? 0;
    this.channels.set(channel, n + 1);
    if (n === 0 && this.status.get() === 'live') this.send({ type: 'subscribe', channel });
    return () => {
      const left = (this.channels.get(channel) ?? 1) - 1;
      if (left > 0) return void this.channels.set(channel, left);
      this.channels.delete(channel);
      if (this.status.get() === 'live') this.send({ type: 'unsubscribe', channel });
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
    this.ws = ws;
    ws.onopen = () => {
      // Pipelined: the server answers frames strictly in order, so the subscriptions run after the sign-in.
      this.waitingFor = 1 + this.channels.size;
      this.send({ type: 'auth', token, id: 'auth' });
      for (const channel of this.channels.keys()) this.send({ type: 'subscribe', channel, id: `sub:${channel}` });
    };
    ws.onmessage = (ev) => this.receive(ev.data);
    ws.onerror = () => undefined; // onclose follows and decides
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
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

  private receive(data: unknown): void {
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
      if (typeof f.id === 'string' && (f.id === 'auth' || f.id.startsWith('sub:')) && this.waitingFor > 0) {
        if (--this.waitingFor === 0 && f.type === 'ack') this.becomeLive();
        if (this.waitingFor === 0 && f.type === 'error' && f.id !== 'auth') this.becomeLive();
        return;
      }
      const error = ErrorFrame.safeParse(frame);
      if (error.success && error.data.id === undefined && error.data.code === 'forbidden' && error.data.channel) {
        for (const fn of this.revokedListeners) fn(error.data.channel);
      }
      return;
    }
    const event = EventFrame.safeParse(frame);
    // Unknown event types are ignored, as the protocol asks.
    if (event.success) for (const fn of this.eventListeners) fn(event.data);
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
      this.pongTimer = setTimeout(() => this.ws?.close(4000, 'ping timeout'), this.opts.pingTimeoutMs ?? 10_000);
    }, this.opts.pingEveryMs ?? 30_000);
  }

  private stopPing(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
  }

  private send(frame: object): void {
    if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify(frame));
  }
}
