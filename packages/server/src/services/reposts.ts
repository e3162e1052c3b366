import type { Page, PageQuery, Status, User } from '@tweeter/shared';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import { NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { JobRequest } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { RepostRecord, RepostRepo, StatusRecord, StatusRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { NotifyEvent, NotifyEvents } from './notify-events.js';
import type { StatusHydrator } from './status-hydrator.js';
import type { UserPresenter } from './user-presenter.js';
import type { WriteLimits } from './write-limits.js';

/**
 * Reposts: `PUT /statuses/{id}/repost` writes the repost with its fan-out job (the same two stages as a post, with
 * the reposter as the author: fanout.plan pages the reposter's followers, fanout.deliver writes the entries), and
 * `DELETE` removes it with a `repost.retract` job that takes it out of the feeds it reached. Reposting my own status
 * is allowed (as on Twitter, Mastodon and Bluesky); a status I may not see is answered as if it did not exist.
 */
export class RepostService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      statuses: StatusRepo;
      reposts: RepostRepo;
      hydrator: StatusHydrator;
      userPresenter: UserPresenter;
      realtime: Realtime;
      clock: Clock;
      writeLimits: WriteLimits;
      visibility: Pick<Visibility, 'isBlocked' | 'blocked'>;
      /** The same threshold as posts: a reposter above it is pulled (reposts merged at read time). 0: never. */
      pullThreshold: number;
      /** The status's author is told (a `repost` notification), and untold on undo: jobs in the write's outbox. */
      notify: NotifyEvents;
    },
  ) {}

  /** Reposts the status (idempotent: a second PUT changes nothing) and returns it as I see it now. */
  async repost(viewer: string, statusId: string): Promise<Status> {
    const status = await this.visibleStatus(viewer, statusId);
    const user = await this.deps.users.get(viewer);
    if (!user) throw new NotFoundError(`no user @${viewer}`);
    const existing = await this.deps.reposts.get(statusId, viewer);
    if (!existing) {
      this.deps.writeLimits.take(viewer, 'post'); // a repost fans out as a post does, and counts as one
      const now = this.deps.clock.now();
      const id = newId(now);
      const pulled = this.isPulled(user);
      // Marked before the repost is written, so no pulled repost ever exists whose reposter feeds do not merge.
      if (pulled && user.pulledSince == null) await this.deps.users.markPulled(viewer, id);
      const record: RepostRecord = { id, statusId, author: status.author, reposter: viewer, createdAt: now };
      if (pulled) record.pulled = true;
      const outbox: JobRequest[] = pulled ? [] : [{ name: 'fanout.plan', payload: { statusId: id, author: viewer } }];
      outbox.push(...this.deps.notify.jobs([repostEvent(viewer, status)]));
      const written = await this.deps.reposts.create(record, { audience: user.followerCount, outbox });
      if (!written) throw new NotFoundError(`no status ${statusId}`); // deleted meanwhile
      if (!written.created) this.deps.writeLimits.giveBack(viewer, 'post');
      else await this.pushCount(status.author, statusId);
    }
    return this.one(viewer, statusId);
  }

  /** Undoes my repost (idempotent): it leaves the feeds it reached (the `repost.retract` job). */
  async undo(viewer: string, statusId: string): Promise<Status> {
    const status = await this.visibleStatus(viewer, statusId);
    const existing = await this.deps.reposts.get(statusId, viewer);
    if (existing) {
      const retract: JobRequest = {
        name: 'repost.retract',
        payload: { repostId: existing.id, statusId, reposter: viewer, pulled: existing.pulled === true },
      };
      const untold = this.deps.notify.jobs([repostEvent(viewer, status)], false);
      const removed = await this.deps.reposts.delete(statusId, viewer, { outbox: [retract, ...untold] });
      if (removed) await this.pushCount(status.author, statusId);
    }
    return this.one(viewer, statusId);
  }

  /** Who reposted the status, oldest first; accounts blocked either way with me are left out. */
  async reposters(viewer: string, statusId: string, query: PageQuery): Promise<Page<User>> {
    await this.visibleStatus(viewer, statusId);
    const after = decodeCursor(query.cursor, KeyCursor)?.k;
    const page = await this.deps.reposts.byStatus(statusId, { after, limit: query.limit });
    const aliases = page.items.map((r) => r.reposter);
    const [users, blocked] = await Promise.all([
      this.deps.users.getMany(aliases),
      this.deps.visibility.blocked(viewer, aliases),
    ]);
    const items = aliases.flatMap((a) => {
      const u: UserRecord | undefined = users.get(a);
      return u && !blocked.has(a) ? [this.deps.userPresenter.user(u)] : [];
    });
    return { items, nextCursor: page.next ? encodeCursor({ k: page.next }) : null };
  }

  // The status, unless it does not exist or a block stands between us (then it is answered as missing).
  private async visibleStatus(viewer: string, statusId: string): Promise<StatusRecord> {
    const status = await this.deps.statuses.get(statusId);
    if (!status || (await this.deps.visibility.isBlocked(viewer, status.author))) {
      throw new NotFoundError(`no status ${statusId}`);
    }
    return status;
  }

  private async one(viewer: string, statusId: string): Promise<Status> {
    const [status] = await this.deps.hydrator.byIds([statusId], viewer);
    if (!status) throw new NotFoundError(`no status ${statusId}`);
    return status;
  }

  // The new count goes to those who may have the status on screen: its author and the author's connected followers.
  private async pushCount(author: string, statusId: string): Promise<void> {
    const [status] = await this.deps.hydrator.byIds([statusId], null);
    if (!status) return;
    const event = { type: 'status.updated', channel: 'feed', data: status };
    this.deps.realtime.toUsers([author], event);
    this.deps.realtime.toFollowersOf(author, event);
  }

  private isPulled(user: UserRecord): boolean {
    const { pullThreshold } = this.deps;
    return pullThreshold > 0 && (user.pulledSince != null || user.followerCount > pullThreshold);
  }
}

// The notification a repost gives the status's author (grouped per status).
function repostEvent(viewer: string, status: StatusRecord): NotifyEvent {
  return { type: 'repost', actorId: viewer, recipientId: status.author, statusId: status.id };
}
