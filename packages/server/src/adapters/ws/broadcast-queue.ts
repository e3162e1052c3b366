import { performance } from 'node:perf_hooks';
import type { FramedEvent } from './text-frame.js';
import type { WsConnection } from './ws-connection.js';

interface Broadcast {
  event: FramedEvent;
  channel: string;
  recipients: readonly WsConnection[];
  next: number;
  /** The server's unsubscribe count when queued: while it is unchanged, no recipient can have left the channel. */
  epoch: number;
  /** performance.now() when it was queued, and the ms spent writing its slices so far. */
  queuedAt: number;
  busyMs: number;
}

/** What the broadcasts written so far cost: how many, ms spent in their writes, ms from queued to last write. */
export interface BroadcastTiming {
  broadcasts: number;
  broadcastWriteMs: number;
  broadcastSpanMs: number;
}

/**
 * Writes broadcasts in slices of `chunk` sends, yielding to the event loop between slices: one socket write
 * costs 10-30 µs of kernel time, so a synchronous loop over 10,000 subscribers would stall every HTTP request
 * for 100+ ms. Broadcasts are written strictly in the order they were queued, so each connection still sees
 * events in order. With nothing queued ahead, the first slice of a broadcast is written at once.
 */
export class BroadcastQueue {
  private readonly queue: Broadcast[] = [];
  private scheduled = false;
  private readonly timing: BroadcastTiming = { broadcasts: 0, broadcastWriteMs: 0, broadcastSpanMs: 0 };
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly deliver: (conn: WsConnection, event: FramedEvent) => void,
    private readonly chunk: number,
    /** Called after each run of `deliver` calls for one event (a slice): writes gathered by `deliver` go out here. */
    private readonly endSlice: (event: FramedEvent) => void = () => {},
    /** A count that grows with every unsubscribe (the per-socket channel check is skipped while it stays put). */
    private readonly unsubscribes: () => number = () => 0,
  ) {}

  /**
   * Sends `event` (framed once for all of them) to every connection of `recipients` (read now: later changes to a Set do not matter) that
   * is still subscribed to `channel` when its slice is written: one unsubscribed or revoked meanwhile is skipped.
   */
  push(event: FramedEvent, recipients: ReadonlySet<WsConnection> | readonly WsConnection[], channel: string): void {
    const idle = this.queue.length === 0;
    const count = recipients instanceof Set ? recipients.size : (recipients as readonly WsConnection[]).length;
    const queuedAt = performance.now();
    if (idle && count <= this.chunk) {
      for (const conn of recipients) this.deliver(conn, event);
      this.endSlice(event);
      const ms = performance.now() - queuedAt;
      this.done(ms, ms);
      return;
    }
    const epoch = this.unsubscribes();
    this.queue.push({ event, channel, recipients: Array.from(recipients), next: 0, epoch, queuedAt, busyMs: 0 });
    if (idle) this.flush(); // the first slice goes out now, the rest on the following turns of the loop
  }

  /**
   * Runs `task` on a later turn of the event loop once no broadcast is being written, or after `maxWaitMs` at the
   * latest. For the loops over every connection that are not urgent (heartbeat pings, the session sweep): their
   * slices would otherwise take turns with a broadcast's and delay its last sockets by their whole cost (10,000
   * pings or session reads are 100+ ms of the thread), yet a stream of broadcasts must not starve them.
   */
  whenIdle(task: () => void, maxWaitMs = 1000): void {
    if (this.queue.length === 0) {
      setImmediate(task);
      return;
    }
    let ran = false;
    const run = (): void => {
      if (ran) return;
      ran = true;
      clearTimeout(timer);
      task();
    };
    const timer = setTimeout(run, maxWaitMs);
    this.idleWaiters.push(run);
  }

  /** Totals since start (a copy): the server-side cost of broadcasts, without the clients' side. */
  stats(): BroadcastTiming {
    return { ...this.timing };
  }

  private done(writeMs: number, spanMs: number): void {
    this.timing.broadcasts++;
    this.timing.broadcastWriteMs += writeMs;
    this.timing.broadcastSpanMs += spanMs;
  }

  /** Broadcasts queued and not yet fully written. */
  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    let budget = this.chunk;
    while (budget > 0) {
      const head = this.queue[0];
      if (!head) break;
      const end = Math.min(head.recipients.length, head.next + budget);
      const started = performance.now();
      const check = this.unsubscribes() !== head.epoch; // a Set lookup per socket only when someone left
      for (let i = head.next; i < end; i++) {
        const conn = head.recipients[i] as WsConnection;
        if (!check || conn.channels.has(head.channel)) this.deliver(conn, head.event);
      }
      this.endSlice(head.event);
      const now = performance.now();
      head.busyMs += now - started;
      budget -= end - head.next;
      head.next = end;
      if (head.next === head.recipients.length) {
        this.queue.shift();
        this.done(head.busyMs, now - head.queuedAt);
      }
    }
    if (this.queue.length > 0) this.schedule();
    else for (const run of this.idleWaiters.splice(0)) setImmediate(run);
  }
}
