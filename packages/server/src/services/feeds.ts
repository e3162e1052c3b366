import type { Page, PageQuery, Status } from '@tweeter/shared';
import { z } from 'zod';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import type { FeedRepo, FollowRepo, StatusRepo, UserRepo } from '../ports/store.js';
import type { StatusHydrator } from './status-hydrator.js';
import type { Visibility } from '../domain/visibility.js';

/**
 * The home feed: statuses of the people one follows, newest first. Hybrid fan-out: most authors' statuses are
 * pushed into per-follower feed entries, but accounts marked as pulled (too many followers to fan out to) are
 * merged in at read time from their own stories. Both sources are read with the same keyset (status ids below the
 * cursor), so a page is the newest `limit` of their union and the cursor stays stable under concurrent writes.
 *
 * A feed is bounded: its pages together list at most `maxEntries` statuses (the cursor carries how many came
 * before it), the newest of the union, then the last page has no cursor. So the merged feed never reaches back
 * further than a feed of that many pushed entries would, and whether the trim job has run yet never shows.
 *
 * Blocks and mutes are applied last, to the page's rows (`Visibility.feedHidden`): entries a purge has not removed
 * yet never show, and the cursor still moves over them, so such a page may list fewer than `limit`.
 */
export class FeedService {
  constructor(
    private readonly deps: {
      feeds: FeedRepo;
      follows: FollowRepo;
      statuses: StatusRepo;
      users: UserRepo;
      hydrator: StatusHydrator;
      visibility: Pick<Visibility, 'feedHidden'>;
      /** At most this many pulled accounts are merged into one viewer's feed (the first by alias). */
      pullMax: number;
      /** FEED_MAX_ENTRIES: a feed lists its newest this many statuses, then ends (no cursor past them). */
      maxEntries: number;
    },
  ) {}

  /** One page of the viewer's feed. Entries of deleted statuses are skipped without shifting later pages. */
  async page(viewer: string, query: PageQuery): Promise<Page<Status>> {
    const page = await this.pageIds(viewer, query);
    return { items: await this.deps.hydrator.byIds(page.rows, viewer), nextCursor: page.nextCursor };
  }

  /** The same page as JSON text, byte for byte `JSON.stringify` of what `page` gives, built without the objects. */
  async pageJson(viewer: string, query: PageQuery): Promise<string> {
    const page = await this.pageIds(viewer, query);
    const items = await this.deps.hydrator.jsonByIds(page.rows, viewer);
    return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
  }

  // The status ids of one page, newest first, and the cursor of the next.
  private async pageIds(viewer: string, query: PageQuery): Promise<{ rows: string[]; nextCursor: string | null }> {
    const cursor = decodeCursor(query.cursor, FeedCursor);
    const before = cursor?.k;
    // A cursor of a server without the bound has no `n`: it counts from there.
    const listed = cursor?.n ?? 0;
    const take = Math.min(query.limit, this.deps.maxEntries - listed);
    if (take <= 0) return { rows: [], nextCursor: null };
    const range = { before, limit: take + 1 };
    const [entries, pulled] = await Promise.all([this.deps.feeds.page(viewer, range), this.pulledFollowees(viewer)]);
    const stories = await Promise.all(pulled.map((author) => this.deps.statuses.byAuthor(author, range)));
    // A status of an account pulled after it was pushed is in both sources: the set keeps it once.
    const authorOf = new Map(entries.map((e) => [e.statusId, e.author]));
    for (const story of stories) for (const s of story) authorOf.set(s.id, s.author);
    const newestFirst = [...authorOf.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, range.limit);
    // The extra row only says that more follow; at the bound nothing follows, whatever is stored.
    const rows = newestFirst.slice(0, take);
    const last = rows.at(-1);
    const more = newestFirst.length > take && listed + take < this.deps.maxEntries && last !== undefined;
    const hidden = await this.deps.visibility.feedHidden(
      viewer,
      rows.map((id) => authorOf.get(id) ?? ''),
    );
    const shown = hidden.size === 0 ? rows : rows.filter((id) => !hidden.has(authorOf.get(id) ?? ''));
    return { rows: shown, nextCursor: more ? encodeCursor({ k: last, n: listed + rows.length }) : null };
  }

  // The pulled accounts the viewer follows, at most `pullMax` of them, by alias (a stable choice across pages).
  private async pulledFollowees(viewer: string): Promise<string[]> {
    const pulled = await this.deps.users.pulledAccounts();
    if (pulled.size === 0) return [];
    const candidates = [...pulled.keys()].filter((alias) => alias !== viewer).sort();
    const followed = await this.deps.follows.existing(candidates.map((followee) => ({ follower: viewer, followee })));
    return followed.slice(0, this.deps.pullMax).map((e) => e.followee);
  }
}

/** The feed's cursor: the last status id listed and how many statuses the pages before listed (the bound). */
const FeedCursor = KeyCursor.extend({ n: z.number().int().min(0).max(1_000_000).optional() });
