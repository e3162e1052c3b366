import type { ServerFrame } from '@tweeter/shared';
import { WebSocket, type ClientOptions } from 'ws';
import { eventually } from './test-app.js';

export interface Closed {
  code: number;
  reason: string;
}

/** A real `ws` client of GET /api/v1/stream that records every frame it receives. */
export class TestStreamClient {
  readonly frames: ServerFrame[] = [];
  readonly closed: Promise<Closed>;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame));
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') })),
    );
  }

  /** Connects (with `?token=` if given) and waits for the upgrade. */
  static async open(streamUrl: string, token?: string, options?: ClientOptions): Promise<TestStreamClient> {
    const url = token === undefined ? streamUrl : `${streamUrl}?token=${encodeURIComponent(token)}`;
    const client = new TestStreamClient(new WebSocket(url, options));
    await new Promise<void>((resolve, reject) => {
      client.ws.once('open', () => resolve());
      client.ws.once('error', reject);
    });
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a frame with a fresh id and waits for the ack or error that answers it. */
  async request(frame: Record<string, unknown>): Promise<ServerFrame> {
    const id = this.nextId++;
    const from = this.frames.length;
    this.send({ ...frame, id });
    return this.waitFor((f) => (f.type === 'ack' || f.type === 'error') && f.id === id, from);
  }

  /** Waits until a frame matching `match` has arrived (at index `from` or later); returns the first one. */
  async waitFor(match: (f: ServerFrame) => boolean, from = 0, timeoutMs = 10_000): Promise<ServerFrame> {
    return eventually(async () => this.frames.slice(from).find(match), timeoutMs);
  }

  /** Events (not acks or errors) of one type received so far. */
  events(type: string): { type: string; channel: string; data: unknown }[] {
    return this.frames.filter((f) => f.type === type) as { type: string; channel: string; data: unknown }[];
  }

  close(): void {
    this.ws.close();
  }
}
