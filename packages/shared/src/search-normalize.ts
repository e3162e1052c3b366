// The one text normalization of search (people and statuses: search-terms.ts builds on it), shared by the server
// (index writes and queries) and any client that wants to highlight matches: case- and accent-insensitive, so
// "zoe" finds "Zoë" and "ZOË".

/** Lower-cased, accents and other combining marks removed (NFKD), `ß` as `ss`; everything else kept. */
export function normalizeSearchText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/ß/g, 'ss').normalize('NFC');
}

/** Longest word kept from a name or query: longer words are cut (a prefix of a long name still finds it). */
export const PEOPLE_WORD_MAX = 40;

/**
 * The words of a name or query, normalized: split on anything that is neither a letter nor a digit (so
 * punctuation, quotes, `*` and operators are separators, never syntax), distinct, in order, at most `max`.
 */
export function searchWords(text: string, max = 8): string[] {
  const words = normalizeSearchText(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => [...w].slice(0, PEOPLE_WORD_MAX).join(''));
  return [...new Set(words)].slice(0, max);
}

/** The alias as one search term: aliases are [a-z0-9_], kept whole (underscores included). */
export function aliasTerm(alias: string): string {
  return alias.toLowerCase();
}
