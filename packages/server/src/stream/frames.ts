import {
  ClientFrame,
  FrameId,
  type AckFrame,
  type ClientFrameType,
  type ErrorCode,
  type ErrorFrame,
  STREAM_LIMITS,
} from '@tweeter/shared';
import type { RealtimeEvent } from '../ports/realtime.js';

const FRAME_TYPES: readonly ClientFrameType[] = ['auth', 'subscribe', 'unsubscribe', 'ping'];

export type ParsedFrame =
  { ok: true; frame: ClientFrame } | { ok: false; id?: FrameId; code: ErrorCode; message: string };

/**
 * A client frame, validated; or why it is not one (with the frame's id when it had a usable one). `data` is the
 * frame's payload as the transport got it: bytes (`ws`) or the route event's body (API Gateway).
 */
export function parseClientFrame(data: string | Buffer, isBinary: boolean): ParsedFrame {
  // The `ws` server refuses bigger frames itself (close 1009); API Gateway accepts up to 128 KB.
  if ((typeof data === 'string' ? Buffer.byteLength(data) : data.length) > STREAM_LIMITS.frameMaxBytes) {
    return {
      ok: false,
      code: 'payload_too_large',
      message: `a frame may have at most ${STREAM_LIMITS.frameMaxBytes} bytes`,
    };
  }
  if (isBinary) return { ok: false, code: 'validation_failed', message: 'send frames as text (JSON), not binary' };
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return { ok: false, code: 'bad_json', message: 'frame is not valid JSON' };
  }
  const parsed = ClientFrame.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const fields =
    typeof json === 'object' && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const id = FrameId.safeParse(fields.id);
  const withId = id.success ? { id: id.data } : {};
  const type = fields.type;
  if (typeof type !== 'string' || !(FRAME_TYPES as readonly string[]).includes(type)) {
    const shown = typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : 'missing';
    return {
      ok: false,
      ...withId,
      code: 'validation_failed',
      message: `type: ${shown} is not a frame type (auth, subscribe, unsubscribe or ping)`,
    };
  }
  const issue = parsed.error.issues[0];
  const where = issue?.path.join('.') || 'frame';
  return { ok: false, ...withId, code: 'validation_failed', message: `${where}: ${issue?.message ?? 'is not valid'}` };
}

/** `{type: "ack", id?, op, channel?}` as sent. */
export function ackFrame(op: AckFrame['op'], id?: FrameId, channel?: string): string {
  const frame: AckFrame = { type: 'ack', ...(id === undefined ? {} : { id }), op, ...(channel ? { channel } : {}) };
  return JSON.stringify(frame);
}

/** `{type: "error", id?, code, message}` as sent. */
export function errorFrame(code: ErrorCode, message: string, id?: FrameId): string {
  const frame: ErrorFrame = { type: 'error', ...(id === undefined ? {} : { id }), code, message };
  return JSON.stringify(frame);
}

/** The unsolicited `forbidden` error a connection gets when it loses access to `channel` (it is unsubscribed). */
export function revokedFrame(channel: string): string {
  const frame: ErrorFrame = {
    type: 'error',
    code: 'forbidden',
    message: `access to ${channel} was revoked: you were removed from it`,
    channel,
  };
  return JSON.stringify(frame);
}

/** An event serialized once, to be written as-is to every subscriber. */
export function eventPayload(event: RealtimeEvent): Buffer {
  return Buffer.from(JSON.stringify({ type: event.type, channel: event.channel, data: event.data }));
}
