import type { MarkReadBody, NotificationGroup, NotificationsQuery, Page, UnreadCount } from '@tweeter/shared';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { NotFoundError } from '../domain/errors.js';
import { NOTIFICATIONS_CHANNEL } from '../domain/notification-groups.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotificationRepo } from '../ports/store.js';
import type { NotificationViews } from '../ports/store.js';

const GroupCursor = z.object({ t: z.number().int(), k: z.string().min(1).max(200) });

/** Reading my notifications, the unread count, and marking them read (pushed to my other devices). */
export class NotificationService {
  constructor(
    private readonly deps: {
      notifications: NotificationRepo;
      presenter: NotificationViews;
      realtime: Pick<Realtime, 'toUsers'>;
      clock: Clock;
      /** Groups older than this are not shown (the retention job removes them). */
      retentionMs: number;
    },
  ) {}

  /** My groups, newest first, optionally of some types only. */
  async list(viewer: string, query: NotificationsQuery): Promise<Page<NotificationGroup>> {
    const position = decodeCursor(query.cursor, GroupCursor);
    const records = await this.deps.notifications.page(viewer, {
      limit: query.limit + 1,
      since: this.since(),
      ...(position ? { before: { latestAt: position.t, groupKey: position.k } } : {}),
      ...(query.types ? { types: query.types } : {}),
    });
    const more = records.length > query.limit;
    const page = records.slice(0, query.limit);
    const last = page.at(-1);
    const items = await this.deps.presenter.present(viewer, page);
    return { items, nextCursor: more && last ? encodeCursor({ t: last.latestAt, k: last.groupKey }) : null };
  }

  async unreadCount(viewer: string): Promise<UnreadCount> {
    return { count: await this.deps.notifications.unreadCount(viewer, this.since()) };
  }

  /** Marks read everything, or every group up to `upTo` (its latestAt now); every device of mine hears the count. */
  async markRead(viewer: string, body: MarkReadBody): Promise<void> {
    let upTo: number | undefined;
    if (body.upTo !== undefined) {
      const group = await this.deps.notifications.get(viewer, body.upTo);
      if (!group) throw new NotFoundError(`no notification group ${body.upTo}`);
      upTo = group.latestAt;
    }
    const changed = await this.deps.notifications.markRead(viewer, upTo);
    if (changed > 0) await pushUnread(this.deps, viewer, this.since());
  }

  private since(): number {
    return this.deps.clock.now() - this.deps.retentionMs;
  }
}

/** Sends `notifications.unread` with the exact count to every connection of `alias` on the channel. */
export async function pushUnread(
  deps: { notifications: Pick<NotificationRepo, 'unreadCount'>; realtime: Pick<Realtime, 'toUsers'> },
  alias: string,
  since: number,
): Promise<void> {
  const data: UnreadCount = { count: await deps.notifications.unreadCount(alias, since) };
  deps.realtime.toUsers([alias], { type: 'notifications.unread', channel: NOTIFICATIONS_CHANNEL, data });
}
