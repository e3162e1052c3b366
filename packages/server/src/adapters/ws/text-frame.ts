import type { Writable } from 'node:stream';
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
