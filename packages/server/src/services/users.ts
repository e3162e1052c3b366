import {
  LIMITS,
  type AuthResponse,
  type Profile,
  type RegisterRequest,
  type UpdateProfileRequest,
  type User,
} from '@tweeter/shared';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { indexUserJob } from '../domain/people-terms.js';
import type { JobRequest } from '../ports/job-queue.js';
import { newId } from '../domain/ids.js';
import type { AccountDeletionRepo } from '../ports/account-deletions.js';
import type { Blob, BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, RelationKind, RelationRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { ImagePipeline } from './image-pipeline.js';
import { discardEncoded, putEncoded } from './encoded-image.js';
import { checkImage, type ImageBytes } from './images.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserPresenter } from './user-presenter.js';
import type { Budget, RateLimiter } from './rate-limits.js';
import type { SessionService } from './sessions.js';
import type { StatusHydrator } from './status-hydrator.js';

/** Accounts and profiles. */
export class UserService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      follows: FollowRepo;
      relations: Pick<RelationRepo, 'existing'>;
      blobs: BlobStore;
      pipeline: ImagePipeline;
      sessions: SessionService;
      hydrator: StatusHydrator;
      userPresenter: UserPresenter;
      clock: Clock;
      hasher: PasswordHasher;
      registrations: { limiter: RateLimiter; budget: Budget };
      /** Tombstones of deleted accounts: their aliases stay reserved (ALIAS_RESERVATION_MS). */
      deletions: AccountDeletionRepo;
      /**
       * People-search (re-)indexing after a sign-up or name edit, where there is no queue: run after the write.
       * Absent: the `index.user` job is queued with the write itself (its outbox), so a crash cannot lose it.
       */
      reindex?: (alias: string) => Promise<void>;
    },
  ) {}

  /**
   * Creates an account (with an optional profile image) and signs it in. Limited per client address
   * (REGISTER_MAX_PER_ADDRESS); the password hash waits for a free slot of the hasher (503 when busy).
   */
  async register(request: RegisterRequest, clientAddress: string): Promise<AuthResponse> {
    const { users, blobs, clock, registrations } = this.deps;
    // Cheap check first so a taken alias does not cost a password hash; create() re-checks atomically.
    if (await users.get(request.alias)) throw aliasTaken(request.alias);
    // After the user check: a deletion writes its tombstone before the user record goes, so one of the two shows.
    if (await this.deps.deletions.get(request.alias)) throw aliasTaken(request.alias);
    registrations.limiter.take(
      `register:${clientAddress}`,
      registrations.budget,
      'too many sign-ups from this address',
    );
    const passwordHash = await this.deps.hasher.hash(request.password);
    const image = request.image ? Buffer.from(request.image.data, 'base64') : null;
    const imageKey = image ? await this.storeImage(request.alias, image, request.image?.type) : null;
    const record: UserRecord = {
      alias: request.alias,
      firstName: request.firstName,
      lastName: request.lastName,
      passwordHash,
      imageKey,
      createdAt: clock.now(),
      followerCount: 0,
      followeeCount: 0,
    };
    let created: boolean;
    try {
      created = await users.create(record, this.indexOutbox(record.alias));
    } catch (err) {
      // The user was not written: its picture must not stay behind.
      if (imageKey) await blobs.delete(imageKey);
      throw err;
    }
    if (!created) {
      if (imageKey) await blobs.delete(imageKey);
      throw aliasTaken(request.alias);
    }
    await this.deps.reindex?.(record.alias);
    return this.deps.sessions.open(record);
  }

  /** A user's profile as `viewer` sees it (a mute of the viewer is never shown: the muted are not told). */
  async profile(viewer: string, alias: string): Promise<Profile> {
    const self = viewer === alias;
    const [user, followed, related] = await Promise.all([
      this.deps.users.get(alias),
      self ? Promise.resolve(false) : this.deps.follows.exists(viewer, alias),
      self
        ? Promise.resolve([])
        : this.deps.relations.existing([
            { owner: viewer, kind: 'block', target: alias },
            { owner: viewer, kind: 'mute', target: alias },
            { owner: alias, kind: 'block', target: viewer },
          ]),
    ]);
    if (!user) throw new NotFoundError(`no user @${alias}`);
    const has = (owner: string, kind: RelationKind) => related.some((e) => e.owner === owner && e.kind === kind);
    return this.present(user, followed, {
      blockedByMe: has(viewer, 'block'),
      mutedByMe: has(viewer, 'mute'),
      blocksMe: has(alias, 'block'),
    });
  }

  /**
   * Changes my names and bio (the fields given; the schema has trimmed and checked them). This process's author
   * cache forgets me at once; other processes' caches show the change within their TTL (USER_CACHE_TTL_MS).
   */
  async updateProfile(viewer: string, changes: UpdateProfileRequest): Promise<Profile> {
    const renamed = changes.firstName !== undefined || changes.lastName !== undefined;
    const user = await this.deps.users.updateProfile(
      viewer,
      {
        ...(changes.firstName === undefined ? {} : { firstName: changes.firstName }),
        ...(changes.lastName === undefined ? {} : { lastName: changes.lastName }),
        ...(changes.bio === undefined ? {} : { bio: changes.bio }),
      },
      renamed ? this.indexOutbox(viewer) : {},
    );
    if (!user) throw new NotFoundError(`no user @${viewer}`);
    this.deps.hydrator.forgetUser(viewer);
    if (renamed) await this.deps.reindex?.(viewer);
    return this.present(user, false, { blockedByMe: false, mutedByMe: false, blocksMe: false });
  }

  /** The index.user job as the write's outbox, unless this runtime indexes after the write (no queue). */
  private indexOutbox(alias: string): { outbox: JobRequest[] } {
    return { outbox: this.deps.reindex ? [] : [indexUserJob(alias)] };
  }

  private present(
    user: UserRecord,
    followed: boolean,
    relation: Pick<Profile, 'blockedByMe' | 'mutedByMe' | 'blocksMe'>,
  ): Profile {
    return {
      ...this.deps.userPresenter.user(user),
      bio: user.bio ?? '',
      followerCount: user.followerCount,
      followeeCount: user.followeeCount,
      followedByMe: followed,
      ...relation,
    };
  }

  /** Replaces the viewer's profile image; the old one is deleted after the switch. */
  async setAvatar(viewer: string, bytes: ImageBytes, declaredType: string | undefined): Promise<User> {
    const { users } = this.deps;
    const before = await users.get(viewer);
    if (!before) throw new NotFoundError(`no user @${viewer}`);
    const key = await this.storeImage(viewer, bytes, declaredType);
    await users.setImage(viewer, key);
    this.deps.hydrator.forgetUser(viewer);
    if (before.imageKey) await this.deps.blobs.delete(before.imageKey);
    return this.deps.userPresenter.user({ ...before, imageKey: key });
  }

  /** A stored profile image, or null. */
  image(key: string): Promise<Blob | null> {
    return this.deps.blobs.get(key);
  }

  /** Through the upload pipeline: re-encoded without metadata, at most the preview size (avatars show small). */
  private async storeImage(alias: string, bytes: ImageBytes, declaredType: string | undefined): Promise<string> {
    await checkImage(bytes, declaredType);
    const out = await this.deps.pipeline.process(Buffer.isBuffer(bytes) ? bytes : bytes.path, {
      longSide: LIMITS.mediaPreviewLongSide,
      previewLongSide: LIMITS.mediaPreviewLongSide,
    });
    // A new key per upload: image URLs can be cached forever.
    const ext = out.type === 'image/jpeg' ? 'jpg' : 'webp';
    const key = `avatars/${alias}-${newId(this.deps.clock.now()).toLowerCase()}.${ext}`;
    await discardEncoded(out.preview); // an avatar is one image at the preview size
    await putEncoded(this.deps.blobs, key, out.image, out.type);
    return key;
  }
}

function aliasTaken(alias: string): ConflictError {
  return new ConflictError('alias_taken', `alias @${alias} is taken`);
}
