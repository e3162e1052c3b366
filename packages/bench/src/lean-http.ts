import { connect, type Socket } from 'node:net';

/** What a lean request is: its bytes, serialized once before the load starts. */
export type LeanRequest = Buffer;

/**
 * Serializes an HTTP/1.1 request (keep-alive) once, so sending it is a single socket write: bodiless, or with `body`
 * (UTF-8, its Content-Length in bytes; a POST's JSON, its content-type among `headers`).
 */
export function leanRequest(
  baseUrl: string,
  request: { method: string; path: string; headers: Record<string, string>; body?: string },
): LeanRequest {
  const host = new URL(baseUrl).host;
  const headers = Object.entries(request.headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const body = Buffer.from(request.body ?? '', 'utf8');
  const length = request.method === 'GET' && body.length === 0 ? '' : `content-length: ${body.length}\r\n`;
  const head = Buffer.from(
    `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\n${headers}${length}\r\n`,
    'latin1',
  );
  return body.length === 0 ? head : Buffer.concat([head, body]);
}

/**
 * Called once for every request sent: `tag` is the number the sender gave it (its own index of the request's due
 * time), so a request costs no closure on the load generator's heap; ok false: the socket failed before the answer.
 */
export type Answered = (tag: number, ok: boolean, status: number) => void;

/**
 * A small pool of keep-alive sockets for the load generator: pre-serialized requests, one in flight per socket, and a
 * response read only as far as its status and length (the body is skipped). Node's http client costs the load
 * generator a few hundred µs of CPU per request on this machine, CPU the measured server shares; this costs a
 * fraction of it. Requests serialized beforehand (bodies included), Content-Length responses only (what the API
 * answers outside streams).
 */
export class LeanPool {
  private readonly idle: LeanConnection[] = [];
  /** Requests waiting for a free socket, oldest first: a ring that grows (by doubling) only past its size. */
  private waitingRequests: (LeanRequest | undefined)[] = new Array<LeanRequest | undefined>(1024).fill(undefined);
  private waitingTags = new Float64Array(1024);
  private waitingHead = 0;
  private waitingCount = 0;
  private readonly all: LeanConnection[] = [];
  /** Where every socket's reads land (read and parsed at once, so one buffer serves them all). */
  private readonly readBuffer = Buffer.alloc(64 * 1024);

  constructor(
    private readonly port: number,
    private readonly host: string,
    private readonly size: number,
    private readonly answered: Answered,
  ) {}

  static of(baseUrl: string, size: number, answered: Answered): LeanPool {
    const url = new URL(baseUrl);
    return new LeanPool(Number(url.port || 80), url.hostname, size, answered);
  }

  /** Sends `request` on a free socket, or queues it for the next one freed; `answered(tag, ...)` follows once. */
  send(request: LeanRequest, tag: number): void {
    const conn = this.idle.pop() ?? (this.all.length < this.size ? this.open() : null);
    if (conn) conn.send(request, tag);
    else this.wait(request, tag);
  }

  /** Opens every socket now and resolves once all are connected (or failed): set-up before a measured load. */
  async connectAll(): Promise<void> {
    while (this.all.length < this.size) this.idle.push(this.open());
    await Promise.all(this.all.map((conn) => conn.connected));
  }

  destroy(): void {
    for (const conn of this.all) conn.socket.destroy();
  }

  private open(): LeanConnection {
    const conn = new LeanConnection(this.port, this.host, this.readBuffer, this.answered, (c) => this.released(c));
    this.all.push(conn);
    return conn;
  }

  private released(conn: LeanConnection): void {
    if (conn.broken) {
      // Closed while idle (or in use): forgotten; a waiting request gets a new socket.
      this.all.splice(this.all.indexOf(conn), 1);
      if (this.idle.includes(conn)) this.idle.splice(this.idle.indexOf(conn), 1);
      if (this.waitingCount > 0) this.send(this.waitingRequest(), this.dequeue());
      return;
    }
    if (this.waitingCount > 0) conn.send(this.waitingRequest(), this.dequeue());
    else this.idle.push(conn);
  }

  private wait(request: LeanRequest, tag: number): void {
    const size = this.waitingTags.length;
    if (this.waitingCount === size) {
      // Full: the same ring twice as large, oldest first (a stall of the server that long is rare).
      const requests = new Array<LeanRequest | undefined>(size * 2).fill(undefined);
      const tags = new Float64Array(size * 2);
      for (let i = 0; i < size; i++) {
        requests[i] = this.waitingRequests[(this.waitingHead + i) % size];
        tags[i] = this.waitingTags[(this.waitingHead + i) % size] as number;
      }
      this.waitingRequests = requests;
      this.waitingTags = tags;
      this.waitingHead = 0;
    }
    const at = (this.waitingHead + this.waitingCount) % this.waitingTags.length;
    this.waitingRequests[at] = request;
    this.waitingTags[at] = tag;
    this.waitingCount += 1;
  }

  /** The oldest waiting request (read before `dequeue`). */
  private waitingRequest(): LeanRequest {
    return this.waitingRequests[this.waitingHead] as LeanRequest;
  }

  /** Takes the oldest waiting request off the ring; its tag. */
  private dequeue(): number {
    const tag = this.waitingTags[this.waitingHead] as number;
    this.waitingRequests[this.waitingHead] = undefined;
    this.waitingHead = (this.waitingHead + 1) % this.waitingTags.length;
    this.waitingCount -= 1;
    return tag;
  }
}

/** The longest response head a lean connection reads (the API's are a few hundred bytes). */
const HEAD_MAX = 4096;
const CR = 13;
const LF = 10;
/** `content-length:` in lower case, compared byte by byte (header names are case-insensitive). */
const CONTENT_LENGTH = Buffer.from('content-length:', 'latin1');

/**
 * One keep-alive socket. Its reads land in one buffer shared by the pool (`onread`: no Buffer allocated per read)
 * and a response is parsed in place, byte by byte: the head copied into a small fixed buffer, the body only counted.
 * So answering a request allocates nothing on the load generator's heap and its GC stays out of the measured latency.
 */
class LeanConnection {
  readonly socket: Socket;
  /** Resolves when the socket connected or failed. */
  readonly connected: Promise<void>;
  broken = false;
  /** The tag of the request in flight on this socket; -1: none. */
  private tag = -1;
  private readonly head = Buffer.alloc(HEAD_MAX);
  private headLength = 0;
  /** Bytes of the current response's body still to skip once its head was read; -1: reading the head. */
  private remaining = -1;
  private status = 0;

  constructor(
    port: number,
    host: string,
    readBuffer: Buffer,
    private readonly answered: Answered,
    private readonly release: (conn: LeanConnection) => void,
  ) {
    this.socket = connect({ port, host, onread: { buffer: readBuffer, callback: (n, buf) => this.read(buf, n) } });
    this.socket.setNoDelay(true);
    this.connected = new Promise((resolve) => {
      this.socket.once('connect', resolve);
      this.socket.once('close', () => resolve());
    });
    const fail = (): void => {
      if (this.broken) return;
      this.broken = true;
      const tag = this.tag;
      this.tag = -1;
      if (tag >= 0) this.answered(tag, false, 0);
      this.release(this);
    };
    this.socket.on('error', fail);
    this.socket.on('close', fail);
  }

  send(request: LeanRequest, tag: number): void {
    this.tag = tag;
    this.socket.write(request);
  }

  /** Reads what arrived; true: go on reading (the socket is never paused). */
  private read(buf: Uint8Array, length: number): boolean {
    let i = 0;
    while (i < length) {
      if (this.remaining < 0) {
        // The head: copied until its blank line (CR LF CR LF).
        const head = this.head;
        while (i < length && this.remaining < 0) {
          if (this.headLength === HEAD_MAX) {
            this.socket.destroy(new Error('response head too long'));
            return false;
          }
          head[this.headLength++] = buf[i++] as number;
          const n = this.headLength;
          if (n >= 4 && head[n - 1] === LF && head[n - 2] === CR && head[n - 3] === LF && head[n - 4] === CR) {
            this.status = digits(head, 9, 12);
            this.remaining = contentLength(head, n);
          }
        }
        if (this.remaining < 0) return true;
      }
      const take = Math.min(this.remaining, length - i);
      this.remaining -= take;
      i += take;
      if (this.remaining === 0) this.complete();
    }
    return true;
  }

  private complete(): void {
    this.remaining = -1;
    this.headLength = 0;
    const tag = this.tag;
    this.tag = -1;
    if (tag >= 0) this.answered(tag, true, this.status);
    this.release(this);
  }
}

/** The decimal number in `bytes[from, to)` (stops at the first non-digit). */
function digits(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = (bytes[i] as number) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return n;
}

/** The Content-Length of a response head of `length` bytes, 0 without one. */
function contentLength(head: Buffer, length: number): number {
  for (let line = 0; line < length;) {
    let k = 0;
    // ASCII letters compare case-insensitively with | 0x20 (':' and '-' are unchanged by it).
    while (k < CONTENT_LENGTH.length && ((head[line + k] as number) | 0x20) === CONTENT_LENGTH[k]) k++;
    if (k === CONTENT_LENGTH.length) {
      let at = line + k;
      while (head[at] === 32) at++;
      return digits(head, at, length);
    }
    const next = head.indexOf(LF, line);
    if (next < 0) break;
    line = next + 1;
  }
  return 0;
}
