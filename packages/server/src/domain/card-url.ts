import type { Segment } from '@tweeter/shared';

/** Longest URL a card is made for (a post holds at most 280 code points, so this only guards odd input). */
const URL_MAX = 2048;

/** The first http(s) URL of a status's segments, or null (a status with no link gets no card). */
export function firstUrl(segments: readonly Pick<Segment, 'type' | 'text'>[]): string | null {
  for (const s of segments) {
    if (s.type === 'url' && s.text.length <= URL_MAX) return s.text;
  }
  return null;
}

/**
 * The key a card is cached under: the URL with its host lower-cased, the default port and the fragment dropped
 * (the same page whichever way it was spelled). Null when it is not an http(s) URL the fetcher could ask for.
 */
export function cardKey(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username || parsed.password) return null; // credentials in a link are never sent anywhere
  parsed.hash = '';
  return parsed.href; // WHATWG URL already lower-cases the host and drops default ports
}
