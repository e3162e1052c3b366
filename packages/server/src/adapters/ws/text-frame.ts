import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { WebSocket } from 'ws';

/**
 * One WebSocket text frame (RFC 6455 section 5.2: header and payload in one buffer), built once and written as it
 * is to every recipient of a broadcast. `ws`'s `send` frames each message per socket (a header buffer, cork, two
 * writes, uncork): for 10,000 subscribers that is 10,000 frames of the same bytes. Server frames are not masked,
 * so every socket gets the same bytes.
 */
/** A broadcast's event: its JSON text (sent through `ws` where the raw socket is not at hand) and its frame. */
export interface FramedEvent {
  payload: Buffer;
  frame: Buffer;
}

/** The event and its frame, built once per broadcast. */
export function framed(payload: Buffer): FramedEvent {
  return { payload, frame: textFrame(payload) };
}

export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header);
  return frame;
}

/**
 * The TCP socket under a `ws` WebSocket, to write pre-built frames to; null where `ws` keeps it elsewhere (a
 * version that renamed it), and the caller then sends through `ws`.
 *
 * Writing beside `ws`'s sender is safe here because the stream server never has it queue: no per-message deflate
 * (the route turns it off) and no Blob payloads, so every `send` writes to this socket at once, in call order, and
 * `bufferedAmount` (which reads this socket's queue) still counts what was written here.
 */
export function rawSocketOf(ws: WebSocket): Writable | null {
  const raw: unknown = (ws as unknown as { _socket?: unknown })._socket;
  if (typeof raw !== 'object' || raw === null) return null;
  const write: unknown = (raw as { write?: unknown }).write;
  return typeof write === 'function' ? (raw as Writable) : null;
}

/**
 * Writes a broadcast's frame to one connection: a plain TCP socket with nothing queued gets it in one direct
 * write(2) of the shared buffer, without a stream write (no write request object, no callback, no after-write
 * tick per socket); anything else (TLS, bytes still queued, a full kernel buffer, an error) goes through the
 * stream, which queues the rest in order, counts it in `bufferedAmount` and reports errors as before.
 */
export function writeFrame(ws: WebSocket, event: FramedEvent): void {
  const raw = rawSocketOf(ws);
  if (!raw) {
    ws.send(event.payload, { binary: false });
    return;
  }
  const { frame } = event;
  const fd = raw.writableLength === 0 ? plainFd(raw) : -1;
  let written = 0;
  if (fd >= 0) {
    try {
      written = writeSync(fd, frame);
    } catch {
      written = 0; // EAGAIN (the peer is not reading) or a dead socket: the stream write below deals with it
    }
  }
  writeRest(raw, frame, written);
}

/** The descriptor to write a frame to directly: a plain TCP socket with nothing queued; else -1. */
export function directFd(ws: WebSocket): number {
  const raw = rawSocketOf(ws);
  return raw && raw.writableLength === 0 ? plainFd(raw) : -1;
}

/** Queues what a direct write left (all of it when `written` is 0 or less) on the socket's stream, in order. */
export function writeRest(raw: Writable, frame: Buffer, written: number): void {
  if (written < frame.length) raw.write(written <= 0 ? frame : frame.subarray(written));
}

/** The descriptor of a plain (not TLS) TCP socket, or -1: TLS bytes must go through the TLS stream. */
function plainFd(raw: Writable): number {
  if (!(raw instanceof Socket) || raw instanceof TLSSocket) return -1;
  const fd: unknown = (raw as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
  return typeof fd === 'number' ? fd : -1;
}
