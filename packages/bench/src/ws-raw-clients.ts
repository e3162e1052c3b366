import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { now, openInBatches } from './ws-clients.js';

/** One subscriber: a plain TCP socket past the WebSocket handshake, and its frame parser's state. */
interface RawSub {
  socket: Socket;
  ready: boolean; // its subscribe was acknowledged
  last: number; // index of the last message it received (NaN before any)
  closing: boolean; // closed by us: its 'close' is not counted
  head: Buffer | null; // the handshake response until its blank line (then null)
  subscribe: Buffer; // the subscribe frame, sent once the upgrade is answered
  // Frame parser: header bytes so far (2, 4 or 10 of them: server frames are not masked), then payload left.
  hdr: Buffer;
  hdrLen: number;
  hdrNeed: number;
  inPayload: boolean;
  opcode: number;
  left: number;
  matched: number; // marker bytes matched so far in the current text frame
  // Payload of a frame read whole before use: control frames, and text frames before the subscribe's ack.
  kept: Buffer[] | null;
}

const OPEN_TIMEOUT_MS = 30_000;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_TEXT = 1;
const OP_CLOSE = 8;
const OP_PING = 9;
const OP_PONG = 10;

/**
 * N live-stream subscribers in this thread, as cheap as a remote client costs this machine: each is a `net`
 * socket that did the HTTP upgrade itself, read through one shared buffer (`onread`: no Buffer, no stream
 * event, no `ws` frame object per read) by a small frame parser that scans text frames for the armed marker
 * byte by byte. A receipt is timed when its read arrives, as WsSubscribers does in its 'message' handler; pings
 * are answered (the server's heartbeat), and every other frame is counted or ignored. Same surface as
 * WsSubscribers.
 */
export class RawSubscribers {
  private readonly subs: RawSub[] = [];
  private readonly readBuffer = Buffer.allocUnsafe(64 * 1024);
  private marker: Buffer = Buffer.alloc(0);
  private armed = false;
  private index = -1;
  private pending = 0;
  private receivedAt: number[] = [];
  private onAll: (() => void) | null = null;
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
    // A URL each: openOne sets its token on it.
    await openInBatches(
      from,
      to,
      batch,
      (i) => this.openOne(new URL(streamUrl), channel, tokenOf(i)),
      () => this.errors++,
    );
  }

  get size(): number {
    return this.subs.length;
  }

  /** As WsSubscribers.expect. */
  async expect(index: number, marker: string, send: () => Promise<number | void>, timeoutMs: number): Promise<number> {
    this.marker = Buffer.from(marker);
    // The scan below restarts at the first byte on a mismatch, which is exact only if that byte occurs once.
    if (this.marker.indexOf(this.marker[0] ?? 0, 1) >= 0) throw new Error('marker: its first byte must occur once');
    this.index = index;
    this.pending = this.subs.length;
    this.receivedAt = [];
    const all = new Promise<void>((resolve) => (this.onAll = resolve));
    this.armed = true;
    const armedAt = now();
    const sentAt = (await send()) ?? armedAt;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    this.onAll = null;
    this.armed = false;
    for (const at of this.receivedAt) this.delays.push(at - sentAt);
    return this.pending;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.subs.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.closing = true;
            if (s.socket.destroyed) return resolve();
            s.socket.once('close', () => resolve());
            s.socket.destroy();
          }),
      ),
    );
  }

  private openOne(url: URL, channel: string, token: string): Promise<void> {
    const key = randomBytes(16).toString('base64');
    const socket = connect({
      host: url.hostname,
      port: Number(url.port),
      noDelay: true,
      onread: {
        buffer: this.readBuffer,
        callback: (nread: number, buf: Buffer): boolean => {
          this.read(opened, buf, nread, onFrame, fail, key);
          return true;
        },
      },
    });
    const opened: RawSub = {
      socket,
      ready: false,
      last: Number.NaN,
      closing: false,
      head: Buffer.alloc(0),
      subscribe: clientFrame(OP_TEXT, Buffer.from(JSON.stringify({ type: 'subscribe', channel, id: 1 }))),
      hdr: Buffer.alloc(10),
      hdrLen: 0,
      hdrNeed: 2,
      inPayload: false,
      opcode: 0,
      left: 0,
      matched: 0,
      kept: null,
    };
    // Both set by the promise below, before any read can arrive.
    let onFrame: (opcode: number, payload: Buffer) => void = () => {};
    let fail: (err: Error) => void = () => {};
    return new Promise<void>((resolve, reject) => {
      fail = (err: Error): void => {
        clearTimeout(timer);
        opened.closing = true;
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error('timed out opening a connection')), OPEN_TIMEOUT_MS);
      onFrame = (opcode: number, payload: Buffer): void => {
        if (opcode === OP_PING) socket.write(clientFrame(OP_PONG, payload));
        // The server closed it: no closing handshake to wait for (its 'close' counts it once subscribed).
        if (opcode === OP_CLOSE && !opened.ready) return fail(new Error(`closed: ${payload.subarray(2).toString()}`));
        if (opcode === OP_CLOSE) return void socket.destroy();
        if (opened.ready || opcode !== OP_TEXT) return;
        const text = payload.toString('utf8');
        if (!text.includes('"type":"ack"')) return fail(new Error(`subscribe failed: ${text.slice(0, 200)}`));
        opened.ready = true;
        clearTimeout(timer);
        this.subs.push(opened);
        resolve();
      };
      socket.on('error', (err) => (opened.ready ? this.errors++ : fail(err)));
      socket.once('close', () => {
        if (!opened.ready) fail(new Error('closed before subscribing'));
        else if (!opened.closing) this.unexpectedCloses++;
      });
      socket.once('connect', () => {
        url.searchParams.set('token', token);
        socket.write(
          `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\n` +
            `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
    });
  }

  /** One read of `sub`'s socket (`n` bytes at the start of the shared buffer). */
  private read(
    sub: RawSub,
    buf: Buffer,
    n: number,
    onFrame: (opcode: number, payload: Buffer) => void,
    fail: (err: Error) => void,
    key: string,
  ): void {
    const at = now();
    if (sub.head !== null) {
      // The handshake's response, until its blank line: setup only, so copies are fine here.
      const head = Buffer.concat([sub.head, buf.subarray(0, n)]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        sub.head = head;
        return;
      }
      const response = head.subarray(0, end).toString('latin1');
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      if (!response.startsWith('HTTP/1.1 101') || !response.includes(accept)) {
        return fail(new Error(`upgrade refused: ${response.split('\r\n')[0] ?? ''}`));
      }
      sub.head = null;
      sub.socket.write(sub.subscribe);
      const rest = Buffer.from(head.subarray(end + 4));
      return this.frames(sub, rest, 0, rest.length, at, onFrame);
    }
    this.frames(sub, buf, 0, n, at, onFrame);
  }

  /** Parses frames in `buf[from, to)`: no allocation for text frames once subscribed. */
  private frames(
    sub: RawSub,
    buf: Buffer,
    from: number,
    to: number,
    at: number,
    onFrame: (opcode: number, payload: Buffer) => void,
  ): void {
    let i = from;
    while (i < to) {
      if (!sub.inPayload) {
        const byte = buf[i++] ?? 0;
        sub.hdr[sub.hdrLen++] = byte;
        if (sub.hdrLen === 2) {
          const len7 = byte & 0x7f;
          sub.hdrNeed = len7 < 126 ? 2 : len7 === 126 ? 4 : 10;
        }
        if (sub.hdrLen < sub.hdrNeed) continue;
        const { hdr } = sub;
        sub.opcode = (hdr[0] ?? 0) & 0x0f;
        sub.left =
          sub.hdrNeed === 2 ? (hdr[1] ?? 0) & 0x7f : sub.hdrNeed === 4 ? hdr.readUInt16BE(2) : hdr.readUIntBE(4, 6);
        sub.hdrLen = 0;
        sub.hdrNeed = 2;
        sub.inPayload = true;
        sub.matched = 0;
        const keep = sub.opcode >= OP_CLOSE || (!sub.ready && sub.opcode === OP_TEXT);
        sub.kept = keep ? [] : null;
        if (sub.left === 0) this.frameDone(sub, onFrame);
        continue;
      }
      const end = Math.min(to, i + sub.left);
      if (sub.kept !== null) sub.kept.push(Buffer.from(buf.subarray(i, end)));
      else if (this.armed && sub.ready && sub.opcode <= OP_TEXT && sub.last !== this.index)
        this.scan(sub, buf, i, end, at);
      sub.left -= end - i;
      i = end;
      if (sub.left === 0) this.frameDone(sub, onFrame);
    }
  }

  private frameDone(sub: RawSub, onFrame: (opcode: number, payload: Buffer) => void): void {
    sub.inPayload = false;
    const { kept } = sub;
    sub.kept = null;
    if (kept !== null) onFrame(sub.opcode, Buffer.concat(kept));
  }

  // The marker's bytes, matched across reads of one frame (its first byte occurs once in it: see expect).
  private scan(sub: RawSub, buf: Buffer, from: number, to: number, at: number): void {
    const m = this.marker;
    const first = m[0];
    let k = sub.matched;
    for (let j = from; j < to; j++) {
      const c = buf[j];
      if (c === m[k]) {
        if (++k < m.length) continue;
        sub.matched = 0;
        return this.receipt(sub, at);
      }
      k = c === first ? 1 : 0;
    }
    sub.matched = k;
  }

  private receipt(sub: RawSub, at: number): void {
    sub.last = this.index;
    this.receivedAt.push(at);
    if (--this.pending === 0) this.onAll?.();
  }
}

/** A client frame (RFC 6455: masked) with a payload under 64 KiB. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const header = payload.length < 126 ? 2 : 4;
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  frame[0] = 0x80 | opcode;
  if (header === 2) frame[1] = 0x80 | payload.length;
  else {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(payload.length, 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i++) frame[header + 4 + i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  return frame;
}
