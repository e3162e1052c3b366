import { connect, type Socket } from 'node:net';

/** What a lean request is: its bytes, serialized once before the load starts. */
export type LeanRequest = Buffer;

/** Serializes a bodiless HTTP/1.1 request (keep-alive) once, so sending it is a single socket write. */
export function leanRequest(
  baseUrl: string,
  request: { method: string; path: string; headers: Record<string, string> },
): LeanRequest {
  const host = new URL(baseUrl).host;
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const length = request.method === 'GET' ? '' : 'content-length: 0\r\n';
  return Buffer.from(
    `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\n${headers}${length}\r\n`,
    'latin1',
  );
}

type Answer = (ok: boolean, status: number) => void;

/**
 * A small pool of keep-alive sockets for the load generator: pre-serialized requests, one in flight per socket, and a
 * response read only as far as its status and length (the body is skipped). Node's http client costs the load
 * generator a few hundred µs of CPU per request on this machine, CPU the measured server shares; this costs a
 * fraction of it. Bodiless requests and Content-Length responses only (what the API answers outside streams).
 */
export class LeanPool {
  private readonly idle: LeanConnection[] = [];
  private readonly waiting: [LeanRequest, Answer][] = [];
  private readonly all: LeanConnection[] = [];

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly size: number,
  ) {}

  static of(baseUrl: string, size: number): LeanPool {
    const url = new URL(baseUrl);
    return new LeanPool(Number(url.port || 80), url.hostname, size);
  }

  send(request: LeanRequest, answer: Answer): void {
    const conn = this.idle.pop() ?? (this.all.length < this.size ? this.open() : null);
    if (conn) conn.send(request, answer);
    else this.waiting.push([request, answer]);
  }

  destroy(): void {
    for (const conn of this.all) conn.socket.destroy();
  }

  private open(): LeanConnection {
    const conn = new LeanConnection(connect(this.port, this.host), (c) => this.released(c));
    this.all.push(conn);
    return conn;
  }

  private released(conn: LeanConnection): void {
    if (conn.broken) {
      // Closed while idle (or in use): forgotten; a waiting request gets a new socket.
      this.all.splice(this.all.indexOf(conn), 1);
      if (this.idle.includes(conn)) this.idle.splice(this.idle.indexOf(conn), 1);
      const next = this.waiting.shift();
      if (next) this.send(...next);
      return;
    }
    const next = this.waiting.shift();
    if (next) conn.send(...next);
    else this.idle.push(conn);
  }
}

class LeanConnection {
  broken = false;
  private answer: Answer | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  /** Bytes of the current response still to skip (its body), once its head was read; -1: reading the head. */
  private remaining = -1;
  private status = 0;

  constructor(
    readonly socket: Socket,
    private readonly release: (conn: LeanConnection) => void,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    const fail = (): void => {
      if (this.broken) return;
      this.broken = true;
      const answer = this.answer;
      this.answer = null;
      answer?.(false, 0);
      this.release(this);
    };
    socket.on('error', fail);
    socket.on('close', fail);
  }

  send(request: LeanRequest, answer: Answer): void {
    this.answer = answer;
    this.socket.write(request);
  }

  private read(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.remaining < 0) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.toString('latin1', 0, end);
      this.status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length: *(\d+)/i.exec(head);
      this.remaining = length ? Number(length[1]) : 0;
      this.buffer = this.buffer.subarray(end + 4);
    }
    if (this.buffer.length < this.remaining) return;
    this.buffer = this.buffer.subarray(this.remaining);
    this.remaining = -1;
    const answer = this.answer;
    this.answer = null;
    answer?.(true, this.status);
    this.release(this);
  }
}
