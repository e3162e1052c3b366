// The use cases, built once from the opened stores: every runtime that serves requests or the live-stream protocol
// (node server, Lambda HTTP and WebSocket functions) gets them from here, and the jobs of a process share their read
// model (the status cache).

import type { Config } from '../config/config.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { Store } from '../ports/store.js';
import { AccountService } from '../services/accounts.js';
import { ExportService } from '../services/export.js';
import { FeedService } from '../services/feeds.js';
import { RepostService } from '../services/reposts.js';
import { FollowService } from '../services/follows.js';
import { ImagePipeline } from '../services/image-pipeline.js';
import type { JobQueue } from '../ports/job-queue.js';
import { DirectUploads } from '../services/media-direct.js';
import { MediaService } from '../services/media.js';
import { NotificationPresenter } from '../services/notification-presenter.js';
import { NotifyPushes } from '../jobs/notify-pushes.js';
import { NotificationService } from '../services/notifications.js';
import { NotifyEvents } from '../services/notify-events.js';
import type { PasswordHasher } from '../services/password-hasher.js';
import { SafetyService } from '../services/safety.js';
import { SessionService } from '../services/sessions.js';
import type { StatusHydrator } from '../services/status-hydrator.js';
import { LiveThrottle } from '../services/live-throttle.js';
import { StatusSearchService } from '../services/status-search.js';
import { statusServices } from './status-services.js';
import type { Services } from '../services/use-cases.js';
import { UserService } from '../services/users.js';
import { Visibility } from '../domain/visibility.js';
import { PEOPLE_TOP_SIZE, PeopleSearchService } from '../services/people-search.js';
import { SuggestionService } from '../services/suggestions.js';
import { createReadModel } from './read-model.js';
import { socialServices } from './social-services.js';
import { abuseLimits } from './abuse-limits.js';

/** Each Lambda instance trusts a token it read this long: a sign-out or password change elsewhere is seen within it. */
export const SHARED_SESSION_CACHE_TTL_MS = 1_000;

export interface ServiceDeps {
  config: Config;
  clock: Clock;
  store: Store;
  blobs: BlobStore;
  /** Where the use cases push live events (board messages, reactions, membership). */
  realtime: Realtime;
  /** Closes the live-stream connections of a login that signs out, on every transport of this process. */
  onSignOut(tokenHash: string): void;
  /** Closes every live-stream connection of a deleted account, on every transport of this process. */
  onAccountGone?(alias: string): void;
  /** The bounded password hasher (tests hold its slots to see the server answer 503). */
  passwordHasher?: PasswordHasher;
  /**
   * Where large direct uploads queue their decode (media.process); without it, they are not offered. Notification
   * events are queued here too (without it, reactions and board additions notify nobody).
   */
  queue?: Pick<JobQueue, 'enqueue'>;
  /** Decodes uploads, a bounded number at once (one per process: the bound is the process's). */
  imagePipeline?: ImagePipeline;
  /** A status's reaction counts pushed at most once per this window (LiveThrottle); unset: 0, every change (Lambda). */
  livePushWindowMs?: number;
}

/** The use cases, and the read model they share with the jobs of the same process. */
export function createServices(deps: ServiceDeps): { services: Services; hydrator: StatusHydrator } {
  const { config, clock, store, blobs, realtime } = deps;
  const scrypt = { N: config.scryptCost, r: 8, p: 1 };
  const limits = abuseLimits(config, clock, scrypt, deps.passwordHasher);
  // On the SQLite file one process serves every request, so its own edits and sign-outs evict these caches at once and
  // they may keep entries longer; on DynamoDB each Lambda instance has its own caches, which must forget sooner.
  const oneProcess = config.shape.store === 'sqlite';
  const { userPresenter, reactionReader, hydrator } = createReadModel(config, store, clock, {
    ...(oneProcess ? { userCacheTtlMs: 60_000 } : {}),
  });
  const pipeline = deps.imagePipeline ?? new ImagePipeline();
  const media = new MediaService({ media: store.media, blobs, pipeline, userPresenter, clock });
  const directUploads = new DirectUploads({
    blobs,
    media: store.media,
    mediaService: media,
    pipeline,
    userPresenter,
    clock,
    ...(deps.queue ? { queue: deps.queue } : {}),
  });
  const sessions = new SessionService({
    users: store.users,
    sessions: store.sessions,
    throttle: limits.login,
    hasher: limits.hasher,
    userPresenter,
    clock,
    tokenTtlMs: config.tokenTtlMs,
    scrypt,
    cacheTtlMs: oneProcess ? 10_000 : SHARED_SESSION_CACHE_TTL_MS,
    onSignOut: (tokenHash) => deps.onSignOut(tokenHash),
  });
  const visibility = new Visibility({ relations: store.relations });
  const notify = new NotifyEvents({ queue: deps.queue ?? { enqueue: async () => undefined }, clock });
  const users = new UserService({
    users: store.users,
    follows: store.follows,
    relations: store.relations,
    blobs,
    pipeline,
    sessions,
    hydrator,
    userPresenter,
    clock,
    hasher: limits.hasher,
    registrations: limits.registrations,
    deletions: store.deletions,
    // Where there is a queue, index.user goes with the write (its outbox); a runtime without one indexes in the request.
    ...(deps.queue
      ? {}
      : {
          reindex: async (alias: string) => {
            const user = await store.users.get(alias);
            if (user) await store.people.put(user);
          },
        }),
  });
  const notificationPresenter = new NotificationPresenter({
    users: store.users,
    statuses: hydrator,
    userPresenter,
    visibility,
  });
  const services: Services = {
    sessions,
    users,
    media,
    directUploads,
    follows: new FollowService({
      users: store.users,
      follows: store.follows,
      profiles: users,
      userPresenter,
      clock,
      writeLimits: limits.writes,
      visibility,
      notify,
    }),
    safety: new SafetyService({
      users: store.users,
      follows: store.follows,
      relations: store.relations,
      profiles: users,
      userPresenter,
      clock,
      writeLimits: limits.writes,
      max: config.relationsMax,
    }),
    ...statusServices(store, {
      hydrator,
      media,
      clock,
      writeLimits: limits.writes,
      visibility,
      userPresenter,
      config,
      notify,
    }),
    feeds: new FeedService({
      feeds: store.feeds,
      follows: store.follows,
      statuses: store.statuses,
      users: store.users,
      reposts: store.reposts,
      ...(store.repostRowChecks ? { repostRowChecks: store.repostRowChecks } : {}),
      hydrator,
      visibility,
      pullMax: config.fanout.pullMax,
      maxEntries: config.fanout.feedMaxEntries,
    }),
    statusSearch: new StatusSearchService({ search: store.search, hydrator, visibility, clock }),
    reposts: new RepostService({
      users: store.users,
      statuses: store.statuses,
      reposts: store.reposts,
      hydrator,
      userPresenter,
      realtime,
      clock,
      writeLimits: limits.writes,
      visibility,
      pullThreshold: config.fanout.pullThreshold,
      notify,
    }),
    accounts: new AccountService({
      users: store.users,
      deletions: store.deletions,
      throttle: limits.login,
      hasher: limits.hasher,
      sessions,
      hydrator,
      clock,
      onAccountGone: (alias) => deps.onAccountGone?.(alias),
    }),
    exports: new ExportService({
      users: store.users,
      statuses: store.statuses,
      comments: store.comments,
      reactions: store.reactions,
      follows: store.follows,
      members: store.members,
      boards: store.boards,
      userPresenter,
      clock,
    }),
    peopleSearch: new PeopleSearchService({
      people: store.people,
      ...(store.profileSlices ? { profileSlices: store.profileSlices } : {}),
      users: store.users,
      follows: store.follows,
      relations: store.relations,
      visibility,
      userPresenter,
      clock,
      // The snapshot of the most followed accounts is one process's (docs/aws.md: not kept on Lambda).
      topSize: oneProcess ? PEOPLE_TOP_SIZE : 0,
    }),
    suggestions: new SuggestionService({
      people: store.people,
      users: store.users,
      follows: store.follows,
      relations: store.relations,
      statuses: store.statuses,
      visibility,
      userPresenter,
      clock,
    }),
    notifications: new NotificationService({
      notifications: store.notifications,
      presenter: notificationPresenter,
      realtime,
      clock,
      retentionMs: config.notificationRetentionMs,
    }),
    ...socialServices(store, {
      userPresenter,
      realtime,
      clock,
      reactionReader,
      writeLimits: limits.writes,
      visibility,
      notify,
      countPushes: new LiveThrottle(deps.livePushWindowMs ?? 0),
      // A reaction's notification written with it (SQLite) is pushed from here, as the notify stage pushes its own.
      notifyPushes: new NotifyPushes({
        notifications: store.notifications,
        presenter: notificationPresenter,
        realtime,
        clock,
        retentionMs: config.notificationRetentionMs,
        windowMs: deps.livePushWindowMs ?? 0,
      }),
    }),
  };
  return { services, hydrator };
}
