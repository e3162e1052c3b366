import type { Card } from '@tweeter/shared';
import type { LRUCache } from 'lru-cache';
import type { StatusRecord, UserRecord, UserRepo } from '../ports/store.js';
import type { Visibility } from '../domain/visibility.js';
import type { StatusBytes } from './status-bytes.js';
import { cachedAt } from './cached-many.js';
import type { CardReader } from './card-reader.js';
import type { UserPresenter } from './user-presenter.js';
import type { StatusCounts } from '../ports/status-counts.js';
import { countersAt, type CounterReads } from './status-counters.js';
import { fixedFields, tailJson, type FlatJson, type StatusJson } from './status-json.js';
import { pageStatusJson, type QuoteChecks } from './status-page-json.js';
import { inReplyToJson } from './status-in-reply-to.js';

/** What rendering a page's statuses reads beside their records, by position in its records (undefined: none). */
interface RelatedAt {
  authors: (UserRecord | undefined)[];
  /** The replied-to author's record, for a reply. */
  parents: (UserRecord | undefined)[];
  cards: (Card | undefined)[];
  counts: (StatusCounts | undefined)[];
}

const NO_NAMES: ReadonlySet<string> = new Set();

/**
 * A page's statuses as JSON parts by position (StatusHydrator's `jsonAt` and `jsonByIdsKeyed`): the authors come
 * from the hydrator's own user cache, each status's fixed part from its StatusBytes and each author's text from its
 * `authorJson` (one cache and one rendering each, shared with the hydrator's other paths); cards, counters and the
 * quoted authors' blocks are read per page, everything by position, not through maps keyed by fresh id strings.
 */
export class StatusPageParts {
  // JSON text of a card per object the card reader hands out (the same object while it keeps the card): a page
  // stringified each of its cards on every read, ~5% of the page's hydration in the server's profile.
  private readonly renderedCards = new WeakMap<Card, string>();

  constructor(
    private readonly deps: CounterReads & {
      users: UserRepo;
      userPresenter: UserPresenter;
      visibility: Pick<Visibility, 'blocked'>;
      cards: CardReader;
      /** The hydrator's user cache (authors and reply parents). */
      userCache: LRUCache<string, UserRecord>;
      /** The hydrator's rendered fixed parts. */
      bytes: StatusBytes;
      /** The hydrator's JSON text of an author, made once per cached record object. */
      authorJson: (record: UserRecord) => string;
    },
  ) {}

  // The JSON parts of these records by position, each with its quote embedded (pageStatusJson). The page's statuses
  // and those they quote share one read of each kind (a quoted one may be on the page too: it is read once).
  async partsAt(
    records: readonly (StatusRecord | undefined)[],
    quotedRecords: readonly StatusRecord[],
    viewer: string | null,
    checks: QuoteChecks | undefined,
    counted: ReadonlyMap<string, StatusCounts> | undefined,
  ): Promise<(StatusJson | undefined)[]> {
    let all = records;
    const unchecked: string[] = [];
    if (quotedRecords.length > 0) {
      const onPage = new Set<string>();
      for (const r of records) if (r !== undefined) onPage.add(r.id);
      all = [...records, ...quotedRecords.filter((q) => !onPage.has(q.id))];
      for (const q of quotedRecords) if (checks?.checked.has(q.author) !== true) unchecked.push(q.author);
    }
    const [rel, hidden] = await Promise.all([
      this.relatedAt(all, viewer, counted),
      viewer === null || unchecked.length === 0 ? NO_NAMES : this.deps.visibility.blocked(viewer, unchecked),
    ]);
    const flat = new Array<FlatJson | undefined>(all.length);
    for (let i = 0; i < all.length; i++) {
      const r = all[i];
      // An author who no longer exists: left out (the record is cached already).
      if (r !== undefined) flat[i] = this.flatJson(r, rel, i);
    }
    // The quoted statuses' authors and parts, by id (a page that quotes nothing builds no map).
    const quoted = new Map<string, { author: string; flat: FlatJson | undefined }>();
    if (quotedRecords.length > 0) {
      const at = new Map<string, number>();
      for (let i = all.length - 1; i >= 0; i--) {
        const r = all[i];
        if (r !== undefined) at.set(r.id, i);
      }
      for (const q of quotedRecords) quoted.set(q.id, { author: q.author, flat: flat[at.get(q.id) ?? -1] });
    }
    return pageStatusJson(records, flat, quoted, hidden, checks);
  }

  // A status without its quote as JSON parts (`rel`'s position `at`): its fixed part's cached bytes, the rest per
  // read. Undefined: its author is gone.
  private flatJson(r: StatusRecord, rel: RelatedAt, at: number): FlatJson | undefined {
    const author = rel.authors[at];
    if (!author) return undefined;
    const { authorJson, userPresenter } = this.deps;
    const head = this.deps.bytes.head(
      r,
      author,
      () =>
        `{"id":${JSON.stringify(r.id)},"author":${authorJson(author)},` +
        `${JSON.stringify(fixedFields(r, userPresenter)).slice(1, -1)},`,
    );
    const counts = rel.counts[at];
    const tail = tailJson({
      reactions: counts,
      replies: counts?.comments ?? 0,
      reposts: counts?.reposts ?? 0,
      repostedByMe: counts?.repostedByMe ?? false,
      cardJson: this.cardJson(rel.cards[at]),
      inReplyToJson: inReplyToJson(r, rel.parents[at], userPresenter, authorJson),
      quoteId: r.quoteOfId,
      quotes: counts?.quotes ?? 0,
    });
    return { head, tail };
  }

  // The authors, reply parents (cached), cards and counters (fresh) of each record, by position.
  private async relatedAt(
    records: readonly (StatusRecord | undefined)[],
    viewer: string | null,
    counted?: ReadonlyMap<string, StatusCounts>,
  ): Promise<RelatedAt> {
    const n = records.length;
    // The authors, then the replied-to authors, in one lookup.
    const people = new Array<string | undefined>(2 * n);
    const ids = new Array<string | undefined>(n);
    for (let i = 0; i < n; i++) {
      const r = records[i];
      ids[i] = r?.id;
      people[i] = r?.author;
      people[n + i] = r?.inReplyToAuthor;
    }
    const [users, cards, counts] = await Promise.all([
      cachedAt(this.deps.userCache, people, (missing) => this.deps.users.getMany(missing)),
      this.deps.cards.at(records),
      countersAt(this.deps, ids, viewer, counted),
    ]);
    return { authors: users.slice(0, n), parents: users.slice(n), cards, counts };
  }

  // The JSON text of this card (`null` for none), made once per card object.
  private cardJson(card: Card | undefined): string {
    if (card === undefined) return 'null';
    let text = this.renderedCards.get(card);
    if (text === undefined) {
      text = JSON.stringify(card);
      this.renderedCards.set(card, text);
    }
    return text;
  }
}
