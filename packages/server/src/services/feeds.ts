import type { FeedItem, Page, PageQuery } from '@tweeter/shared';
import { z } from 'zod';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import type {
  FeedEntry,
  FeedRepo,
  FollowRepo,
  RepostRepo,
  StatusRecord,
  StatusRepo,
  UserRepo,
} from '../ports/store.js';
import { oncePerStatus, rowOfEntry, rowOfRepost, shownInFeed, type FeedRow } from './feed-rows.js';
import type { PageRecords, QuoteChecks, StatusHydrator } from './status-hydrator.js';
import { JsonBytes } from './json-bytes.js';
import { readRepostRowChecks } from './repost-row-checks.js';
import type { RepostRowChecksReader } from '../ports/repost-row-checks.js';
import type { StatusCounts } from '../ports/status-counts.js';
import { pushStatusJson } from './status-json.js';
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
 * Blocks and mutes are applied last, to the page's rows (`Visibility.feedHidden`, read with the blocks of the
 * authors the rows quote: `feedHiddenAndBlocked`): entries a purge has not removed
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
      reposts: Pick<RepostRepo, 'byReposter' | 'standing' | 'get'>;
      /** A page's repost rows checked in one read, where the store has it (SQLite). */
      repostRowChecks?: RepostRowChecksReader;
      hydrator: StatusHydrator;
      visibility: Pick<Visibility, 'feedHiddenAndBlocked'>;
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

  /**
   * The same page as JSON bytes, byte for byte `JSON.stringify` of what `page` gives, built without the objects:
   * each status's fixed part is copied from the hydrator's cached bytes, the rest written per read (JsonBytes).
   */
  async pageJson(viewer: string, query: PageQuery): Promise<Buffer> {
    const page = await this.pageRows(viewer, query, true);
    const ids = page.rows.map((r) => r.statusId);
    const [parts, reposters] = await Promise.all([
      this.deps.hydrator.jsonAt(ids, viewer, page.quoteChecks, page.records, page.counts),
      // The reposters' JSON from the hydrator's author cache, rendered once per cached user.
      this.deps.hydrator.usersJson(page.rows.flatMap((r) => (r.repost ? [r.repost.reposter] : []))),
    ]);
    const body = new JsonBytes().push('{"items":[');
    let first = true;
    for (let i = 0; i < page.rows.length; i++) {
      const row = page.rows[i] as FeedRow;
      const status = parts[i];
      if (status === undefined) continue;
      let rest = ',"repostedBy":null,"repostedAt":null}';
      if (row.repost) {
        const by = reposters.get(row.repost.reposter);
        if (!by) continue; // a reposter who no longer exists
        const at = JSON.stringify(new Date(row.repost.at).toISOString());
        rest = `,"repostedBy":${by},"repostedAt":${at}}`;
      }
      if (!first) body.push(',');
      pushStatusJson(body, status).push(rest);
      first = false;
    }
    return body.push(`],"nextCursor":${JSON.stringify(page.nextCursor)}}`).toBuffer();
  }

  // The rows of one page, newest first, and the cursor of the next; `counted`: with the entries' counters where the
  // store reads them with the entries (FeedRepo.pageCounted).
  private async pageRows(
    viewer: string,
    query: PageQuery,
    counted = false,
  ): Promise<{
    rows: FeedRow[];
    nextCursor: string | null;
    quoteChecks?: QuoteChecks;
    records?: PageRecords;
    counts?: Map<string, StatusCounts>;
  }> {
    const cursor = decodeCursor(query.cursor, FeedCursor);
    const before = cursor?.k;
    // A cursor of a server without the bound has no `n`: it counts from there.
    const listed = cursor?.n ?? 0;
    const take = Math.min(query.limit, this.deps.maxEntries - listed);
    if (take <= 0) return { rows: [], nextCursor: null };
    const range = { before, limit: take + 1 };
    const [{ entries, counts, hidden }, pulled] = await Promise.all([
      this.entries(viewer, range, counted),
      this.pulledFollowees(viewer),
    ]);
    // Most viewers follow no pulled account: their entries come newest first, one per key (FeedRepo.page), so they
    // are the merge already, and the page skips the merge's sort, maps and reply rule.
    const merged =
      pulled.length === 0
        ? { newestFirst: entries.map((e) => rowOfEntry(e)), outside: NONE_OUTSIDE }
        : await this.merge(viewer, range, entries, pulled);
    // The extra row only says that more follow; at the bound nothing follows, whatever is stored.
    const kept = merged.newestFirst.slice(0, take);
    const last = kept.at(-1)?.key;
    const more = merged.newestFirst.length > take && listed + take < this.deps.maxEntries && last !== undefined;
    const { rows, quoteChecks, records } = await this.visible(
      viewer,
      merged.outside.size === 0 ? kept : kept.filter((r) => !merged.outside.has(r.key)),
      pulled,
      hidden ? { checked: new Set(entries.map((e) => e.author)), hidden } : undefined,
    );
    const nextCursor = more ? encodeCursor({ k: last, n: listed + kept.length }) : null;
    return { rows, nextCursor, quoteChecks, records, ...(counts ? { counts } : {}) };
  }

  private async entries(
    viewer: string,
    range: { before: string | undefined; limit: number },
    counted: boolean,
  ): Promise<{ entries: FeedEntry[]; counts?: Map<string, StatusCounts>; hidden?: Set<string> }> {
    const { feeds } = this.deps;
    if (counted && feeds.pageCounted) return feeds.pageCounted(viewer, range);
    return { entries: await feeds.page(viewer, range) };
  }

  /**
   * The pushed entries merged with the pulled accounts' statuses and reposts read with the same keyset: the newest
   * `range.limit` rows of the union, and the keys of replies outside the reply rule (they keep their place in the
   * merge, so the cut stays right, and are left out after).
   */
  private async merge(
    viewer: string,
    range: { before: string | undefined; limit: number },
    entries: readonly FeedEntry[],
    pulled: readonly string[],
  ): Promise<{ newestFirst: FeedRow[]; outside: ReadonlySet<string> }> {
    const [stories, reposted] = await Promise.all([
      Promise.all(pulled.map((author) => this.deps.statuses.byAuthor(author, range))),
      // A pulled account's reposts are merged as its statuses are (they have no feed entries either).
      Promise.all(pulled.map((reposter) => this.deps.reposts.byReposter(reposter, range))),
    ]);
    // A status of an account pulled after it was pushed is in both sources: the map keeps it once.
    const byKey = new Map<string, FeedRow>(entries.map((e) => [e.statusId, rowOfEntry(e)]));
    const reaches = await this.replyRule(viewer, stories.flat());
    const outside = new Set<string>();
    for (const story of stories)
      for (const s of story) {
        byKey.set(s.id, { key: s.id, statusId: s.id, author: s.author });
        if (!reaches(s)) outside.add(s.id);
      }
    for (const list of reposted) for (const r of list) byKey.set(r.id, rowOfRepost(r));
    const keys = [...byKey.keys()].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, range.limit);
    return { newestFirst: keys.flatMap((k) => byKey.get(k) ?? []), outside };
  }

  /**
   * Blocks and mutes, applied to the page's rows: a repost shows only while it stands (an undo hides it before its
   * retraction reaches the feed) and while neither its reposter nor the status's author is hidden from the viewer.
   * Once per feed across pages: a repost row shows only where the status is not in the feed as itself and no older
   * repost of it is (`shownInFeed`), whichever page each is on.
   * `known`: the entries' authors, already checked with the entries (FeedRepo.pageCounted), and those of them hidden;
   * only the other names (repost originals' authors, merged rows', quoted authors) are read here, if any.
   */
  private async visible(
    viewer: string,
    rows: readonly FeedRow[],
    pulled: readonly string[],
    known?: { checked: ReadonlySet<string>; hidden: ReadonlySet<string> },
  ): Promise<{ rows: FeedRow[]; quoteChecks: QuoteChecks; records: PageRecords }> {
    const reposts = rows.filter((r) => r.repost !== undefined);
    let resolved: readonly FeedRow[] = rows;
    if (reposts.length > 0) {
      const ids = [...new Set(reposts.map((r) => r.statusId))];
      const keys = reposts.map((r) => ({ statusId: r.statusId, reposter: r.repost?.reposter ?? '' }));
      const [authors, { standing, presence }, pulledFirst] = await Promise.all([
        this.deps.hydrator.authorsOf(ids),
        // Standing and presence in one read where the store has it (repost-row-checks.ts).
        readRepostRowChecks(this.deps, viewer, keys),
        this.firstPulledReposts(ids, pulled),
      ]);
      const feed = { presence, pulled: new Set(pulled), pulledFirst };
      resolved = oncePerStatus(
        rows.flatMap((r) => {
          if (!r.repost) return [r];
          const author = authors.get(r.statusId);
          if (author === undefined || !standing.has(`${r.statusId} ${r.repost.reposter}`)) return [];
          const row = { ...r, author };
          return shownInFeed(row, feed) ? [row] : [];
        }),
      );
    }
    // The authors of the statuses the rows quote are checked for blocks in the same read as the rows' names the entries'
    // statement did not check (one per distinct name); a page of plain entries that quote nothing reads none.
    // The records looked up for them are the ones the page is rendered from (pageJson).
    const records = await this.deps.hydrator.pageRecords(resolved.map((r) => r.statusId));
    const quoted = records.quotedAuthors();
    const names = resolved.flatMap((r) => (r.repost ? [r.author, r.repost.reposter] : [r.author]));
    const ask = known ? names.filter((n) => !known.checked.has(n)) : names;
    let hidden: ReadonlySet<string> = known?.hidden ?? NONE;
    let blocked: Set<string> = new Set();
    if (!known || ask.length > 0 || quoted.length > 0) {
      const read = await this.deps.visibility.feedHiddenAndBlocked(viewer, ask, quoted);
      blocked = read.blocked;
      hidden = hidden.size === 0 ? read.feedHidden : new Set([...hidden, ...read.feedHidden]);
    }
    const quoteChecks = { checked: new Set(quoted), blocked };
    if (hidden.size === 0) return { rows: [...resolved], quoteChecks, records };
    return {
      rows: resolved.filter((r) => !hidden.has(r.author) && !(r.repost && hidden.has(r.repost.reposter))),
      quoteChecks,
      records,
    };
  }

  /**
   * The reply feed rule for statuses merged at read time, as the fan-out applies it to pushed ones: a reply reaches
   * a follower of its author only if they also follow the one it answers (or are that one). It depends on follows
   * alone, so every page agrees.
   */
  private async replyRule(viewer: string, merged: readonly StatusRecord[]): Promise<(s: StatusRecord) => boolean> {
    const outside = (s: StatusRecord): string | null => {
      const parent = s.inReplyToAuthor;
      return parent === undefined || parent === '' || parent === s.author || parent === viewer ? null : parent;
    };
    const parents = [...new Set(merged.flatMap((s) => outside(s) ?? []))];
    if (parents.length === 0) return () => true;
    const followed = await this.deps.follows.existing(parents.map((followee) => ({ follower: viewer, followee })));
    const inside = new Set(followed.map((e) => e.followee));
    return (s) => {
      const parent = outside(s);
      return parent === null || inside.has(parent);
    };
  }

  /** Per status, the oldest repost of it by a pulled account the viewer follows (merged at read time), if any. */
  private async firstPulledReposts(ids: readonly string[], pulled: readonly string[]): Promise<Map<string, string>> {
    const first = new Map<string, string>();
    if (pulled.length === 0) return first;
    const keys = ids.flatMap((statusId) => pulled.map((reposter) => ({ statusId, reposter })));
    const standing = await this.deps.reposts.standing(keys);
    const found = await Promise.all(
      keys
        .filter((k) => standing.has(`${k.statusId} ${k.reposter}`))
        .map((k) => this.deps.reposts.get(k.statusId, k.reposter)),
    );
    for (const r of found) {
      const known = r ? first.get(r.statusId) : undefined;
      if (r && (known === undefined || r.id < known)) first.set(r.statusId, r.id);
    }
    return first;
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

const NONE_OUTSIDE: ReadonlySet<string> = new Set();
const NONE: ReadonlySet<string> = new Set();

/** The feed's cursor: the last status id listed and how many statuses the pages before listed (the bound). */
const FeedCursor = KeyCursor.extend({ n: z.number().int().min(0).max(1_000_000).optional() });
