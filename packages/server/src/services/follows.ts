import type { Page, PageQuery, Profile, User } from '@tweeter/shared';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, KeyPage, RangeOptions, UserRepo } from '../ports/store.js';
import { userPage } from './user-pages.js';
import type { UserPresenter } from './user-presenter.js';
import type { UserService } from './users.js';
import type { Visibility } from '../domain/visibility.js';
import type { WriteLimits } from './write-limits.js';
import type { NotifyEvents } from './notify-events.js';

/** Following and unfollowing, and the follower/followee lists. */
export class FollowService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      follows: FollowRepo;
      profiles: UserService;
      userPresenter: UserPresenter;
      clock: Clock;
      writeLimits: WriteLimits;
      visibility: Pick<Visibility, 'isBlocked'>;
      notify: NotifyEvents;
    },
  ) {}

  /** Viewer follows alias (idempotent); the followee's recent statuses are backfilled into the viewer's feed. */
  async follow(viewer: string, alias: string): Promise<Profile> {
    await this.mustExist(alias);
    if (viewer === alias)
      throw new ValidationError('you cannot follow yourself', [{ path: 'params.alias', message: 'is you' }]);
    // Mastodon and Bluesky refuse a follow across a block; 403 says no more than the profile's blocksMe does.
    if (await this.deps.visibility.isBlocked(viewer, alias)) throw new ForbiddenError(`you cannot follow @${alias}`);
    this.deps.writeLimits.take(viewer, 'follow');
    const job = { name: 'follow.backfill', payload: { follower: viewer, followee: alias } };
    // The notification commits with the edge: queued if and only if the follow was new.
    const notice = this.deps.notify.jobs([{ type: 'follow', actorId: viewer, recipientId: alias }]);
    await this.deps.follows.add(viewer, alias, { createdAt: this.deps.clock.now(), outbox: [job, ...notice] });
    return this.deps.profiles.profile(viewer, alias);
  }

  /** Viewer stops following alias (idempotent); alias's statuses leave the viewer's feed. */
  async unfollow(viewer: string, alias: string): Promise<Profile> {
    await this.mustExist(alias);
    this.deps.writeLimits.take(viewer, 'follow');
    const job = { name: 'unfollow.purge', payload: { follower: viewer, followee: alias } };
    // An unfollow takes the follower back out of the day's group.
    const notice = this.deps.notify.jobs([{ type: 'follow', actorId: viewer, recipientId: alias }], false);
    await this.deps.follows.remove(viewer, alias, { outbox: [job, ...notice] });
    return this.deps.profiles.profile(viewer, alias);
  }

  /** Users who follow alias, by alias. */
  followers(alias: string, query: PageQuery): Promise<Page<User>> {
    return this.list(alias, query, (range) => this.deps.follows.followers(alias, range));
  }

  /** Users alias follows, by alias. */
  followees(alias: string, query: PageQuery): Promise<Page<User>> {
    return this.list(alias, query, (range) => this.deps.follows.followees(alias, range));
  }

  private async list(
    alias: string,
    query: PageQuery,
    read: (range: RangeOptions) => Promise<KeyPage<string>>,
  ): Promise<Page<User>> {
    await this.mustExist(alias);
    return userPage(this.deps, query, read);
  }

  private async mustExist(alias: string): Promise<void> {
    if (!(await this.deps.users.get(alias))) throw new NotFoundError(`no user @${alias}`);
  }
}
