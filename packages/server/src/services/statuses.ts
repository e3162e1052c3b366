import { parseSegments, type Delivery, type Page, type PageQuery, type Status } from '@tweeter/shared';
import { cardKey, firstUrl } from '../domain/card-url.js';
import { decodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import { ConflictError, ForbiddenError, NotFoundError, StatusDeletedError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { JobRequest } from '../ports/job-queue.js';
import type {
  AuditRecord,
  CommentRepo,
  DeliveryRepo,
  QuoteRepo,
  StatusRecord,
  StatusRepo,
  UserRecord,
  UserRepo,
} from '../ports/store.js';
import { purgeJob } from '../domain/status-jobs.js';
import type { StatusTargets } from './status-targets.js';
import type { MediaService } from './media.js';
import type { StatusHydrator } from './status-hydrator.js';
import type { Visibility } from '../domain/visibility.js';
import type { WriteLimits } from './write-limits.js';
import { MENTION_NOTIFY_MAX } from '../domain/notification-groups.js';
import type { NotifyEvent, NotifyEvents } from './notify-events.js';

/** Posting, reading and deleting statuses; stories; delivery progress. */
export class StatusService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      statuses: StatusRepo;
      /** A reply's place in its thread (a direct reply is its parent's comment: same id). */
      comments: CommentRepo;
      quotes: QuoteRepo;
      targets: StatusTargets;
      deliveries: DeliveryRepo;
      hydrator: StatusHydrator;
      media: MediaService;
      clock: Clock;
      writeLimits: WriteLimits;
      visibility: Pick<Visibility, 'isBlocked'>;
      /** Authors with more followers than this are pulled: read-time merge instead of fan-out (0: never). */
      pullThreshold: number;
      /** Queue a card.fetch for the first URL of each post (LINK_CARDS). */
      linkCards: boolean;
      /** Queue each post's index.status job (SEARCH_INDEX; default on). */
      searchIndex?: boolean;
      notify: NotifyEvents;
    },
  ) {}

  /**
   * Writes the status, its fan-out job, (a reply) its place in its thread and (a quote) its edge in the quoted
   * status's list in one step that a crash cannot split (SQLite: one transaction; DynamoDB: the status item's outbox
   * marker) and returns at once.
   * With an Idempotency-Key the author already used, returns the first status and writes nothing.
   * A pulled author's status gets no fan-out (followers' feeds merge it at read time), only a live push.
   */
  async post(
    author: string,
    post: string,
    idempotencyKey?: string,
    mediaIds: readonly string[] = [],
    refs: PostRefs = {},
  ): Promise<Status> {
    const user = await this.deps.users.get(author);
    if (!user) throw new NotFoundError(`no user @${author}`);
    // Checked before anything is written or counted: 404 (status_deleted for a deleted one) across a block too.
    const parent = refs.inReplyToId === undefined ? null : await this.deps.targets.visible(author, refs.inReplyToId);
    const quoted = refs.quoteOfId === undefined ? null : await this.deps.targets.visible(author, refs.quoteOfId);
    const budget = refs.budget ?? 'post';
    this.deps.writeLimits.take(author, budget);
    const now = this.deps.clock.now();
    const id = newId(now);
    const pulled = this.isPulled(user);
    // Marked before the status is written, so no pulled status ever exists whose author feeds do not merge.
    if (pulled && user.pulledSince == null) await this.deps.users.markPulled(author, id);
    const record: StatusRecord = { id, author, post, segments: parseSegments(post), createdAt: now };
    if (pulled) record.pulled = true;
    if (parent) Object.assign(record, { inReplyToId: parent.id, inReplyToAuthor: parent.author });
    if (quoted) record.quoteOfId = quoted.id;
    if (mediaIds.length > 0) {
      // Claimed before the status exists: no status ever names an image that another status also took.
      const claimed = await this.deps.media.claim(author, mediaIds, id, (other) =>
        this.isRetryOf(other, author, post, idempotencyKey),
      );
      if ('attachedTo' in claimed) {
        this.deps.writeLimits.giveBack(author, budget);
        return this.get(author, claimed.attachedTo);
      }
      record.media = claimed.images;
    }
    const outbox: JobRequest[] = [{ name: pulled ? 'fanout.live' : 'fanout.plan', payload: { statusId: id, author } }];
    if (this.deps.searchIndex !== false) outbox.push({ name: 'index.status', payload: { statusId: id, author } });
    // The card is made after the post by a job (it waits on another site), committed with the status.
    const url = this.deps.linkCards ? firstUrl(record.segments) : null;
    if (url !== null && cardKey(url) !== null) {
      outbox.push({ name: 'card.fetch', payload: { statusId: id, author, url, postedAt: now } });
    }
    outbox.push(...countedJobs(parent, quoted));
    outbox.push(...this.notifyJobs(record, parent, quoted));
    let written: { status: StatusRecord; created: boolean; parentGone?: true };
    try {
      written = await this.deps.statuses.create(record, {
        idempotencyKey,
        audience: user.followerCount,
        outbox,
      });
    } catch (err) {
      await this.deps.media.release(mediaIds, id);
      throw err;
    }
    const { status, created } = written;
    if (!created) {
      this.deps.writeLimits.giveBack(author, budget); // a retry: the first request counted
      await this.deps.media.release(mediaIds, id);
    }
    if (!created && status.post !== post) {
      throw new ConflictError('idempotency_key_reused', 'Idempotency-Key was already used for a different post');
    }
    if (!created) return this.one(status, author);
    if (written.parentGone) {
      // Its parent was deleted since it was checked: the reply is taken back (it has no place in a thread).
      await this.retire(status, author);
      throw new StatusDeletedError(`status ${parent?.id ?? ''} was deleted`);
    }
    // Just created: no reaction, reply, quote or repost can point at it yet (its counts are 0 without reading them).
    const [fresh] = await this.deps.hydrator.records([status], author, { fresh: true });
    if (!fresh) throw new NotFoundError(`no status ${status.id}`);
    return fresh;
  }

  /** One status, as `viewer` sees it. */
  async get(viewer: string, id: string): Promise<Status> {
    let [status] = await this.deps.hydrator.byIds([id], viewer);
    // A comment from before replies were statuses is one from its first read on (DynamoDB; SQLite migrated them).
    if (!status && (await this.deps.targets.adoptComment(id))) [status] = await this.deps.hydrator.byIds([id], viewer);
    // Across a block the status is answered as if it were not there.
    if (!status || (await this.deps.visibility.isBlocked(viewer, status.author.alias))) {
      throw new NotFoundError(`no status ${id}`);
    }
    return status;
  }

  /** Deletes the viewer's own status: out of the story now; out of every feed, with reactions and comments, soon. */
  async delete(viewer: string, id: string): Promise<void> {
    const status = await this.deps.statuses.get(id);
    if (!status) throw new NotFoundError(`no status ${id}`);
    if (status.author !== viewer) throw new ForbiddenError('only the author may delete a status');
    await this.retire(status, viewer);
  }

  /**
   * Deletes a status by `actor`: its author, or (a reply) the author of the status it answers, audited. A reply keeps
   * its place in its thread, marked deleted with its text gone; a quote leaves its quoted status's list.
   */
  async retire(status: StatusRecord, actor: string): Promise<void> {
    const { id } = status;
    const deleted = await this.deps.statuses.delete(id, {
      outbox: [
        // A pulled status is in no feed's entries: its retract only tells connected followers.
        { name: 'status.retract', payload: { statusId: id, author: status.author, pulled: status.pulled === true } },
        purgeJob(status),
        // Finds the status gone and takes it out of the search index.
        { name: 'index.status', payload: { statusId: id, author: status.author } },
        // Its reposts go with it (feed reads skip them at once; the sweep reclaims their entries and counts).
        { name: 'repost.sweep', payload: { statusId: id } },
        this.deps.notify.statusGoneJob(id),
        ...countedJobs(
          status.inReplyToId === undefined ? null : { id: status.inReplyToId, author: status.inReplyToAuthor ?? '' },
          null,
        ),
      ],
    });
    this.deps.hydrator.forgetStatus(id);
    if (!deleted) return;
    if (status.inReplyToId !== undefined) await this.deps.comments.softDelete(id, { audit: this.audit(status, actor) });
    if (status.quoteOfId !== undefined) await this.deps.quotes.remove(status.quoteOfId, id);
    // Its images go with it: released as expired, the next media sweep removes their blobs.
    await this.deps.media.release(
      (status.media ?? []).map((m) => m.id),
      id,
      { expire: true },
    );
  }

  /**
   * The notifications a new status causes, as notify jobs for its outbox: a reply to the replied-to author, a quote to
   * the quoted author, and a mention to each of the first MENTION_NOTIFY_MAX accounts it mentions (in text order,
   * once each) that is not already told by the reply or quote.
   */
  private notifyJobs(
    record: StatusRecord,
    parent: Pick<StatusRecord, 'id' | 'author'> | null,
    quoted: Pick<StatusRecord, 'id' | 'author'> | null,
  ): JobRequest[] {
    const events: NotifyEvent[] = [];
    if (parent) events.push({ type: 'reply', actorId: record.author, recipientId: parent.author, statusId: record.id });
    if (quoted) events.push({ type: 'quote', actorId: record.author, recipientId: quoted.author, statusId: record.id });
    const told = new Set(events.map((e) => e.recipientId));
    const mentioned = new Set<string>();
    for (const segment of record.segments) {
      if (mentioned.size >= MENTION_NOTIFY_MAX) break;
      if (segment.type === 'mention' && segment.alias && segment.alias !== record.author) mentioned.add(segment.alias);
    }
    for (const alias of mentioned) {
      if (!told.has(alias))
        events.push({ type: 'mention', actorId: record.author, recipientId: alias, statusId: record.id });
    }
    return this.deps.notify.jobs(events);
  }

  // A reply deleted by the author of the status it answers is recorded in that status's audit scope.
  private audit(status: StatusRecord, actor: string): AuditRecord | undefined {
    if (actor === status.author || status.inReplyToId === undefined) return undefined;
    const now = this.deps.clock.now();
    return {
      scope: `status:${status.inReplyToId}`,
      id: newId(now),
      actor,
      action: 'comment.delete',
      target: status.id,
      detail: { author: status.author },
      createdAt: now,
    };
  }

  /** Whether `statusId` is mine with this post: a retry (with an Idempotency-Key) of the post that took the media. */
  private async isRetryOf(statusId: string, author: string, post: string, key: string | undefined): Promise<boolean> {
    if (key === undefined) return false;
    const first = await this.deps.statuses.get(statusId);
    return first !== null && first.author === author && first.post === post;
  }

  /** How far the status's fan-out has got; a pulled status is done at once, every follower reached. */
  async delivery(id: string): Promise<Delivery> {
    const [d, status] = await Promise.all([this.deps.deliveries.get(id), this.deps.statuses.get(id)]);
    if (!d || !status) throw new NotFoundError(`no status ${id}`);
    const delivery: Delivery = { state: d.state, audience: d.audience, delivered: d.delivered };
    return status.pulled === true ? { ...delivery, pulled: true } : delivery;
  }

  /** Alias's own statuses, newest first, as `viewer` sees them. */
  async story(viewer: string, alias: string, query: PageQuery): Promise<Page<Status>> {
    if (!(await this.deps.users.get(alias))) throw new NotFoundError(`no user @${alias}`);
    // Across a block the story is empty (the profile itself still answers, with blockedByMe / blocksMe).
    if (await this.deps.visibility.isBlocked(viewer, alias)) return { items: [], nextCursor: null };
    const before = decodeCursor(query.cursor, KeyCursor)?.k;
    const records = await this.deps.statuses.byAuthor(alias, { before, limit: query.limit + 1 });
    const page = keysetPage(records, query.limit, (s) => s.id);
    // As on Mastodon's and Twitter's profiles, replies to others are left out (they are in their threads); the cursor
    // moves over them, so a page may list fewer than `limit`.
    const own = page.rows.filter((s) => s.inReplyToAuthor === undefined || s.inReplyToAuthor === s.author);
    return { items: await this.deps.hydrator.records(own, viewer), nextCursor: page.nextCursor };
  }

  /**
   * Sticky: an account is pulled from its first post that finds it above the threshold on, whatever its count
   * does later, so none of its statuses can fall out of feeds (it has no feed entries to fall back on). A
   * threshold of 0 turns pulling off: every post is fanned out, and feeds still merge accounts pulled before.
   */
  private isPulled(user: UserRecord): boolean {
    const { pullThreshold } = this.deps;
    return pullThreshold > 0 && (user.pulledSince != null || user.followerCount > pullThreshold);
  }

  private async one(record: StatusRecord, viewer: string): Promise<Status> {
    const [status] = await this.deps.hydrator.records([record], viewer);
    if (!status) throw new NotFoundError(`no status ${record.id}`);
    return status;
  }
}

/** What a new status answers or quotes (ids as the client sent them). */
export interface PostRefs {
  inReplyToId?: string;
  quoteOfId?: string;
  /** The write budget it counts against: `comment` when it came through the comment routes (default `post`). */
  budget?: 'post' | 'comment';
}

// A count moved on these statuses: pushed to those who see them (queued with the post: the job may run before the
// thread or quote record lands, and then pushes the count one behind; the next change or a reload shows it).
function countedJobs(
  parent: Pick<StatusRecord, 'id' | 'author'> | null,
  quoted: Pick<StatusRecord, 'id' | 'author'> | null,
): JobRequest[] {
  return [parent, quoted].flatMap((s) =>
    s === null || s.author === '' ? [] : [{ name: 'status.counted', payload: { statusId: s.id, author: s.author } }],
  );
}
