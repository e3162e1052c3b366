import type { NotificationGroup, Status, User } from '@tweeter/shared';
import type { Visibility } from '../domain/visibility.js';
import type { NotificationGroupRecord, NotificationViews, UserRepo } from '../ports/store.js';
import type { StatusViews } from '../ports/status-views.js';
import type { UserPresenter } from './user-presenter.js';

/** Types whose group is about a status: without it (deleted, or hidden across a block) the group is not shown. */
const ABOUT_A_STATUS = new Set(['mention', 'reply', 'quote', 'repost']);

/**
 * Turns group records into NotificationGroups for their recipient: statuses and actors read in one batch each; a
 * deleted account's actors (no user record) and those the recipient now blocks or mutes are left out of `actors` and
 * of the count, and a group none of whose newest actors is left is not shown.
 */
export class NotificationPresenter implements NotificationViews {
  constructor(
    private readonly deps: {
      users: Pick<UserRepo, 'getMany'>;
      statuses: StatusViews;
      userPresenter: UserPresenter;
      visibility: Pick<Visibility, 'feedHidden'>;
    },
  ) {}

  async present(viewer: string, records: readonly NotificationGroupRecord[]): Promise<NotificationGroup[]> {
    const statusIds = [...new Set(records.flatMap((r) => (r.statusId ? [r.statusId] : [])))];
    const actorIds = [...new Set(records.flatMap((r) => r.actors))];
    const [statuses, users, hidden] = await Promise.all([
      statusIds.length > 0 ? this.deps.statuses.byIds(statusIds, viewer) : Promise.resolve([]),
      this.deps.users.getMany(actorIds),
      this.deps.visibility.feedHidden(viewer, actorIds),
    ]);
    const statusById = new Map<string, Status>(statuses.map((s) => [s.id, s]));
    const out: NotificationGroup[] = [];
    for (const r of records) {
      const status = r.statusId ? (statusById.get(r.statusId) ?? null) : null;
      if (r.statusId && status === null && (ABOUT_A_STATUS.has(r.type) || r.type === 'reaction')) continue;
      const actors: User[] = [];
      for (const alias of r.actors) {
        const record = users.get(alias);
        if (record && !hidden.has(alias)) actors.push(this.deps.userPresenter.user(record));
      }
      // Every actor shown is now hidden (blocked, muted) or gone: the group says nothing the reader may see.
      if (r.actors.length > 0 && actors.length === 0) continue;
      out.push({
        id: r.groupKey,
        type: r.type,
        status,
        boardId: r.boardId,
        reactionKind: r.reactionKind,
        actors,
        // Those left out of the newest are left out of the count too (older hidden ones stay counted until retention).
        actorCount: Math.max(actors.length, r.actorCount - (r.actors.length - actors.length)),
        latestAt: r.latestAt,
        unread: r.unread,
      });
    }
    return out;
  }
}
