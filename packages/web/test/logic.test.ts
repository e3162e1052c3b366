import { describe, expect, it } from 'vitest';
import { errorMessage, TweeterApiError } from '../src/api/client.js';
import { deliveryLabel, deliveryPollMs } from '../src/logic/delivery.js';
import { failure } from '../src/logic/flows.js';
import { canRegister, canSignIn, imageProblem, postState, registerProblems } from '../src/logic/forms.js';
import { newPostsLabel, newerThanHeld, PendingPosts } from '../src/logic/live-feed.js';
import { appendItems, flatten, mapItem, pagesOf, prependItems, removeItem } from '../src/logic/pages.js';
import { toggleReaction, withCounts } from '../src/logic/reactions.js';
import { SessionStore } from '../src/logic/session.js';
import { reconnectDelay } from '../src/logic/stream.js';
import { shortTime } from '../src/logic/time.js';
import { ToastStore } from '../src/logic/toasts.js';
import { ADA, memoryStorages, status } from './support.js';

describe('form rules', () => {
  it('sign-in needs both fields', () => {
    expect(canSignIn('', '')).toBe(false);
    expect(canSignIn('ada', '')).toBe(false);
    expect(canSignIn('  ', 'pw')).toBe(false);
    expect(canSignIn('ada', 'pw')).toBe(true);
  });

  it('register needs names, alias and password, not the picture', () => {
    const f = { firstName: 'Ada', lastName: 'Lovelace', alias: 'ada', password: 'correct horse' };
    expect(canRegister(f)).toBe(true);
    for (const k of Object.keys(f) as (keyof typeof f)[]) expect(canRegister({ ...f, [k]: '' })).toBe(false);
  });

  it('says what the server would reject, before the round trip', () => {
    const ok = { firstName: 'Ada', lastName: 'L', alias: 'ada', password: 'correct horse' };
    expect(registerProblems(ok)).toEqual([]);
    expect(registerProblems({ ...ok, alias: '@Ada_1' })).toEqual([]);
    expect(registerProblems({ ...ok, alias: 'a-b' })).toEqual(['Alias may contain only letters, digits and _']);
    expect(registerProblems({ ...ok, alias: 'ab' })).toEqual(['Alias must be 3 to 30 characters']);
    expect(registerProblems({ ...ok, password: 'short' })).toEqual(['Password must be at least 8 characters']);
    expect(registerProblems({ ...ok, firstName: 'x'.repeat(51) })).toEqual(['Names must be at most 50 characters']);
  });

  it('counts a post as the server does: code points, after trimming', () => {
    expect(postState('')).toEqual({ left: 280, canPost: false, canClear: false });
    expect(postState('   ')).toEqual({ left: 280, canPost: false, canClear: true });
    expect(postState('😀'.repeat(280))).toMatchObject({ left: 0, canPost: true });
    expect(postState('😀'.repeat(281))).toMatchObject({ left: -1, canPost: false });
    expect(postState(` ${'a'.repeat(280)} `).canPost).toBe(true);
  });

  it('checks a picture against the server limits', () => {
    expect(imageProblem({ type: 'image/png', size: 1024 })).toBeNull();
    expect(imageProblem({ type: 'image/gif', size: 1024 })).toBe('The picture must be a PNG, JPEG or WebP image');
    expect(imageProblem({ type: 'image/jpeg', size: 1024 * 1024 + 1 })).toBe('The picture must be at most 1 MiB');
  });
});

describe('messages', () => {
  it('uses the server message, never [object Object]', () => {
    expect(failure('post the status', new TweeterApiError(400, 'validation_failed', 'body.post: too long'))).toBe(
      'Failed to post the status because of exception: body.post: too long',
    );
    expect(errorMessage({})).toBe('something went wrong');
    expect(errorMessage('plain')).toBe('plain');
  });

  it('labels the banner and the fan-out progress', () => {
    expect(newPostsLabel(1)).toBe('1 new post');
    expect(newPostsLabel(3)).toBe('3 new posts');
    expect(deliveryLabel({ state: 'queued', audience: 5, delivered: 0 })).toBe('Delivering to 5 followers...');
    expect(deliveryLabel({ state: 'running', audience: 5, delivered: 2 })).toBe('Delivered to 2 of 5 followers...');
    expect(deliveryLabel({ state: 'done', audience: 1, delivered: 1 })).toBe('Delivered to all 1 follower.');
    expect(deliveryLabel({ state: 'done', audience: 0, delivered: 0 })).toBe('Posted. No followers to deliver to yet.');
    expect(deliveryPollMs({ state: 'running', audience: 5, delivered: 2 })).toBe(500);
    expect(deliveryPollMs({ state: 'done', audience: 5, delivered: 5 })).toBe(false);
  });

  it('shows times short', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(shortTime('2026-11-29T11:59:50Z', now)).toBe('just now');
    expect(shortTime('2026-11-29T11:55:00Z', now)).toBe('5m');
    expect(shortTime('2026-11-29T09:00:00Z', now)).toBe('3h');
    expect(shortTime('2025-01-02T09:00:00Z', now)).toMatch(/2025/);
  });
});

describe('paged lists', () => {
  it('flattens pages with each id once, prepends newest first, appends, maps and removes', () => {
    let data = pagesOf([status('B'), status('A')], 'c1');
    data = { ...data, pages: [...data.pages, { items: [status('A'), status('0')], nextCursor: null }] };
    expect(flatten(data).map((s) => s.id)).toEqual(['B', 'A', '0']);
    data = prependItems(data, [status('C'), status('D'), status('B')]);
    expect(flatten(data).map((s) => s.id)).toEqual(['D', 'C', 'B', 'A', '0']);
    data = appendItems(data, [status('Z')]);
    expect(data.pages[1]?.items.at(-1)?.id).toBe('Z');
    data = mapItem(data, 'C', (s) => ({ ...s, post: 'changed' }));
    expect(flatten(data).find((s) => s.id === 'C')?.post).toBe('changed');
    data = removeItem(data, 'A');
    expect(flatten(data).map((s) => s.id)).toEqual(['D', 'C', 'B', '0', 'Z']);
  });
});

describe('live feed', () => {
  it('holds new statuses behind the banner, skipping what the feed shows, and reveals them on top', () => {
    const feed = pagesOf([status('02'), status('01')]);
    const pending = new PendingPosts();
    pending.offer([status('03')], feed);
    pending.offer([status('02'), status('03'), status('04')], feed);
    expect(pending.get().map((s) => s.id)).toEqual(['03', '04']);
    pending.remove('03');
    pending.offer([status('05')], feed);
    const shown = pending.reveal(feed);
    expect(flatten(shown).map((s) => s.id)).toEqual(['05', '04', '02', '01']);
    expect(pending.get()).toEqual([]);
  });

  it('catches up with what is newer than the newest held', () => {
    const feed = pagesOf([status('05'), status('03')]);
    expect(newerThanHeld([status('07'), status('06'), status('05'), status('03')], feed).map((s) => s.id)).toEqual([
      '07',
      '06',
    ]);
    expect(newerThanHeld([status('01')], pagesOf([]))).toHaveLength(1);
  });
});

describe('reactions', () => {
  it('toggles mine and the count, and live counts keep mine', () => {
    const r = { like: 2, heart: 0, mine: [] as ('like' | 'heart')[] };
    const on = toggleReaction(r, 'like');
    expect(on).toEqual({ on: true, next: { like: 3, heart: 0, mine: ['like'] } });
    expect(toggleReaction(on.next, 'like')).toEqual({ on: false, next: { like: 2, heart: 0, mine: [] } });
    expect(withCounts(on.next, { like: 7, heart: 1 })).toEqual({ like: 7, heart: 1, mine: ['like'] });
  });
});

describe('reconnect backoff', () => {
  it('waits 0.5 to 1.5 s, doubles, and stops at 30 s', () => {
    expect(reconnectDelay(0, () => 0)).toBe(500);
    expect(reconnectDelay(0, () => 1)).toBe(1500);
    expect(reconnectDelay(1, () => 0)).toBe(1000);
    expect(reconnectDelay(3, () => 0.5)).toBe(8000);
    expect(reconnectDelay(50, () => 1)).toBe(30_000);
  });
});

describe('session store', () => {
  const session = { token: 't1', user: ADA, expiresAt: '2999-01-01T00:00:00.000Z' };

  it('"Remember me" keeps the session where a browser restart finds it; otherwise only in the tab', () => {
    const storages = memoryStorages();
    new SessionStore(storages).signIn(session, true);
    expect(storages.persistent.map.size).toBe(1);
    expect(new SessionStore({ persistent: storages.persistent, tab: memoryStorages().tab }).get()?.token).toBe('t1');

    const other = memoryStorages();
    new SessionStore(other).signIn(session, false);
    expect(other.persistent.map.size).toBe(0);
    expect(new SessionStore({ persistent: other.persistent, tab: memoryStorages().tab }).get()).toBeNull();
    expect(new SessionStore(other).get()?.token).toBe('t1');
  });

  it('drops expired and damaged entries, and signs out everywhere', () => {
    const storages = memoryStorages();
    storages.persistent.setItem('tweeter.session', JSON.stringify({ ...session, expiresAt: '2000-01-01T00:00:00Z' }));
    storages.tab.setItem('tweeter.session', '{not json');
    expect(new SessionStore(storages).get()).toBeNull();
    expect(storages.persistent.map.size + storages.tab.map.size).toBe(0);
    const store = new SessionStore(storages);
    store.signIn(session, true);
    store.signOut();
    expect(store.get()).toBeNull();
    expect(storages.persistent.map.size).toBe(0);
  });
});

describe('toasts', () => {
  it('keeps errors until dismissed and lets info go after its time', () => {
    const timers: (() => void)[] = [];
    const toasts = new ToastStore(1000, (fn) => timers.push(fn));
    toasts.info('Posting status...');
    const err = toasts.error('Failed to post the status because of exception: x');
    expect(toasts.get().map((t) => t.text)).toHaveLength(2);
    for (const t of timers) t();
    expect(toasts.get().map((t) => t.kind)).toEqual(['error']);
    toasts.dismiss(err);
    expect(toasts.get()).toEqual([]);
  });
});
