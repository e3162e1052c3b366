import type { Config } from '../config/config.js';
import { Visibility } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { CardReader } from '../services/card-reader.js';
import { ReactionReader } from '../services/reaction-reader.js';
import { StatusHydrator } from '../services/status-hydrator.js';
import { UserPresenter } from '../services/user-presenter.js';

/** How statuses are read and presented: shared by the HTTP services and the fan-out (which pushes them live). */
export function createReadModel(config: Config, store: Store, clock: Clock, options: { userCacheTtlMs?: number } = {}) {
  const userPresenter = new UserPresenter(config.mediaUrl);
  const reactionReader = new ReactionReader(store.reactions);
  const cardReader = new CardReader({ cards: store.cards, clock, ttlMs: config.statusCacheTtlMs });
  const hydrator = new StatusHydrator({
    statuses: store.statuses,
    users: store.users,
    userPresenter,
    reactions: reactionReader,
    comments: store.comments,
    reposts: store.reposts,
    quotes: store.quotes,
    ...(store.statusCounts ? { counts: store.statusCounts } : {}),
    visibility: new Visibility({ relations: store.relations }),
    cards: cardReader,
    clock,
    statusCacheTtlMs: config.statusCacheTtlMs,
    ...options,
  });
  return { userPresenter, reactionReader, cardReader, hydrator };
}
