import type { Config } from '../config/config.js';
import type { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { CommentService } from '../services/comments.js';
import type { MediaService } from '../services/media.js';
import type { NotifyEvents } from '../services/notify-events.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { StatusTargets } from '../services/status-targets.js';
import { StatusService } from '../services/statuses.js';
import { ThreadService } from '../services/threads.js';
import type { Services } from '../services/use-cases.js';
import type { UserPresenter } from '../services/user-presenter.js';
import type { WriteLimits } from '../services/write-limits.js';

/** Statuses, their threads and quotes, and comments (the older view of direct replies), over one set of targets. */
export function statusServices(
  store: Store,
  shared: {
    hydrator: StatusHydrator;
    media: MediaService;
    clock: Clock;
    writeLimits: WriteLimits;
    visibility: Visibility;
    userPresenter: UserPresenter;
    config: Config;
    notify: NotifyEvents;
  },
): Pick<Services, 'statuses' | 'threads' | 'comments'> {
  const { hydrator, clock, visibility, config } = shared;
  const targets = new StatusTargets({ statuses: store.statuses, comments: store.comments, visibility });
  const statuses = new StatusService({
    users: store.users,
    statuses: store.statuses,
    comments: store.comments,
    quotes: store.quotes,
    targets,
    deliveries: store.deliveries,
    hydrator,
    media: shared.media,
    clock,
    writeLimits: shared.writeLimits,
    visibility,
    pullThreshold: config.fanout.pullThreshold,
    linkCards: config.cards.enabled,
    searchIndex: config.searchIndex,
    notify: shared.notify,
  });
  return {
    statuses,
    threads: new ThreadService({
      statuses: store.statuses,
      comments: store.comments,
      quotes: store.quotes,
      hydrator,
      targets,
      visibility,
    }),
    comments: new CommentService({
      comments: store.comments,
      statuses: store.statuses,
      statusService: statuses,
      targets,
      users: store.users,
      userPresenter: shared.userPresenter,
      clock,
      visibility,
    }),
  };
}
