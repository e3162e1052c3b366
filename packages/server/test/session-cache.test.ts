import { describe, expect, it } from 'vitest';
import { SessionCache } from '../src/services/session-cache.js';

describe('SessionCache (the token checks’ cache of sessions read from the store)', () => {
  it('answers a session until its TTL, and forgets an expired one', () => {
    const kept = new SessionCache(10, 60_000);
    kept.set('h1', { alias: 'ada', expiresAt: 5 });
    expect(kept.get('h1')).toMatchObject({ alias: 'ada', expiresAt: 5 });
    expect(kept.get('h2')).toBeUndefined();

    const none = new SessionCache(10, 0); // every entry already past its TTL
    none.set('h1', { alias: 'ada', expiresAt: 5 });
    expect(none.get('h1')).toBeUndefined();
    expect(none.size).toBe(0);
  });

  it('holds at most `max`, dropping the oldest read first; a re-set counts as new', () => {
    const cache = new SessionCache(2, 60_000);
    cache.set('a', { alias: 'a', expiresAt: 1 });
    cache.set('b', { alias: 'b', expiresAt: 1 });
    cache.set('a', { alias: 'a', expiresAt: 2 });
    cache.set('c', { alias: 'c', expiresAt: 1 });
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.expiresAt).toBe(2);
    expect(cache.get('c')).toBeDefined();
  });

  it('forgets one token, or every session of an account', () => {
    const cache = new SessionCache(10, 60_000);
    cache.set('a1', { alias: 'ada', expiresAt: 1 });
    cache.set('a2', { alias: 'ada', expiresAt: 1 });
    cache.set('b1', { alias: 'bob', expiresAt: 1 });
    cache.delete('b1');
    expect(cache.get('b1')).toBeUndefined();
    cache.deleteAlias('ada');
    expect(cache.size).toBe(0);
  });
});
