import type { Card } from '@tweeter/shared';

/** Why a page gave no card. */
export type CardFetchFailure =
  | 'scheme'
  | 'port'
  | 'address'
  | 'redirects'
  | 'timeout'
  | 'too_large'
  | 'not_html'
  | 'http_status'
  | 'network'
  | 'no_card';

/** A page gave no card; final for this fetch (the cache remembers it for a while). */
export class CardFetchError extends Error {
  override name = 'CardFetchError';
  constructor(
    readonly reason: CardFetchFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Where card contents come from (the guarded fetcher, adapters/link-fetch/). Throws a CardFetchError for no card. */
export interface CardSource {
  card(url: string): Promise<Card>;
}
