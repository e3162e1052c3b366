import { parseSegments, type Segment } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { withHashtags } from '../src/domain/search-reindex.js';
import { segmentsBeforeHashtags } from './support/old-segments.js';

describe('withHashtags (the reindex of stored segments)', () => {
  it('splits text segments around hashtags, with code-point offsets, and leaves every other segment alone', () => {
    const post = 'héllo 🦆 #Café @bob_b https://example.com/#frag, x #二つ #1 end';
    const stored = segmentsBeforeHashtags(post);
    expect(stored.some((s) => s.type === 'hashtag')).toBe(false);
    const out = withHashtags(post, stored);
    expect(out).toEqual(parseSegments(post));
    expect(out.filter((s) => s.type === 'hashtag').map((s) => s.tag)).toEqual(['café', '二つ']);
    expect(out.map((s) => s.text).join('')).toBe(post);
  });

  it('keeps a stored mention or URL as stored even where the parser of today would read it otherwise', () => {
    const post = 'see #tag here';
    // An old parser that took "#tag here" as something else: that segment is not text, so it stays.
    const stored: Segment[] = [
      { type: 'text', text: 'see ', start: 0, end: 4 },
      { type: 'url', text: '#tag here', start: 4, end: 13 },
    ];
    expect(withHashtags(post, stored)).toBe(stored);
  });

  it('returns the stored array itself when there is nothing to add (so nothing is written)', () => {
    const plain = 'no tags, just words';
    const stored = segmentsBeforeHashtags(plain);
    expect(withHashtags(plain, stored)).toBe(stored);
    const tagged = 'already #parsed';
    const now = parseSegments(tagged);
    expect(withHashtags(tagged, now)).toBe(now);
  });
});
