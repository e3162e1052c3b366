import { LIMITS, type Page, type PageQuery, type Profile, type User } from '@tweeter/shared';
import { AppError, NotFoundError, ValidationError } from '../domain/errors.js';
import { endFollows } from '../domain/visibility.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, RelationKind, RelationRepo, UserRepo } from '../ports/store.js';
import { userPage } from './user-pages.js';
import type { UserPresenter } from './user-presenter.js';
import type { UserService } from './users.js';
import type { WriteLimits } from './write-limits.js';

const WHAT: Record<RelationKind, string> = { block: 'block', mute: 'mute' };

/**
 * Blocking and muting (docs/api.md, "Block and mute"). A block ends both follows at once (each with the unfollow
 * purge an unfollow has, so a fan-out in flight leaves nothing behind) and queues `relation.purge`, which ends them
 * again (a follow racing the block) and removes each side's statuses from the other's feed. A mute queues the same
 * purge for the muter's feed only. What each side then sees is decided by `Visibility`.
 */
export class SafetyService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      follows: FollowRepo;
      relations: RelationRepo;
      profiles: UserService;
      userPresenter: UserPresenter;
      clock: Clock;
      writeLimits: WriteLimits;
      /** Edges of one kind per account (LIMITS.relationsMax; tests lower it). */
      max?: number;
    },
  ) {}

  /** Viewer blocks or mutes alias (idempotent). */
  async add(viewer: string, kind: RelationKind, alias: string): Promise<Profile> {
    await this.check(viewer, kind, alias);
    const { relations, clock } = this.deps;
    const max = this.deps.max ?? LIMITS.relationsMax;
    const edge = { owner: viewer, kind, target: alias };
    const purge = { name: 'relation.purge', payload: edge };
    const add = () => relations.add(edge, { createdAt: clock.now(), max, outbox: [purge] });
    let result = await add();
    // DynamoDB's per-owner counter can only drift high (a crash between its ADD and the edge's write or removal),
    // and only a refusal shows it: re-counted from the edges (bounded by `max`), then tried once more.
    if (result === 'full' && (await relations.recount(viewer, kind)) < max) result = await add();
    if (result === 'full') {
      throw new AppError('limit_reached', `you may ${WHAT[kind]} at most ${max} accounts; undo one first`);
    }
    if (kind === 'block') await endFollows(this.deps.follows, viewer, alias);
    return this.deps.profiles.profile(viewer, alias);
  }

  /** Viewer unblocks or unmutes alias (idempotent). Follows ended by a block stay ended. */
  async remove(viewer: string, kind: RelationKind, alias: string): Promise<Profile> {
    await this.check(viewer, kind, alias);
    await this.deps.relations.remove({ owner: viewer, kind, target: alias });
    return this.deps.profiles.profile(viewer, alias);
  }

  /** The accounts viewer blocks or mutes, by alias. */
  list(viewer: string, kind: RelationKind, query: PageQuery): Promise<Page<User>> {
    return userPage(this.deps, query, (range) => this.deps.relations.targets(viewer, kind, range));
  }

  private async check(viewer: string, kind: RelationKind, alias: string): Promise<void> {
    if (viewer === alias) {
      throw new ValidationError(`you cannot ${WHAT[kind]} yourself`, [{ path: 'params.alias', message: 'is you' }]);
    }
    if (!(await this.deps.users.get(alias))) throw new NotFoundError(`no user @${alias}`);
    this.deps.writeLimits.take(viewer, 'relation');
  }
}
