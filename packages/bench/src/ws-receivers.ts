import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { now, WsSubscribers } from './ws-clients.js';
import { RawSubscribers } from './ws-raw-clients.js';

/** The receivers' client: `raw` (plain TCP sockets past the upgrade, ws-raw-clients.ts) or the `ws` library. */
export type ReceiverKind = 'raw' | 'ws';

/** Messages to a receiver thread (ws-receiver-worker.ts). */
export type ToReceiver =
  | { type: 'open'; tokens: string[] }
  | { type: 'arm'; index: number; marker: string; timeoutMs: number }
  | { type: 'sent'; at: number }
  | { type: 'close' };

type FromReceiver =
  | { type: 'opened'; size: number }
  | { type: 'armed' }
  | { type: 'done'; delays: number[]; lost: number }
  | { type: 'closed'; errors: number; unexpectedCloses: number }
  | { type: 'failed' };

/** Threads the subscribers are spread over: one per core, at most 4 (the server needs a core too). */
export function receiverThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/**
 * The benchmark's subscribers, spread over `threads` worker threads: 10,000 receipts on one thread (a read, a
 * frame parse and a handler each) take longer than the server's writes, so one receiving thread would measure
 * itself. Same surface as WsSubscribers; with 0 threads (or when running from TypeScript source, where the
 * worker's built entry does not exist) it is the chosen client on this thread.
 */
export class WsReceivers {
  private readonly local: WsSubscribers | RawSubscribers | null;
  private readonly stream: { streamUrl: string; channel: string };
  private readonly workers: Worker[] = [];
  private readonly inbox = new Map<Worker, ((msg: FromReceiver) => void)[]>();
  private opened = 0;
  readonly delays: number[] = [];
  errors = 0;
  unexpectedCloses = 0;

  constructor(streamUrl: string, channel: string, threads: number, kind: ReceiverKind = 'raw') {
    const built = extname(fileURLToPath(import.meta.url)) === '.js';
    const local = threads === 0 || !built;
    this.local = !local ? null : kind === 'ws' ? new WsSubscribers() : new RawSubscribers();
    this.stream = { streamUrl, channel };
    if (this.local) return;
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL('./ws-receiver-worker.js', import.meta.url), {
        workerData: { streamUrl, channel, kind },
      });
      this.inbox.set(worker, []);
      worker.on('message', (msg: FromReceiver) => this.inbox.get(worker)?.shift()?.(msg));
      // A thread that died answers everything still asked of it as failed, so no step waits for it forever.
      worker.on('error', () => {
        this.errors++;
        for (const answer of this.inbox.get(worker)?.splice(0) ?? []) answer({ type: 'failed' });
        this.inbox.delete(worker);
      });
      this.workers.push(worker);
    }
  }

  get size(): number {
    return this.local ? this.local.size : this.opened;
  }

  /** Opens connections `from` to `to` - 1 (`tokenOf(i)` signs in connection i), dealt round the threads. */
  async open(from: number, to: number, tokenOf: (i: number) => string): Promise<void> {
    if (this.local) return this.local.open(this.stream.streamUrl, from, to, this.stream.channel, tokenOf);
    const shares = this.workers.map(() => [] as string[]);
    for (let i = from; i < to; i++) shares[i % this.workers.length]?.push(tokenOf(i));
    const sizes = await Promise.all(this.workers.map((w, i) => this.ask(w, { type: 'open', tokens: shares[i] ?? [] })));
    this.opened = sizes.reduce((n, m) => n + (m.type === 'opened' ? m.size : 0), 0);
  }

  /** As WsSubscribers.expect: every thread armed first, then `send`; how many subscribers never got it. */
  async expect(index: number, marker: string, send: () => Promise<void>, timeoutMs: number): Promise<number> {
    if (this.local) {
      const lost = await this.local.expect(index, marker, send, timeoutMs);
      this.delays.push(...this.local.delays.splice(0));
      return lost;
    }
    const armed = this.workers.map((w) => this.ask(w, { type: 'arm', index, marker, timeoutMs }));
    await Promise.all(armed);
    const done = this.workers.map((w) => this.next(w));
    const at = now();
    try {
      await send();
    } finally {
      // Even when the send failed: each thread's answers stay in step (it times out, reporting all lost).
      for (const w of this.workers) w.postMessage({ type: 'sent', at } satisfies ToReceiver);
    }
    let lost = 0;
    for (const msg of await Promise.all(done)) {
      if (msg.type !== 'done') continue;
      this.delays.push(...msg.delays);
      lost += msg.lost;
    }
    return lost;
  }

  async close(): Promise<void> {
    if (this.local) {
      await this.local.close();
      this.errors += this.local.errors;
      this.unexpectedCloses += this.local.unexpectedCloses;
      return;
    }
    for (const msg of await Promise.all(this.workers.map((w) => this.ask(w, { type: 'close' })))) {
      if (msg.type !== 'closed') continue;
      this.errors += msg.errors;
      this.unexpectedCloses += msg.unexpectedCloses;
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  // The thread's next message (they answer in order).
  private next(worker: Worker): Promise<FromReceiver> {
    const waiting = this.inbox.get(worker);
    if (!waiting) return Promise.resolve({ type: 'failed' });
    return new Promise((resolve) => waiting.push(resolve));
  }

  private ask(worker: Worker, msg: ToReceiver): Promise<FromReceiver> {
    const answer = this.next(worker);
    worker.postMessage(msg);
    return answer;
  }
}
