import { z } from 'zod';

/** Fixed limits of the live stream protocol (per-connection rates and quotas are server config). */
export const STREAM_LIMITS = {
  /** A client frame larger than this closes the connection with 1009. */
  frameMaxBytes: 16 * 1024,
  tokenMax: 512,
  frameIdMax: 64,
  boardIdMax: 64,
} as const;

/** Close codes the server uses on `GET /api/v1/stream` (documented in docs/api.md). */
export const STREAM_CLOSE = {
  /** Server shutting down: reconnect (to another instance) after a short delay. */
  goingAway: 1001,
  /** Kept breaking the message rate limit. */
  policyViolation: 1008,
  /** A frame over `frameMaxBytes` (sent by ws itself). */
  tooBig: 1009,
  /** Too slow to read what the server sends: reconnect and catch up over REST. */
  tryAgainLater: 1013,
  /** No valid token within the auth timeout, a rejected token, or the session expired or was signed out. */
  unauthenticated: 4401,
} as const;

/** `feed` (my home feed), `notifications` (mine) or `board:<id>` (a board I may read). */
export const StreamChannel = z
  .string()
  .regex(
    new RegExp(`^(feed|notifications|board:[0-9A-Za-z_-]{1,${STREAM_LIMITS.boardIdMax}})$`),
    'must be "feed", "notifications" or "board:<id>"',
  );
export type StreamChannel = z.infer<typeof StreamChannel>;

/** An optional client-chosen id echoed back in the `ack` or `error` that answers the frame. */
export const FrameId = z.union([z.string().max(STREAM_LIMITS.frameIdMax), z.number()]);
export type FrameId = z.infer<typeof FrameId>;

export const AuthFrame = z.object({
  type: z.literal('auth'),
  token: z.string().min(1).max(STREAM_LIMITS.tokenMax),
  id: FrameId.optional(),
});
export const SubscribeFrame = z.object({
  type: z.literal('subscribe'),
  channel: StreamChannel,
  id: FrameId.optional(),
});
export const UnsubscribeFrame = z.object({
  type: z.literal('unsubscribe'),
  channel: StreamChannel,
  id: FrameId.optional(),
});
export const PingFrame = z.object({ type: z.literal('ping'), id: FrameId.optional() });

/** Every frame a client may send. */
export const ClientFrame = z.discriminatedUnion('type', [AuthFrame, SubscribeFrame, UnsubscribeFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameType = ClientFrame['type'];

/** The server's answer to a client frame that succeeded. */
export const AckFrame = z.object({
  type: z.literal('ack'),
  id: FrameId.optional(),
  op: z.enum(['auth', 'subscribe', 'unsubscribe', 'ping']),
  channel: StreamChannel.optional(),
});
export type AckFrame = z.infer<typeof AckFrame>;

/**
 * The server's answer to a client frame that failed; `code` is one of the API's error codes. Without an `id` and
 * with a `channel`, it is unsolicited: access to that channel was revoked (`forbidden`) and it was unsubscribed.
 */
export const ErrorFrame = z.object({
  type: z.literal('error'),
  id: FrameId.optional(),
  code: z.string(),
  message: z.string(),
  channel: StreamChannel.optional(),
});
export type ErrorFrame = z.infer<typeof ErrorFrame>;

export const STREAM_EVENT_TYPES = [
  'feed.status',
  'feed.delete',
  'status.updated',
  'message.created',
  'message.deleted',
  'reactions.updated',
  'member.updated',
  'member.removed',
  'notification',
  'notifications.unread',
] as const;

/** A live event pushed to subscribers of `channel`. */
export const EventFrame = z.object({
  type: z.enum(STREAM_EVENT_TYPES),
  channel: z.string(),
  data: z.unknown(),
});
export type EventFrame = z.infer<typeof EventFrame>;

/** Every frame the server may send. */
export type ServerFrame = AckFrame | ErrorFrame | EventFrame;
