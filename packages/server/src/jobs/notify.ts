import type { Visibility } from '../domain/visibility.js';
import {
  groupingOf,
  NOTIFICATIONS_CHANNEL,
  NOTIFY_EVENT_JOB,
  NOTIFY_STATUS_GONE_JOB,
  NotifyEventPayload,
} from '../domain/notification-groups.js';
import type { Clock } from '../ports/clock.js';
import type { Job } from '../ports/job-queue.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotificationRepo, NotificationViews, StatusRepo, UserRepo } from '../ports/store.js';
import { parsePayload } from './payloads.js';
import { z } from 'zod';

const StatusGone = z.object({ statusId: z.string().min(1) });

/**
 * The `notify` stage: writes one event into its group (O(1): one actor entry, one group item) and pushes the group
 * and the exact unread count to the recipient's connections; removes a deleted status's groups. Idempotent: an
 * event replayed or arriving after its undo changes nothing (the entry is ordered by the event's time).
 */
export class NotifyProcessor {
  readonly jobs = [NOTIFY_EVENT_JOB, NOTIFY_STATUS_GONE_JOB] as const;

  constructor(
    private readonly deps: {
      notifications: NotificationRepo;
      statuses: Pick<StatusRepo, 'get'>;
      users: Pick<UserRepo, 'get'>;
      presenter: NotificationViews;
      visibility: Pick<Visibility, 'hiddenReaders'>;
      realtime: Realtime;
      clock: Clock;
      retentionMs: number;
    },
  ) {}

  async perform(job: Job): Promise<void> {
    if (job.name === NOTIFY_STATUS_GONE_JOB) return this.statusGone(parsePayload(StatusGone, job.payload, job.name));
    const event = parsePayload(NotifyEventPayload, job.payload, job.name);
    const { actorId: actor, recipientId: recipient } = event;
    if (actor === recipient) return; // never for my own actions
    if (event.active && !(await this.allowed(event))) return;
    const grouping = groupingOf(event, event.at);
    const { changed, group } = await this.deps.notifications.apply({
      recipient,
      actor,
      type: event.type,
      at: event.at,
      active: event.active,
      ...grouping,
    });
    if (!changed) return;
    const since = this.deps.clock.now() - this.deps.retentionMs;
    if (group && event.active) {
      const [data] = await this.deps.presenter.present(recipient, [group]);
      if (data) this.deps.realtime.toUsers([recipient], { type: 'notification', channel: NOTIFICATIONS_CHANNEL, data });
    }
    await this.pushUnread(recipient, since);
  }

  /** Not across a block either way, nor from someone the recipient mutes; not about a status already deleted. */
  private async allowed(event: NotifyEventPayload): Promise<boolean> {
    const hidden = await this.deps.visibility.hiddenReaders(event.actorId, [event.recipientId]);
    if (hidden.size > 0) return false;
    // A mention of an alias nobody has (or a deleted account) notifies nobody.
    if ((await this.deps.users.get(event.recipientId)) === null) return false;
    if (event.statusId && !event.messageId) return (await this.deps.statuses.get(event.statusId)) !== null;
    return true;
  }

  private async statusGone({ statusId }: { statusId: string }): Promise<void> {
    const recipients = await this.deps.notifications.removeStatus(statusId);
    const since = this.deps.clock.now() - this.deps.retentionMs;
    for (const recipient of recipients) await this.pushUnread(recipient, since);
  }

  /** The exact unread count, to every connection of `alias` on the channel. */
  private async pushUnread(alias: string, since: number): Promise<void> {
    const count = await this.deps.notifications.unreadCount(alias, since);
    this.deps.realtime.toUsers([alias], {
      type: 'notifications.unread',
      channel: NOTIFICATIONS_CHANNEL,
      data: { count },
    });
  }
}
