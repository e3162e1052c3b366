import { LIMITS } from './limits.js';

export type ParsedSegment =
  | { type: 'text'; text: string; start: number; end: number }
  | { type: 'mention'; text: string; start: number; end: number; alias: string }
  | { type: 'url'; text: string; start: number; end: number }
  | { type: 'hashtag'; text: string; start: number; end: number; tag: string };

// A mention is @ + alias, not glued to a preceding word character (so e-mail addresses are not mentions).
const MENTION = new RegExp(
  `(?<![\\p{L}\\p{N}_@])@([A-Za-z0-9_]{${LIMITS.aliasMin},${LIMITS.aliasMax}})(?![A-Za-z0-9_])`,
  'gu',
);
// A hashtag is # + letters (any script, with their combining marks), digits and _, with at least one letter, not
// glued to a preceding word character (so "a#b" and "C#" inside words are not tags). Its tag is lower-cased.
const HASHTAG = new RegExp(
  `(?<![\\p{L}\\p{M}\\p{N}_#&])#([\\p{L}\\p{M}\\p{N}_]{1,${LIMITS.tagMax}})(?![\\p{L}\\p{M}\\p{N}_])`,
  'gu',
);
const HAS_LETTER = /\p{L}/u;
const URL_RE = /\bhttps?:\/\/[^\s<>"]+/giu;
// Punctuation that usually ends a sentence rather than a URL.
const URL_TRAILING = /[.,:;!?'")\]}]+$/u;

interface Match {
  type: 'mention' | 'url' | 'hashtag';
  start: number; // UTF-16 index
  end: number;
  alias?: string;
  tag?: string;
}

/**
 * Splits a post into text, mention, hashtag and url segments covering it exactly.
 * Offsets (`start`, `end`) count Unicode code points, like the post length limit.
 */
export function parseSegments(post: string): ParsedSegment[] {
  const matches: Match[] = [];
  for (const m of post.matchAll(URL_RE)) {
    let text = m[0];
    const trail = URL_TRAILING.exec(text);
    if (trail) text = text.slice(0, text.length - trail[0].length);
    // Keep a closing parenthesis that balances one inside the URL (wiki links).
    if (trail?.[0].startsWith(')') && text.includes('(')) text += ')';
    if (text.length > 'https://'.length) matches.push({ type: 'url', start: m.index, end: m.index + text.length });
  }
  for (const m of post.matchAll(MENTION)) {
    const start = m.index;
    const end = start + m[0].length;
    if (matches.some((u) => start < u.end && end > u.start)) continue; // inside a URL
    matches.push({ type: 'mention', start, end, alias: (m[1] ?? '').toLowerCase() });
  }
  for (const m of post.matchAll(HASHTAG)) {
    const start = m.index;
    const end = start + m[0].length;
    const body = m[1] ?? '';
    if (!HAS_LETTER.test(body)) continue; // "#1" is a number, not a tag
    if (matches.some((u) => start < u.end && end > u.start)) continue; // inside a URL
    matches.push({ type: 'hashtag', start, end, tag: body.toLowerCase() });
  }
  matches.sort((a, b) => a.start - b.start);

  const segments: ParsedSegment[] = [];
  let cursor = 0; // UTF-16
  let cp = 0; // code points so far
  const push = (type: Match['type'] | 'text', from: number, to: number, extra?: string): void => {
    const text = post.slice(from, to);
    const len = [...text].length;
    const start = cp;
    cp += len;
    if (type === 'mention') segments.push({ type, text, start, end: cp, alias: extra ?? '' });
    else if (type === 'hashtag') segments.push({ type, text, start, end: cp, tag: extra ?? '' });
    else segments.push({ type, text, start, end: cp });
  };
  for (const m of matches) {
    if (m.start > cursor) push('text', cursor, m.start);
    push(m.type, m.start, m.end, m.type === 'hashtag' ? m.tag : m.alias);
    cursor = m.end;
  }
  if (cursor < post.length) push('text', cursor, post.length);
  return segments;
}

/** Length in Unicode code points (what the 280 limit counts). */
export function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
