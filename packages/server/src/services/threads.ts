import { LIMITS, type Page, type PageQuery, type Status, type StatusContext } from '@tweeter/shared';
import { decodeCursor, encodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import { ValidationError } from '../domain/errors.js';
import type { Visibility } from '../domain/visibility.js';
import type { CommentRecord, CommentRepo, QuoteRepo, StatusRecord, StatusRepo } from '../ports/store.js';
import { JsonBytes } from './json-bytes.js';
import type { StatusHydrator } from './status-hydrator.js';
import { pushStatusJson, type StatusJson } from './status-json.js';
import type { StatusTargets } from './status-targets.js';
import { NOBODY, tombstone } from './status-tombstone.js';

/** How far up a context cursor is followed to the status (a thread deeper than this pages no further). */
const MAX_CURSOR_DEPTH = 10_000;

/** One reply's place in a thread: its id, its parent, when, by whom, and whether it was deleted. */
type Place = Pick<CommentRecord, 'id' | 'statusId' | 'author' | 'createdAt' | 'deleted'>;

/**
 * Threads and quotes, read. A reply's place in its thread is its comment record (a direct reply is its parent's
 * comment: same id), kept when the reply is deleted, so the tree never loses a branch; a thread is read through
 * those records, one key-range read per status that has replies.
 */
export class ThreadService {
  constructor(
    private readonly deps: {
      statuses: StatusRepo;
      comments: CommentRepo;
      quotes: QuoteRepo;
      hydrator: StatusHydrator;
      targets: StatusTargets;
      visibility: Pick<Visibility, 'isBlocked' | 'blocked'>;
      /** Descendants listed at most (LIMITS.contextMax; lower in tests). */
      maxDescendants?: number;
    },
  ) {}

  /**
   * The thread around a status: its ancestors root first (the nearest LIMITS.ancestorsMax), then its descendants
   * depth first, each reply followed by its own, oldest first, at most `maxDescendants`. Deleted statuses, and those
   * of accounts across a block from the viewer, keep their place as unavailable (as Mastodon keeps the replies
   * below a blocked account's reply). With `cursor` (the last call's `nextCursor`): the next part of the
   * descendants, in the same order, and no ancestors.
   */
  async context(viewer: string, id: string, cursor?: string): Promise<StatusContext> {
    return JSON.parse((await this.contextJson(viewer, id, cursor)).toString()) as StatusContext;
  }

  /**
   * As `context`, as JSON bytes (byte for byte `JSON.stringify` of it), built from the hydrator's cached records
   * and their cached bytes as a feed page is: no status objects are built or serialized per read.
   */
  async contextJson(viewer: string, id: string, cursor?: string): Promise<Buffer> {
    const status = await this.deps.targets.visible(viewer, id);
    const after = decodeCursor(cursor, KeyCursor)?.k;
    const [ancestors, below] = await Promise.all([
      after === undefined ? this.ancestors(status) : [],
      this.descendants(status, after),
    ]);
    const last = below.places.at(-1);
    const items = await this.present(viewer, [...ancestors, ...below.places]);
    const nextCursor = below.more && last !== undefined ? encodeCursor({ k: last.id }) : null;
    const body = new JsonBytes().push('{"ancestors":[');
    items.forEach((item, i) => {
      if (i === ancestors.length) body.push('],"descendants":[');
      else if (i > 0) body.push(',');
      if (typeof item === 'string') body.push(item);
      else pushStatusJson(body, item).push('}');
    });
    if (items.length === ancestors.length) body.push('],"descendants":[');
    return body.push(`],"moreDescendants":${below.more},"nextCursor":${JSON.stringify(nextCursor)}}`).toBuffer();
  }

  /** Statuses quoting `id`, newest first; quotes by accounts across a block from the viewer are left out. */
  async quotes(viewer: string, id: string, query: PageQuery): Promise<Page<Status>> {
    await this.deps.targets.visible(viewer, id);
    const before = decodeCursor(query.cursor, KeyCursor)?.k;
    const edges = await this.deps.quotes.list(id, { before, limit: query.limit + 1 });
    const page = keysetPage(edges, query.limit, (e) => e.id);
    const hidden = await this.deps.visibility.blocked(
      viewer,
      page.rows.map((e) => e.author),
    );
    const ids = page.rows.filter((e) => !hidden.has(e.author)).map((e) => e.id);
    return { items: await this.deps.hydrator.byIds(ids, viewer), nextCursor: page.nextCursor };
  }

  /**
   * Up the thread. Where the store reads the chain of places at once (SQLite), two reads: the places, then which of
   * their statuses (and the root's) still exist. Else, or if the top of the chain is a reply without a place (a
   * DynamoDB reply whose place a crash left to the sweeper), level by level.
   */
  private async ancestors(status: StatusRecord): Promise<Place[]> {
    const parent = status.inReplyToId;
    if (parent === undefined) return [];
    if (!this.deps.comments.placesUp) return this.ancestorsByLevel(status);
    const max = LIMITS.ancestorsMax;
    const chain = await this.deps.comments.placesUp(parent, max);
    // The id above the last place has none: the root (unless the chain stopped at the bound).
    const top = chain.length === 0 ? parent : chain.length < max ? chain.at(-1)?.statusId : undefined;
    const ids = chain.map((p) => p.id);
    const found = await this.deps.statuses.getMany(top === undefined ? ids : [...ids, top]);
    const root = top === undefined ? undefined : found.get(top);
    if (root?.inReplyToId !== undefined) return this.ancestorsByLevel(status);
    const live = (r: StatusRecord): Place => ({
      id: r.id,
      statusId: r.inReplyToId ?? '',
      author: r.author,
      createdAt: r.createdAt,
      deleted: false,
    });
    const out = chain.map((p): Place => {
      const record = found.get(p.id);
      return record ? live(record) : { ...p, deleted: true };
    });
    if (top !== undefined && top !== '') {
      out.push(root ? live(root) : { id: top, statusId: '', author: '', createdAt: NaN, deleted: true });
    }
    return out.reverse();
  }

  // Up the thread a level at a time: each parent from the status when it exists, else from its place (a deleted
  // reply keeps one).
  private async ancestorsByLevel(status: StatusRecord): Promise<Place[]> {
    const out: Place[] = [];
    const seen = new Set([status.id]);
    let next = status.inReplyToId;
    while (next !== undefined && out.length < LIMITS.ancestorsMax && !seen.has(next)) {
      seen.add(next);
      const [record, place] = await Promise.all([this.deps.statuses.get(next), this.deps.comments.get(next)]);
      if (record) {
        out.push({
          id: record.id,
          statusId: record.inReplyToId ?? '',
          author: record.author,
          createdAt: record.createdAt,
          deleted: false,
        });
        next = record.inReplyToId;
      } else if (place) {
        out.push({ ...place, deleted: true });
        next = place.statusId;
      } else {
        out.push({ id: next, statusId: '', author: '', createdAt: NaN, deleted: true }); // a root that was deleted
        next = undefined;
      }
    }
    return out.reverse();
  }

  /**
   * Down the thread, depth first; only statuses with live replies are read for theirs (the reply counts say which).
   * The first part in one read where the store has it (`placesDown`); else, and after a cursor, a status at a time.
   * After `from` (a descendant listed last time): its own replies, then each of its ancestors' later replies up to
   * the status, which is where a depth-first walk goes on from it.
   */
  private async descendants(status: StatusRecord, from?: string): Promise<{ places: Place[]; more: boolean }> {
    const max = this.deps.maxDescendants ?? LIMITS.contextMax;
    const out: Place[] = [];
    let more = false;
    const visit = async (parent: string, start?: string): Promise<void> => {
      let after = start;
      for (;;) {
        const want = Math.min(100, max - out.length + 1);
        const page = await this.deps.comments.list(parent, { after, limit: want });
        const counts = await this.deps.comments.counts(page.map((c) => c.id));
        for (const reply of page) {
          if (out.length >= max) {
            more = true;
            return;
          }
          out.push(reply);
          if ((counts.get(reply.id) ?? 0) > 0) await visit(reply.id);
          if (more) return;
        }
        const last = page.at(-1);
        if (last === undefined || page.length < want) return;
        after = last.id;
      }
    };
    if (from === undefined && this.deps.comments.placesDown) {
      // One ordered read of the thread's first places (SQLite); one more than listed says whether more follow.
      const places = await this.deps.comments.placesDown(status.id, max + 1);
      return { places: places.slice(0, max), more: places.length > max };
    }
    if (from === undefined) {
      await visit(status.id);
      return { places: out, more };
    }
    const chain = await this.chainUp(status.id, from);
    if (await this.hasReplies(from)) await visit(from);
    for (let i = 0; i < chain.length && !more; i++) await visit(chain[i + 1] ?? status.id, chain[i]);
    return { places: out, more };
  }

  private async hasReplies(id: string): Promise<boolean> {
    return ((await this.deps.comments.counts([id])).get(id) ?? 0) > 0;
  }

  // From a descendant up to the status (excluded): each reply's place names its parent, deleted ones included. A
  // cursor that is not a descendant of this status is bad input.
  private async chainUp(rootId: string, id: string): Promise<string[]> {
    const chain: string[] = [];
    for (let current = id; chain.length < MAX_CURSOR_DEPTH;) {
      const place = await this.deps.comments.get(current);
      if (!place) break;
      chain.push(current);
      if (place.statusId === rootId) return chain;
      current = place.statusId;
    }
    throw new ValidationError('cursor: not a reply in this thread', [
      { path: 'query.cursor', message: 'pass back the nextCursor of this status’s context' },
    ]);
  }

  // Statuses for these places in order, as JSON parts (a tombstone as text); the deleted, the missing and the
  // blocked as unavailable, in place. Records come from the hydrator's cache (a deleted reply is known by its
  // place, read fresh).
  private async present(viewer: string, places: readonly Place[]): Promise<(StatusJson | string)[]> {
    const ids = places.filter((p) => !p.deleted).map((p) => p.id);
    let authors = await this.deps.hydrator.authorsOf(ids);
    // Comments written before replies were statuses become statuses as they are first read (DynamoDB).
    const legacy = places.filter((p) => !p.deleted && p.statusId !== '' && !authors.has(p.id));
    if (legacy.length > 0) {
      for (const p of legacy) await this.deps.targets.adoptComment(p.id);
      authors = await this.deps.hydrator.authorsOf(ids);
    }
    const hidden = await this.deps.visibility.blocked(viewer, [...new Set(authors.values())]);
    const shown = await this.deps.hydrator.jsonByIdsKeyed(
      ids.filter((i) => !hidden.has(authors.get(i) ?? '')),
      viewer,
    );
    return places.map(
      (p) =>
        shown.get(p.id) ??
        JSON.stringify(
          tombstone(p.id, {
            ...(Number.isFinite(p.createdAt) ? { createdAt: p.createdAt } : {}),
            inReplyTo: p.statusId === '' ? null : { id: p.statusId, author: NOBODY },
          }),
        ),
    );
  }
}
