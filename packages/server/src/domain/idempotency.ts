/**
 * How long an `Idempotency-Key` is remembered after the status it made (as payment APIs keep theirs for a day):
 * long enough for any client retry, short enough that the keys do not pile up forever.
 */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60_000;
