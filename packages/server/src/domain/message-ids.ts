import { encodeTime } from 'ulid';
import { newId } from './ids.js';

// Board message ids are ULID-shaped (26 Crockford base32 characters, the first 10 the time) so that they sort by
// time and compare with retention floors, but they are assigned by the store so that they also sort in the order
// the messages were written: a poller passing the newest id it holds as `after` then never skips a message.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_LENGTH = 16;
/** Characters of the sequence that are decoded (50 bits, well inside a safe integer). */
const SEQUENCE_DIGITS = 10;

/** A new id for `now` that sorts after `previous` (the board's newest id), whatever the clocks say. */
export function idAfter(previous: string | undefined, now: number): string {
  const fresh = newId(now);
  return previous === undefined || fresh > previous ? fresh : increment(previous);
}

/** The id of a board's `sequence`-th message, allocated at `time` (non-decreasing along the sequence). */
export function sequencedId(time: number, sequence: number): string {
  let digits = '';
  for (let n = sequence; n > 0; n = Math.floor(n / 32)) digits = `${ALPHABET[n % 32] ?? '0'}${digits}`;
  return `${encodeTime(Math.max(0, Math.floor(time)), 10)}${digits.padStart(RANDOM_LENGTH, '0')}`;
}

/** The sequence number sequencedId encoded (ids not made by it decode to some number, never throw). */
export function sequenceOf(id: string): number {
  let n = 0;
  for (const ch of id.slice(-SEQUENCE_DIGITS)) n = n * 32 + Math.max(0, ALPHABET.indexOf(ch));
  return n;
}

/** The next id in base32 order: the last character goes up one, carrying as needed. */
function increment(id: string): string {
  const chars = [...id];
  for (let i = chars.length - 1; i >= 0; i--) {
    const at = ALPHABET.indexOf(chars[i] ?? '0');
    if (at < ALPHABET.length - 1) {
      chars[i] = ALPHABET[at + 1] ?? '0';
      return chars.join('');
    }
    chars[i] = '0';
  }
  throw new RangeError(`no id after ${id}`);
}
