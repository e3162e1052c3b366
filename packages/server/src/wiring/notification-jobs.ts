import type { Config } from '../config/config.js';
import type { Visibility } from '../domain/visibility.js';
import { NotificationRetentionProcessor } from '../jobs/notification-retention.js';
import { NotifyProcessor } from '../jobs/notify.js';
import type { JobProcessor } from '../jobs/processor.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { Store } from '../ports/store.js';
import { NotificationPresenter } from '../services/notification-presenter.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { UserPresenter } from '../services/user-presenter.js';

/** The `notify` stage and the notification retention job, wired to their ports. */
export function notificationProcessors(
  config: Config,
  deps: {
    store: Store;
    hydrator: StatusHydrator;
    visibility: Visibility;
    realtime: Realtime;
    clock: Clock;
    batchSize: number;
    /** The notify stage's live push window (0: at the end of each batch). */
    pushWindowMs: number;
  },
): JobProcessor[] {
  const { store, hydrator, visibility, realtime, clock } = deps;
  const retentionMs = config.notificationRetentionMs;
  const presenter = new NotificationPresenter({
    users: store.users,
    statuses: hydrator,
    userPresenter: new UserPresenter(config.mediaUrl),
    visibility,
  });
  return [
    new NotifyProcessor({
      notifications: store.notifications,
      statuses: store.statuses,
      users: store.users,
      presenter,
      visibility,
      realtime,
      clock,
      retentionMs,
      pushWindowMs: deps.pushWindowMs,
    }),
    new NotificationRetentionProcessor({
      notifications: store.notifications,
      clock,
      retentionMs,
      batchSize: deps.batchSize,
    }),
  ];
}
