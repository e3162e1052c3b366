import { LIMITS } from './limits.js';
import { normalizeSearchText } from './search-normalize.js';
import { parseSegments, type ParsedSegment } from './segments.js';

/**
 * Search words, the same on every shape: the SQLite index, the DynamoDB term partitions and the queries all go
 * through these functions, so "Zoë", "ZOE" and "zoe" are one word everywhere.
 *
 * A term is a normalized word (`cafe`), a hashtag (`#rust`) or a mention (`@ada`). Query text is never syntax:
 * quotes, `*`, `-`, `NEAR`, `AND` are plain characters or plain words here, and adapters quote every term.
 */

/** Words too common to narrow a search: never indexed, ignored in queries (a query of only these finds nothing). */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be but by for from has have i in is it its of on or that the this to was were will with you'.split(
    ' ',
  ),
);

/** Words longer than this (code points) are left out of the index and of queries (no one searches for them). */
export const SEARCH_WORD_MAX = 64;

const WORD = /[\p{L}\p{N}_]+/gu;

/**
 * Case, accents and compatibility forms folded: "Zoë" → "zoe", "ＡＢＣ" → "abc", "ﬁ" → "fi" (the normalization people
 * search uses too: one function for every search).
 */
export function normalizeWord(word: string): string {
  return normalizeSearchText(word);
}

/** The normalized words of plain text, in order (stop words and over-long words left out). */
function words(text: string): string[] {
  const out: string[] = [];
  for (const m of normalizeWord(text).matchAll(WORD)) {
    const w = m[0];
    if (!STOP_WORDS.has(w) && [...w].length <= SEARCH_WORD_MAX) out.push(w);
  }
  return out;
}

/** The term of a hashtag's tag (as segments carry it, or as a tag page's path names it). */
export function tagTerm(tag: string): string {
  return `#${normalizeWord(tag)}`;
}

/**
 * The terms a status is indexed under: its words, and for each hashtag and mention both the prefixed term and the
 * bare word (so "rust" finds "#rust", while "#rust" finds only the hashtag). A URL counts as the words of its host
 * and path.
 */
export function statusTerms(segments: readonly ParsedSegment[]): string[] {
  const out = new Set<string>();
  for (const s of segments) {
    if (s.type === 'text') for (const w of words(s.text)) out.add(w);
    else if (s.type === 'hashtag') {
      out.add(tagTerm(s.tag));
      for (const w of words(s.tag)) out.add(w);
    } else if (s.type === 'mention') {
      out.add(`@${s.alias}`);
      for (const w of words(s.alias)) out.add(w);
    } else for (const w of words(s.text.replace(/^https?:\/\//u, ''))) out.add(w);
  }
  return [...out];
}

/** The hashtags of a status, lower-cased and distinct (what the trend counters count). */
export function statusTags(segments: readonly ParsedSegment[]): string[] {
  const tags = new Set<string>();
  for (const s of segments) if (s.type === 'hashtag') tags.add(normalizeWord(s.tag));
  return [...tags];
}

/**
 * The terms of a search query: a status matches when it has every one. `#tag` and `@alias` words are hashtag and
 * mention terms; everything else is plain words. At most LIMITS.searchTermsMax terms count (the first ones).
 */
export function queryTerms(q: string): string[] {
  const out = new Set<string>();
  for (const s of parseSegments(q)) {
    if (s.type === 'hashtag') out.add(tagTerm(s.tag));
    else if (s.type === 'mention') out.add(`@${s.alias}`);
    else if (s.type === 'text') for (const w of words(s.text)) out.add(w);
    // A URL in a query is split into words, as the text around it would be.
    else for (const w of words(s.text.replace(/^https?:\/\//u, ''))) out.add(w);
  }
  return [...out].slice(0, LIMITS.searchTermsMax);
}

/** Whether a tag path segment names a hashtag (what `#` + it would parse as, whole). */
export function isTag(tag: string): boolean {
  const segs = parseSegments(`#${tag}`);
  return segs.length === 1 && segs[0]?.type === 'hashtag';
}
