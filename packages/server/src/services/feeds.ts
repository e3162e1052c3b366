import type { FeedItem, Page, PageQuery } from '@tweeter/shared';
import { z } from 'zod';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import type { FeedRepo, FollowRepo, RepostRepo, StatusRepo, UserRepo } from '../ports/store.js';
import { oncePerStatus, rowOfEntry, rowOfRepost, type FeedRow } from './feed-rows.js';
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
 *
 * A repost is an entry keyed by its own id (so it sorts by when it was reposted) that shows the status it reposted,
 * with `repostedBy` and `repostedAt`; a pulled account's reposts are merged at read time like its statuses.
 */
export class FeedService {
  constructor(
    private readonly deps: {
      feeds: FeedRepo;
      follows: FollowRepo;
      statuses: StatusRepo;
      users: UserRepo;
      reposts: Pick<RepostRepo, 'byReposter' | 'standing'>;
      hydrator: StatusHydrator;
      visibility: Pick<Visibility, 'feedHidden'>;
      /** At most this many pulled accounts are merged into one viewer's feed (the first by alias). */
      pullMax: number;
      /** FEED_MAX_ENTRIES: a feed lists its newest this many statuses, then ends (no cursor past them). */
      maxEntries: number;
    },
  ) {}

  /** One page of the viewer's feed. Entries of deleted statuses are skipped without shifting later pages. */
  async page(viewer: string, query: PageQuery): Promise<Page<FeedItem>> {
    const page = await this.pageRows(viewer, query);
    const [statuses, reposters] = await Promise.all([
      this.deps.hydrator.byIds(
        page.rows.map((r) => r.statusId),
        viewer,
      ),
      this.deps.hydrator.users(page.rows.flatMap((r) => (r.repost ? [r.repost.reposter] : []))),
    ]);
    const byId = new Map(statuses.map((s) => [s.id, s]));
    const items: FeedItem[] = [];
    for (const row of page.rows) {
      const status = byId.get(row.statusId);
      if (!status) continue;
      const by = row.repost ? (reposters.get(row.repost.reposter) ?? null) : null;
      if (row.repost && !by) continue; // a reposter who no longer exists
      items.push({
        ...status,
        repostedBy: by,
        repostedAt: row.repost && by ? new Date(row.repost.at).toISOString() : null,
      });
    }
    return { items, nextCursor: page.nextCursor };
  }

  /** The same page as JSON text, byte for byte `JSON.stringify` of what `page` gives, built without the objects. */
  async pageJson(viewer: string, query: PageQuery): Promise<string> {
    const page = await this.pageRows(viewer, query);
    const ids = page.rows.map((r) => r.statusId);
    const [texts, reposters] = await Promise.all([
      this.deps.hydrator.jsonByIdsKeyed(ids, viewer),
      this.deps.hydrator.users(page.rows.flatMap((r) => (r.repost ? [r.repost.reposter] : []))),
    ]);
    const items: string[] = [];
    for (const row of page.rows) {
      const text = texts.get(row.statusId);
      if (text === undefined) continue;
      if (!row.repost) {
        items.push(`${text.slice(0, -1)},"repostedBy":null,"repostedAt":null}`);
        continue;
      }
      const by = reposters.get(row.repost.reposter);
      if (!by) continue;
      const at = JSON.stringify(new Date(row.repost.at).toISOString());
      items.push(`${text.slice(0, -1)},"repostedBy":${JSON.stringify(by)},"repostedAt":${at}}`);
    }
    return `{"items":[${items.join(',')}],"nextCursor":${JSON.stringify(page.nextCursor)}}`;
  }

  // The rows of one page, newest first, and the cursor of the next.
  private async pageRows(viewer: string, query: PageQuery): Promise<{ rows: FeedRow[]; nextCursor: string | null }> {
    const cursor = decodeCursor(query.cursor, FeedCursor);
    const before = cursor?.k;
    // A cursor of a server without the bound has no `n`: it counts from there.
    const listed = cursor?.n ?? 0;
    const take = Math.min(query.limit, this.deps.maxEntries - listed);
    if (take <= 0) return { rows: [], nextCursor: null };
    const range = { before, limit: take + 1 };
    const [entries, pulled] = await Promise.all([this.deps.feeds.page(viewer, range), this.pulledFollowees(viewer)]);
    const [stories, reposted] = await Promise.all([
      Promise.all(pulled.map((author) => this.deps.statuses.byAuthor(author, range))),
      // A pulled account's reposts are merged as its statuses are (they have no feed entries either).
      Promise.all(pulled.map((reposter) => this.deps.reposts.byReposter(reposter, range))),
    ]);
    // A status of an account pulled after it was pushed is in both sources: the map keeps it once.
    const byKey = new Map<string, FeedRow>(entries.map((e) => [e.statusId, rowOfEntry(e)]));
    for (const story of stories)
      for (const s of story) byKey.set(s.id, { key: s.id, statusId: s.id, author: s.author });
    for (const list of reposted) for (const r of list) byKey.set(r.id, rowOfRepost(r));
    const newestFirst = [...byKey.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, range.limit);
    // The extra row only says that more follow; at the bound nothing follows, whatever is stored.
    const keys = newestFirst.slice(0, take);
    const last = keys.at(-1);
    const more = newestFirst.length > take && listed + take < this.deps.maxEntries && last !== undefined;
    const rows = await this.visible(
      viewer,
      keys.flatMap((k) => byKey.get(k) ?? []),
    );
    return { rows, nextCursor: more ? encodeCursor({ k: last, n: listed + keys.length }) : null };
  }

  /**
   * Blocks and mutes, applied to the page's rows: a repost shows only while it stands (an undo hides it before its
   * retraction reaches the feed) and while neither its reposter nor the status's author is hidden from the viewer.
   */
  private async visible(viewer: string, rows: readonly FeedRow[]): Promise<FeedRow[]> {
    const reposts = rows.filter((r) => r.repost !== undefined);
    let resolved: readonly FeedRow[] = rows;
    if (reposts.length > 0) {
      const [authors, standing] = await Promise.all([
        this.deps.hydrator.authorsOf(reposts.map((r) => r.statusId)),
        this.deps.reposts.standing(reposts.map((r) => ({ statusId: r.statusId, reposter: r.repost?.reposter ?? '' }))),
      ]);
      resolved = oncePerStatus(
        rows.flatMap((r) => {
          if (!r.repost) return [r];
          const author = authors.get(r.statusId);
          return author !== undefined && standing.has(`${r.statusId} ${r.repost.reposter}`) ? [{ ...r, author }] : [];
        }),
      );
    }
    const hidden = await this.deps.visibility.feedHidden(
      viewer,
      resolved.flatMap((r) => (r.repost ? [r.author, r.repost.reposter] : [r.author])),
    );
    if (hidden.size === 0) return [...resolved];
    return resolved.filter((r) => !hidden.has(r.author) && !(r.repost && hidden.has(r.repost.reposter)));
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
