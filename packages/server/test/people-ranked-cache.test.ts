import { describe, expect, it } from 'vitest';
import { PEOPLE_RANKED_TTL_MS, PeopleRankedCache } from '../src/services/people-ranked-cache.js';
import { ManualClock } from './support/manual-clock.js';

describe('PeopleRankedCache', () => {
  it('keeps a list for its time to live, then forgets it', () => {
    const clock = new ManualClock();
    const cache = new PeopleRankedCache(clock);
    cache.set('a', ['ann', 'abe']);
    clock.advance(PEOPLE_RANKED_TTL_MS - 1);
    expect(cache.get('a')).toEqual(['ann', 'abe']);
    clock.advance(1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('holds at most its bound, the oldest list out first', () => {
    const cache = new PeopleRankedCache(new ManualClock(), 1_000, 2);
    cache.set('a', ['ann']);
    cache.set('b', ['bea']);
    cache.set('a', ['abe']); // set again: now the newest
    cache.set('c', ['cal']);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual(['abe']);
    expect(cache.get('c')).toEqual(['cal']);
  });

  it('keeps nothing with a time to live of 0', () => {
    const cache = new PeopleRankedCache(new ManualClock(), 0);
    cache.set('a', ['ann']);
    expect(cache.get('a')).toBeUndefined();
  });
});
