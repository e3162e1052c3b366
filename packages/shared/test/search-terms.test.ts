import { describe, expect, it } from 'vitest';
import { isTag, normalizeWord, parseSegments, queryTerms, statusTags, statusTerms } from '../src/index.js';

describe('search terms', () => {
  it('folds case, accents and compatibility forms the same way for statuses and queries', () => {
    expect(normalizeWord('Zoë')).toBe('zoe');
    expect(normalizeWord('ÉCOLE')).toBe('ecole');
    expect(normalizeWord('ＡＢＣ')).toBe('abc');
    expect(normalizeWord('ﬁne')).toBe('fine');
    expect(normalizeWord('İstanbul')).toBe('istanbul');
    const terms = statusTerms(parseSegments('Zoë went to the École with @ada_l about #Rust https://Example.com/Docs'));
    expect(terms.sort()).toEqual(
      ['#rust', '@ada_l', 'about', 'ada_l', 'docs', 'ecole', 'example', 'com', 'rust', 'went', 'zoe'].sort(),
    );
    expect(queryTerms('ZOE école')).toEqual(['zoe', 'ecole']);
  });

  it('reads query syntax as words: quotes, operators, *, NEAR and parentheses are never syntax', () => {
    expect(queryTerms('"rust" AND NEAR(go, 2) OR -java* ^x:y')).toEqual(['rust', 'near', 'go', '2', 'java', 'x', 'y']);
    expect(queryTerms('***')).toEqual([]);
    expect(queryTerms('the a of')).toEqual([]);
  });

  it('keeps #tag and @alias words as hashtag and mention terms in a query', () => {
    expect(queryTerms('#Rust @Ada_L tips')).toEqual(['#rust', '@ada_l', 'tips']);
  });

  it("lists a status's distinct tags and tells tag path segments apart", () => {
    expect(statusTags(parseSegments('#Go #go #Rust'))).toEqual(['go', 'rust']);
    expect(isTag('rust')).toBe(true);
    expect(isTag('café_2')).toBe(true);
    expect(isTag('123')).toBe(false);
    expect(isTag('a b')).toBe(false);
    expect(isTag('')).toBe(false);
    expect(isTag('x'.repeat(101))).toBe(false);
  });
});
