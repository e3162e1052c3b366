// What a job looks like on the wire in SQS: one JSON message body. The id is ours, not SQS's MessageId, so a job
// keeps it across retries, the dead-letter queue and a redrive; it sorts by enqueue time (dead jobs list in order).

import { randomBytes } from 'node:crypto';
import { MAX_JOB_BYTES, type JobRequest } from '../../ports/job-queue.js';

/** A job as sent to its queue. */
export interface Envelope {
  id: string;
  name: string;
  payload: Record<string, unknown>;
  enqueuedAt: number;
}

/** A job as sent to a dead-letter queue by `fail()`: the envelope with why and when it died. */
export interface DeadEnvelope extends Envelope {
  attempts: number;
  lastError: string;
  diedAt: number;
}

const ID = /^[0-9a-z]{9}-[0-9a-f]{12}$/;
/** Errors are cut to this many characters, so a dead-letter record stays far under DynamoDB's 400 KB. */
export const MAX_ERROR_CHARS = 4_000;

/** A new job id: enqueue time (base 36, fixed width, so ids sort by time) and 48 random bits. */
export function newJobId(now: number): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(6).toString('hex')}`;
}

export function isJobId(id: string): boolean {
  return ID.test(id);
}

/** The message body of a new job; throws a RangeError for a job over MAX_JOB_BYTES (a bug, never sent). */
export function encodeJob(job: JobRequest, now: number): { envelope: Envelope; body: string } {
  const envelope: Envelope = { id: newJobId(now), name: job.name, payload: job.payload, enqueuedAt: now };
  const body = toBody(envelope);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_JOB_BYTES) {
    throw new RangeError(
      `job "${job.name}" is ${bytes} bytes as JSON, over the ${MAX_JOB_BYTES}-byte limit: carry ids or ranges, not lists`,
    );
  }
  return { envelope, body };
}

/**
 * JSON with every character outside printable ASCII escaped: SQS refuses some characters in a body (lone surrogates,
 * U+FFFE, most control characters), and escaped JSON parses back to exactly the same value.
 */
export function toBody(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The envelope in a message body, or null when the body is not one of ours. */
export function decodeEnvelope(body: string | undefined): (Envelope & Partial<DeadEnvelope>) | null {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  const payload = v['payload'];
  if (
    typeof v['id'] !== 'string' ||
    typeof v['name'] !== 'string' ||
    typeof v['enqueuedAt'] !== 'number' ||
    typeof payload !== 'object' ||
    payload === null ||
    Array.isArray(payload)
  ) {
    return null;
  }
  return {
    id: v['id'],
    name: v['name'],
    payload: payload as Record<string, unknown>,
    enqueuedAt: v['enqueuedAt'],
    ...(typeof v['attempts'] === 'number' ? { attempts: v['attempts'] } : {}),
    ...(typeof v['lastError'] === 'string' ? { lastError: v['lastError'] } : {}),
    ...(typeof v['diedAt'] === 'number' ? { diedAt: v['diedAt'] } : {}),
  };
}
