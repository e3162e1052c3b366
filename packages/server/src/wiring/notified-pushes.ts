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
 * On the writer's thread: the live pushes of the notification groups a reaction's write changed in its own
 * transaction (ReactionChange.notified), coalesced over `windowMs` as the notify stage's are, so their reads and
 * presentation stay off the HTTP thread (which serves the unread count). Returns the write's answer without
 * `notified`, so the HTTP thread's ReactionService does not push them again.
 */
export function notifiedPusher(
  config: Config,
  deps: { store: Store; hydrator: StatusHydrator; realtime: Realtime; clock: Clock; windowMs: number },
): (target: string, answer: unknown) => unknown {
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
  return (target, answer) => {
    if (target !== 'reactions' || typeof answer !== 'object' || answer === null || !('notified' in answer)) {
      return answer;
    }
    const { notified, ...rest } = answer as { notified?: NotifiedGroup[] };
    pushNotifiedGroups(pushes, notified);
    return rest;
  };
}
