import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { Store } from '../ports/store.js';
import type { Visibility } from '../domain/visibility.js';
import type { NotifyPushes } from '../jobs/notify-pushes.js';
import { BoardService } from '../services/boards.js';
import type { LiveThrottle } from '../services/live-throttle.js';
import { MessageService } from '../services/messages.js';
import type { NotifyEvents } from '../services/notify-events.js';
import type { ReactionReader } from '../services/reaction-reader.js';
import { ReactionService } from '../services/reactions.js';
import type { Services } from '../services/use-cases.js';
import type { UserPresenter } from '../services/user-presenter.js';
import type { WriteLimits } from '../services/write-limits.js';

/** Boards, their messages and reactions. */
export function socialServices(
  store: Store,
  shared: {
    userPresenter: UserPresenter;
    realtime: Realtime;
    clock: Clock;
    reactionReader: ReactionReader;
    writeLimits: WriteLimits;
    visibility: Visibility;
    notify: NotifyEvents;
    countPushes: LiveThrottle;
    notifyPushes: NotifyPushes;
  },
): Pick<Services, 'boards' | 'messages' | 'reactions'> {
  const { userPresenter, realtime, clock, writeLimits, visibility, notify } = shared;
  const boards = new BoardService({
    boards: store.boards,
    members: store.members,
    audit: store.audit,
    users: store.users,
    userPresenter,
    clock,
    realtime,
    visibility,
    notify,
  });
  const messages = new MessageService({
    boards,
    messages: store.messages,
    users: store.users,
    reactions: shared.reactionReader,
    userPresenter,
    realtime,
    clock,
    writeLimits,
  });
  return {
    boards,
    messages,
    reactions: new ReactionService({
      reactions: store.reactions,
      statuses: store.statuses,
      messages,
      realtime,
      clock,
      writeLimits,
      visibility,
      notify,
      countPushes: shared.countPushes,
      notifyPushes: shared.notifyPushes,
    }),
  };
}
