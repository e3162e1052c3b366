import type { Status } from '@tweeter/shared';
import { hasItem, prependItems, type Pages } from './pages.js';
import { Observable } from './store.js';

/**
 * New statuses that reached my feed while I am reading it. They wait behind a "N new posts" banner
 * instead of pushing the list down under the reader's eyes; `reveal` puts them on top.
 */
export class PendingPosts extends Observable<Status[]> {
  constructor() {
    super([]);
  }

  /** A status from the stream or a catch-up read: held back unless the feed shows it already. */
  offer(statuses: Status[], feed: Pages<Status> | undefined): void {
    const held = this.get();
    const fresh = statuses.filter((s) => !hasItem(feed, s.id) && !held.some((h) => h.id === s.id));
    if (fresh.length) this.set([...held, ...fresh]);
  }

  /** A status deleted by its author leaves the banner too. */
  remove(id: string): void {
    if (this.get().some((s) => s.id === id)) this.set(this.get().filter((s) => s.id !== id));
  }

  /** A waiting status changed (its card arrived): it shows changed when revealed. */
  update(id: string, fn: (status: Status) => Status): void {
    if (this.get().some((s) => s.id === id)) this.set(this.get().map((s) => (s.id === id ? fn(s) : s)));
  }

  /** The feed with the waiting statuses on top, newest first; the banner empties. */
  reveal(feed: Pages<Status>): Pages<Status> {
    const next = prependItems(feed, this.get());
    this.set([]);
    return next;
  }

  clear(): void {
    if (this.get().length) this.set([]);
  }
}

/** The banner's words. */
export function newPostsLabel(n: number): string {
  return n === 1 ? '1 new post' : `${n} new posts`;
}

/** Catching up after a reconnect: the statuses of a fresh first page newer than the newest I hold. */
export function newerThanHeld(fresh: Status[], feed: Pages<Status> | undefined): Status[] {
  const top = feed?.pages[0]?.items[0]?.id;
  return fresh.filter((s) => (top === undefined || s.id > top) && !hasItem(feed, s.id));
}
