import type { Config } from '../config/config.js';
import { Visibility } from '../domain/visibility.js';
import { NotifyPushes } from '../jobs/notify-pushes.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { NotifiedGroup, Store } from '../ports/store.js';
import { NotificationPresenter } from '../services/notification-presenter.js';
import { pushNotifiedGroups } from '../services/reactions.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { UserPresenter } from '../services/user-presenter.js';

/**
 * On the job thread: the live pushes of the notification groups a reaction's write changed in its own transaction
 * (ReactionChange.notified, sent on by the writer thread, splitNotified), coalesced over `windowMs` as the notify
 * stage's are, so their reads and presentation stay off the HTTP thread (which serves the unread count) and off the
 * writer thread (which only writes).
 */
export function notifiedPusher(
  config: Config,
  deps: { store: Store; hydrator: StatusHydrator; realtime: Realtime; clock: Clock; windowMs: number },
): (groups: NotifiedGroup[]) => void {
  const { store } = deps;
  const pushes = new NotifyPushes({
    notifications: store.notifications,
    presenter: new NotificationPresenter({
      users: store.users,
      statuses: deps.hydrator,
      userPresenter: new UserPresenter(config.mediaUrl),
      visibility: new Visibility({ relations: store.relations }),
    }),
    realtime: deps.realtime,
    clock: deps.clock,
    retentionMs: config.notificationRetentionMs,
    windowMs: deps.windowMs,
  });
  return (groups) => pushNotifiedGroups(pushes, groups);
}

/**
 * A write's answer without the `notified` groups of a reaction (see notifiedPusher), and those groups (undefined when
 * it has none): the HTTP thread's ReactionService then does not push them again.
 */
export function splitNotified(target: string, answer: unknown): { answer: unknown; notified?: NotifiedGroup[] } {
  if (target !== 'reactions' || typeof answer !== 'object' || answer === null || !('notified' in answer)) {
    return { answer };
  }
  const { notified, ...rest } = answer as { notified?: NotifiedGroup[] };
  return { answer: rest, ...(notified && notified.length > 0 ? { notified } : {}) };
}
