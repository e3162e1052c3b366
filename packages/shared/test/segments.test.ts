import { describe, expect, it } from 'vitest';
import { codePointLength, parseSegments } from '../src/index.js';

describe('parseSegments', () => {
  it('splits mentions and urls with code point offsets that cover the post exactly', () => {
    const post = 'hi @Alice_1, see https://example.com/a?b=1. 👋 @bob';
    const segs = parseSegments(post);
    expect(segs.map((s) => s.type)).toEqual(['text', 'mention', 'text', 'url', 'text', 'mention']);
    expect(segs.map((s) => s.text).join('')).toBe(post);
    const mention = segs[1];
    expect(mention).toMatchObject({ type: 'mention', text: '@Alice_1', alias: 'alice_1', start: 3, end: 11 });
    expect(segs[3]).toMatchObject({ type: 'url', text: 'https://example.com/a?b=1' });
    // the emoji is one code point: offsets after it shift by one, not two
    const last = segs[5];
    expect(last).toMatchObject({ text: '@bob', end: codePointLength(post) });
    for (let i = 1; i < segs.length; i++) expect(segs[i]?.start).toBe(segs[i - 1]?.end);
  });

  it('does not treat e-mail addresses, short aliases or @ inside urls as mentions', () => {
    const segs = parseSegments('mail me@example.com or @ab, https://x.org/@carol');
    expect(segs.filter((s) => s.type === 'mention')).toEqual([]);
    expect(segs.filter((s) => s.type === 'url').map((s) => s.text)).toEqual(['https://x.org/@carol']);
  });

  it('keeps a balanced closing parenthesis and drops sentence punctuation', () => {
    const segs = parseSegments('(see https://en.wikipedia.org/wiki/Foo_(bar)) and https://a.io!');
    expect(segs.filter((s) => s.type === 'url').map((s) => s.text)).toEqual([
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://a.io',
    ]);
  });

  it('returns one text segment for plain text and none for an empty string', () => {
    expect(parseSegments('just text')).toEqual([{ type: 'text', text: 'just text', start: 0, end: 9 }]);
    expect(parseSegments('')).toEqual([]);
  });
});

describe('hashtags', () => {
  it('makes #word a hashtag segment with its lower-cased tag, in any script', () => {
    const post = 'Loving #TypeScript and #Café_2 #日本語 today';
    const tags = parseSegments(post).filter((s) => s.type === 'hashtag');
    expect(tags).toEqual([
      { type: 'hashtag', text: '#TypeScript', start: 7, end: 18, tag: 'typescript' },
      { type: 'hashtag', text: '#Café_2', start: 23, end: 30, tag: 'café_2' },
      { type: 'hashtag', text: '#日本語', start: 31, end: 35, tag: '日本語' },
    ]);
    expect(
      parseSegments(post)
        .map((s) => s.text)
        .join(''),
    ).toBe(post);
  });

  it('leaves out digits-only runs, # glued to a word, and # inside URLs', () => {
    const segs = parseSegments('issue #1, C#sharp, a##b, https://x.org/page#top and (#ok)');
    expect(segs.filter((s) => s.type === 'hashtag').map((s) => s.text)).toEqual(['#ok']);
    expect(segs.filter((s) => s.type === 'url').map((s) => s.text)).toEqual(['https://x.org/page#top']);
  });
});
