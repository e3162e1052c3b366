import type { Card, QuotedStatus, Status, User } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import type {
  CommentRepo,
  QuoteRepo,
  RepostRepo,
  StatusRecord,
  StatusRepo,
  UserRecord,
  UserRepo,
} from '../ports/store.js';
import type { Visibility } from '../domain/visibility.js';
import { quotedOf, quotedStatuses, type QuoteSource } from './status-quotes.js';
import { StatusBytes } from './status-bytes.js';
import { cachedAt, cachedMany } from './cached-many.js';
import type { Clock } from '../ports/clock.js';
import type { CardReader } from './card-reader.js';
import type { UserPresenter } from './user-presenter.js';
import type { ReactionReader } from './reaction-reader.js';
import type { StatusCounts, StatusCountsReader } from '../ports/status-counts.js';
import { emptyCounters, readCounters, type Counters } from './status-counters.js';
import { fixedFields, type StatusJson } from './status-json.js';
import type { QuoteChecks } from './status-page-json.js';
import { inReplyTo } from './status-in-reply-to.js';
import { PageRecords } from './page-records.js';
import { StatusPageParts } from './status-page-parts.js';

export type { QuoteChecks } from './status-page-json.js';
export type { PageRecords } from './page-records.js';

/** What rendering a page's statuses reads beside their records: authors (cached), cards and counters (fresh). */
type Related = Counters & { authors: Map<string, UserRecord>; cards: Map<string, Card> };

/** How long an author stays cached where profile edits are not seen (another process): a rename shows within it. */
export const USER_CACHE_TTL_MS = 5_000;

/**
 * Turns status ids or records into API Statuses with one batched lookup per kind, through small caches:
 * status content is immutable, so only deletion evicts it here, and a TTL (STATUS_CACHE_TTL_SECONDS) bounds how
 * long a deletion made by another process goes unseen; authors are cached briefly (profile changes evict here,
 * and the TTL bounds staleness across processes). Reaction and comment counts change all the time, so they
 * are never cached: each page reads them fresh, one batched read each, with the viewer's own reactions.
 *
 * Feed pages are the hot path, so a status can also come out as JSON (`jsonByIdsKeyed`): the bytes of its fixed
 * fields and its author are rendered once (StatusBytes) and only the counters are written per read; an embedded
 * quote is made the same way, from its own cached bytes, and its counters come in the same reads as the page's.
 */
export class StatusHydrator {
  private readonly statusCache: LRUCache<string, StatusRecord>;
  private readonly userCache: LRUCache<string, UserRecord>;
  // JSON text of an author per cached record object: it goes when the cache drops (evicts or forgets) the record.
  private readonly rendered = new WeakMap<UserRecord, string>();
  private readonly bytes = new StatusBytes();
  private readonly quoteSource: QuoteSource;
  // A page's statuses as JSON parts (`jsonAt`, `jsonByIdsKeyed`), through the caches and rendered texts above.
  private readonly pages: StatusPageParts;

  constructor(
    private readonly deps: {
      statuses: StatusRepo;
      users: UserRepo;
      userPresenter: UserPresenter;
      reactions: ReactionReader;
      /** Direct replies are the status's comments: their count is the reply count. */
      comments: CommentRepo;
      quotes: QuoteRepo;
      /** Repost counts and the viewer's own reposts, read fresh as reaction counts are. */
      reposts: Pick<RepostRepo, 'counts' | 'mine'>;
      /** Every counter of a page in one read, where the store has it (SQLite); else the five reads above. */
      counts?: StatusCountsReader;
      /** A quoted status across a block from the viewer is embedded as gone. */
      visibility: Pick<Visibility, 'blocked'>;
      /** Link cards change once (when fetched), so they are read beside the counts, not kept with the record. */
      cards: CardReader;
      /** Expiry of both caches runs on this clock. */
      clock: Clock;
      statusCacheTtlMs: number;
      /** Default USER_CACHE_TTL_MS; longer only where every profile edit evicts here (`forgetUser`). */
      userCacheTtlMs?: number;
    },
  ) {
    // ttlResolution 0: read the clock at each check (a cached time would follow the wall clock, not `clock`).
    const timing = { perf: deps.clock, ttlResolution: 0 };
    this.statusCache = new LRUCache({ max: 20_000, ttl: deps.statusCacheTtlMs, ...timing });
    this.userCache = new LRUCache({ max: 20_000, ttl: deps.userCacheTtlMs ?? USER_CACHE_TTL_MS, ...timing });
    this.quoteSource = {
      statusRecords: (ids) => this.statusRecords(ids),
      flat: (records, viewer) => this.flat(records, viewer),
      visibility: deps.visibility,
    };
    this.pages = new StatusPageParts({
      ...deps,
      userCache: this.userCache,
      bytes: this.bytes,
      authorJson: (record) => this.authorJson(record),
    });
  }

  /**
   * Statuses for these ids in the same order, as `viewer` sees them (`reactions.mine`; null: nobody in
   * particular, e.g. a live push to many); ids of statuses that no longer exist are left out.
   */
  async byIds(ids: readonly string[], viewer: string | null): Promise<Status[]> {
    return this.records(await this.statusRecords(ids), viewer);
  }

  /**
   * Statuses for these ids as `byIds` gives them, as JSON by status id (in the order given; an id asked twice is
   * rendered once): `head` then `tail` then `}` is byte for byte `JSON.stringify` of the Status, built without
   * the objects (a feed page is then mostly copies of cached bytes).
   */
  async jsonByIdsKeyed(ids: readonly string[], viewer: string | null): Promise<Map<string, StatusJson>> {
    const { records, quotedRecords } = await this.pageRecords(ids);
    const parts = await this.pages.partsAt(records, quotedRecords, viewer, undefined, undefined);
    const out = new Map<string, StatusJson>();
    for (let i = 0; i < records.length; i++) {
      const part = parts[i];
      if (part !== undefined) out.set((records[i] as StatusRecord).id, part);
    }
    return out;
  }

  /**
   * A feed page's statuses as JSON parts by position: `out[i]` is `ids[i]`'s, byte for byte what `jsonByIdsKeyed`
   * gives for it (undefined: the status or its author is gone). A page's ids are in order and its records looked up
   * already (`known`), so everything here goes by position in arrays, not through maps keyed by fresh id strings.
   */
  async jsonAt(
    ids: readonly string[],
    viewer: string | null,
    /** Quoted authors already checked for blocks with `viewer` (the feed's one read): not read again. */
    checks?: QuoteChecks,
    /** The records of these ids (or more) and of those they quote, looked up already (`pageRecords`). */
    known?: PageRecords,
    /** Counters of some of these statuses read already for `viewer` (a feed page's, with its entries). */
    counted?: ReadonlyMap<string, StatusCounts>,
  ): Promise<(StatusJson | undefined)[]> {
    const { records, quotedRecords } = (known ?? (await this.pageRecords(ids))).at(ids);
    return this.pages.partsAt(records, quotedRecords, viewer, checks, counted);
  }

  /** The JSON text of the users of these aliases (as `users` gives them, from the same cache, rendered once each). */
  async usersJson(aliases: readonly string[]): Promise<Map<string, string>> {
    if (aliases.length === 0) return new Map();
    const records = await this.userRecords(aliases);
    const out = new Map<string, string>();
    for (const [alias, record] of records) out.set(alias, this.authorJson(record));
    return out;
  }

  /** The replied-to author of each reply among these statuses, from the records' cache (no counters read). */
  async replyParents(ids: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (ids.length === 0) return out;
    // A store that reads the parents alone does (SQLite): fan-out asks this of every status it writes, and building
    // and caching their records was most of its cost (docs/benchmarks.md, `s17-sustained`).
    if (this.deps.statuses.replyParents) return this.deps.statuses.replyParents(ids);
    for (const r of await this.statusRecords(ids))
      if (r.inReplyToAuthor !== undefined) out.set(r.id, r.inReplyToAuthor);
    return out;
  }

  /** API Users of these aliases (cached as status authors are); aliases of accounts that are gone are left out. */
  async users(aliases: readonly string[]): Promise<Map<string, User>> {
    if (aliases.length === 0) return new Map();
    const records = await this.userRecords(aliases);
    const out = new Map<string, User>();
    for (const [alias, record] of records) out.set(alias, this.deps.userPresenter.user(record));
    return out;
  }

  /**
   * The records of these statuses (those that exist, each once, in the order given) and of the statuses they quote,
   * looked up once: a feed page reads its quoted authors from them, then renders from them (`jsonByIdsKeyed`'s
   * `known`), instead of asking the cache for each record again (~20 lookups a page).
   */
  async pageRecords(ids: readonly string[]): Promise<PageRecords> {
    const records = await this.statusRecords([...new Set(ids)]);
    const quoteIds = [...new Set(records.flatMap((r) => (r.quoteOfId === undefined ? [] : [r.quoteOfId])))];
    const quotedRecords = quoteIds.length === 0 ? [] : await this.statusRecords(quoteIds);
    return new PageRecords(records, quotedRecords);
  }

  /** The author of each of these statuses that exists (from the same cache as hydration). */
  async authorsOf(ids: readonly string[]): Promise<Map<string, string>> {
    const records = await this.statusRecords([...new Set(ids)]);
    return new Map(records.map((r) => [r.id, r.author]));
  }

  /**
   * API Statuses for records already read, as `viewer` sees them. `fresh`: the records were created by this very
   * request, so nothing can have reacted to, replied to, quoted or reposted them yet: their counts are 0 without
   * the five reads (a post's answer; the quoted status, if any, is read as usual).
   */
  async records(
    records: readonly StatusRecord[],
    viewer: string | null,
    options?: { fresh?: boolean },
  ): Promise<Status[]> {
    const quoted = await this.quoted(records, viewer);
    return (await this.flat(records, viewer, options?.fresh === true)).map((s) => ({
      ...s,
      quote: quotedOf(s, quoted),
    }));
  }

  // Statuses without their quoted status (`quote: null`): a quote one level down, or before it is embedded.
  private async flat(records: readonly StatusRecord[], viewer: string | null, fresh = false): Promise<QuotedStatus[]> {
    const { authors, reactions, comments, cards, quotes, reposts, reposted } = await this.related(
      records,
      viewer,
      fresh,
    );
    const out: QuotedStatus[] = [];
    for (const r of records) {
      const author = authors.get(r.author);
      if (!author) continue; // an author who no longer exists
      this.keep(r);
      const replies = comments.get(r.id) ?? 0;
      out.push({
        id: r.id,
        author: this.deps.userPresenter.user(author),
        ...fixedFields(r, this.deps.userPresenter),
        reactions: reactions.get(r.id) ?? { like: 0, heart: 0, mine: [] },
        commentCount: replies,
        repostCount: reposts.get(r.id) ?? 0,
        repostedByMe: reposted.has(r.id),
        card: cards.get(r.id) ?? null,
        inReplyTo: inReplyTo(r, authors, this.deps.userPresenter),
        quoteId: r.quoteOfId ?? null,
        replyCount: replies,
        quoteCount: quotes.get(r.id) ?? 0,
        deleted: false,
        quote: null,
      });
    }
    return out;
  }

  // The statuses these records quote, one level deep, as the viewer sees them (status-quotes.ts).
  private quoted(records: readonly StatusRecord[], viewer: string | null): Promise<Map<string, QuotedStatus>> {
    return quotedStatuses(this.quoteSource, records, viewer);
  }

  forgetStatus(id: string): void {
    this.statusCache.delete(id);
    this.bytes.forget(id);
  }

  /** Drops the cached card of this URL key (a new one was just written). */
  forgetCard(key: string): void {
    this.deps.cards.forget(key);
  }

  forgetUser(alias: string): void {
    this.userCache.delete(alias);
  }

  // The records of these ids in the same order, from the cache or one batched read; missing ids are left out.
  private async statusRecords(ids: readonly string[]): Promise<StatusRecord[]> {
    // By position: a page's ids are fresh strings, each looked up once (the cache's own map), with no map of the found.
    const found = await cachedAt(this.statusCache, ids, (missing) => this.deps.statuses.getMany(missing));
    const records: StatusRecord[] = [];
    for (const rec of found) if (rec) records.push(rec);
    return records;
  }

  // Authors (cached), reactions and comment counts (fresh) and cards of these records, read at the same time.
  private async related(records: readonly StatusRecord[], viewer: string | null, fresh = false): Promise<Related> {
    const ids = records.map((r) => r.id);
    const people = records.flatMap((r) =>
      r.inReplyToAuthor === undefined ? [r.author] : [r.author, r.inReplyToAuthor],
    );
    const [authors, cards, counters] = await Promise.all([
      this.userRecords(people),
      this.deps.cards.forRecords(records),
      // `fresh`: a status created by this very request has no counts yet, so none are read.
      fresh ? emptyCounters() : readCounters(this.deps, ids, viewer),
    ]);
    return { authors, cards, ...counters };
  }

  // The user records of these aliases (each once), from the cache or one batched read; gone accounts left out.
  private userRecords(aliases: readonly string[]): Promise<Map<string, UserRecord>> {
    return cachedMany(this.userCache, [...new Set(aliases)], (missing) => this.deps.users.getMany(missing));
  }

  // Only when not cached yet: re-setting would restart the TTL on every read, and a hot status never expire.
  private keep(record: StatusRecord): void {
    if (!this.statusCache.has(record.id)) this.statusCache.set(record.id, record);
  }

  // The JSON text of this author, made once per cached record object.
  private authorJson(record: UserRecord): string {
    let text = this.rendered.get(record);
    if (text === undefined) {
      text = JSON.stringify(this.deps.userPresenter.user(record));
      this.rendered.set(record, text);
    }
    return text;
  }
}
