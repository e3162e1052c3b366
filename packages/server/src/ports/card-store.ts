import type { Card } from '@tweeter/shared';

/**
 * One URL's card in the cache, keyed by the normalized URL (domain/card-url.ts). `pending`: a fetch was claimed
 * and has not written its result; `ok`: `card` holds the preview; `failed`: the page gave no card (negative cache).
 */
export interface CardEntry {
  key: string;
  state: 'pending' | 'ok' | 'failed';
  card: Card | null;
  /** When the last fetch ended (0 while the first is pending). */
  fetchedAt: number;
  /** Until then the entry is fresh: nobody fetches the URL again (shorter for failures). */
  freshUntil: number;
  /** Until then one fetcher holds the right to fetch the URL; others wait for its result. */
  claimUntil: number;
}

/**
 * The link card cache: one entry per normalized URL, shared by every status that links it, so a thousand statuses
 * with the same link fetch it once. Single-item conditional writes only (DynamoDB has no transactions here).
 */
export interface CardRepo {
  /** Entries for these keys (missing keys are left out). May lag (DynamoDB: eventually consistent reads). */
  getMany(keys: readonly string[]): Promise<Map<string, CardEntry>>;
  /** One entry, strongly consistent (the fetch job decides on it). */
  get(key: string): Promise<CardEntry | null>;
  /**
   * Takes the right to fetch `key` until `until` (a conditional write: exactly one caller wins): only when there
   * is no entry, or the entry is stale (freshUntil <= now) and nobody else's claim runs (claimUntil <= now).
   * A new entry is written `pending`; an existing one keeps its card (statuses show it while it is refreshed).
   */
  claim(key: string, now: number, until: number): Promise<boolean>;
  /** Writes a fetch's result and releases the claim. */
  put(entry: Omit<CardEntry, 'claimUntil'>): Promise<void>;
}
