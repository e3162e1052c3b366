import { decodeTime, monotonicFactory } from 'ulid';

const next = monotonicFactory();

/** A new ULID: 26 characters that sort by creation time as plain strings. */
export function newId(now: number = Date.now()): string {
  return next(now);
}

/** The creation time (ms) encoded in an id made by newId. */
export function idTime(id: string): number {
  return decodeTime(id);
}

export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
