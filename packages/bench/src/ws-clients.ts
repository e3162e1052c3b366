import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';

/** One subscriber connection of the benchmark. */
interface Subscriber {
  ws: WebSocket;
  ready: boolean; // its subscribe was acknowledged
  last: number; // index of the last message it received (NaN before any)
}

const OPEN_TIMEOUT_MS = 30_000;

/**
 * N live-stream clients in this process, each signed in and subscribed to one channel. Receipt times are
 * taken in the 'message' handler with no JSON parsing (a marker search), so the client side adds as little
 * as it can to the delivery times it measures.
 */
export class WsSubscribers {
  private readonly subs: Subscriber[] = [];
  private marker: Buffer | null = null;
  private index = -1;
  private pending = 0;
  // Receipt times of the current message (epoch ms, sub-ms precision: comparable across threads).
  private receivedAt: number[] = [];
  private onAll: (() => void) | null = null;
  /** Delivery times in ms, one per (message, subscriber) receipt. */
  readonly delays: number[] = [];
  errors = 0;
  unexpectedCloses = 0;

  /** Opens connections `from` to `to` - 1, `batch` at a time; `tokenOf(i)` signs in connection i. */
  async open(
    streamUrl: string,
    from: number,
    to: number,
    channel: string,
    tokenOf: (i: number) => string,
    batch = 500,
  ): Promise<void> {
    await openInBatches(
      from,
      to,
      batch,
      (i) => this.openOne(streamUrl, channel, tokenOf(i)),
      () => this.errors++,
    );
  }

  get size(): number {
    return this.subs.length;
  }

  /**
   * Arms the clients for message `index` (frames containing `marker`), calls `send`, and resolves when every
   * subscriber has it or after `timeoutMs`; returns how many never got it. `send` may resolve to the time it was
   * sent (epoch ms, `now()`), when another thread sent it; otherwise the time is taken here before calling it.
   */
  async expect(index: number, marker: string, send: () => Promise<number | void>, timeoutMs: number): Promise<number> {
    this.marker = Buffer.from(marker);
    this.index = index;
    this.pending = this.subs.length;
    this.receivedAt = [];
    const all = new Promise<void>((resolve) => (this.onAll = resolve));
    const armedAt = now();
    const sentAt = (await send()) ?? armedAt;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.onAll = null;
    this.marker = null;
    for (const at of this.receivedAt) this.delays.push(at - sentAt);
    return this.pending;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.subs.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (s.ws.readyState === WebSocket.CLOSED) return resolve();
            s.ws.once('close', () => resolve());
            s.ws.terminate();
          }),
      ),
    );
  }

  private openOne(streamUrl: string, channel: string, token: string): Promise<void> {
    const ws = new WebSocket(`${streamUrl}?token=${encodeURIComponent(token)}`, { perMessageDeflate: false });
    const sub: Subscriber = { ws, ready: false, last: Number.NaN };
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('timed out opening a connection')), OPEN_TIMEOUT_MS);
      ws.once('error', fail);
      ws.once('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel, id: 1 })));
      ws.on('message', (data: Buffer) => {
        if (sub.ready) return this.receipt(sub, data);
        const text = data.toString('utf8');
        if (text.includes('"type":"ack"')) {
          sub.ready = true;
          clearTimeout(timer);
          this.subs.push(sub);
          ws.on('close', () => this.unexpectedCloses++);
          ws.on('error', () => this.errors++);
          resolve();
        } else {
          fail(new Error(`subscribe failed: ${text.slice(0, 200)}`));
        }
      });
    });
  }

  private receipt(sub: Subscriber, data: Buffer): void {
    const at = now();
    if (this.marker === null || sub.ws.readyState !== WebSocket.OPEN || data.indexOf(this.marker) < 0) return;
    if (sub.last === this.index) return;
    sub.last = this.index;
    this.receivedAt.push(at);
    if (--this.pending === 0) this.onAll?.();
  }
}

/** Epoch ms with sub-ms precision, on one clock for every thread of the process. */
export function now(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Opens connections `from` to `to` - 1, `batch` at a time. A connection that fails to open or subscribe is counted
 * (`failed`), not fatal: the clients' `size` says how many made it.
 */
export async function openInBatches(
  from: number,
  to: number,
  batch: number,
  openOne: (i: number) => Promise<void>,
  failed: () => void,
): Promise<void> {
  for (let start = from; start < to; start += batch) {
    const opening: Promise<void>[] = [];
    for (let i = start; i < Math.min(to, start + batch); i++) opening.push(openOne(i).catch(failed));
    await Promise.all(opening);
  }
}
