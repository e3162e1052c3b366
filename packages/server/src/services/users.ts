import type { AuthResponse, Profile, RegisterRequest, UpdateProfileRequest, User } from '@tweeter/shared';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Blob, BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo, UserRecord, UserRepo } from '../ports/store.js';
import { checkImage, IMAGE_EXTENSIONS } from './images.js';
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
      blobs: BlobStore;
      sessions: SessionService;
      hydrator: StatusHydrator;
      userPresenter: UserPresenter;
      clock: Clock;
      hasher: PasswordHasher;
      registrations: { limiter: RateLimiter; budget: Budget };
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
      created = await users.create(record);
    } catch (err) {
      // The user was not written: its picture must not stay behind.
      if (imageKey) await blobs.delete(imageKey);
      throw err;
    }
    if (!created) {
      if (imageKey) await blobs.delete(imageKey);
      throw aliasTaken(request.alias);
    }
    return this.deps.sessions.open(record);
  }

  /** A user's profile as `viewer` sees it. */
  async profile(viewer: string, alias: string): Promise<Profile> {
    const [user, followed] = await Promise.all([
      this.deps.users.get(alias),
      viewer === alias ? Promise.resolve(false) : this.deps.follows.exists(viewer, alias),
    ]);
    if (!user) throw new NotFoundError(`no user @${alias}`);
    return this.present(user, followed);
  }

  /**
   * Changes my names and bio (the fields given; the schema has trimmed and checked them). This process's author
   * cache forgets me at once; other processes' caches show the change within their TTL (USER_CACHE_TTL_MS).
   */
  async updateProfile(viewer: string, changes: UpdateProfileRequest): Promise<Profile> {
    const user = await this.deps.users.updateProfile(viewer, {
      ...(changes.firstName === undefined ? {} : { firstName: changes.firstName }),
      ...(changes.lastName === undefined ? {} : { lastName: changes.lastName }),
      ...(changes.bio === undefined ? {} : { bio: changes.bio }),
    });
    if (!user) throw new NotFoundError(`no user @${viewer}`);
    this.deps.hydrator.forgetUser(viewer);
    return this.present(user, false);
  }

  private present(user: UserRecord, followed: boolean): Profile {
    return {
      ...this.deps.userPresenter.user(user),
      bio: user.bio ?? '',
      followerCount: user.followerCount,
      followeeCount: user.followeeCount,
      followedByMe: followed,
    };
  }

  /** Replaces the viewer's profile image; the old one is deleted after the switch. */
  async setAvatar(viewer: string, bytes: Buffer, declaredType: string | undefined): Promise<User> {
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

  private async storeImage(alias: string, bytes: Buffer, declaredType: string | undefined): Promise<string> {
    const type = await checkImage(bytes, declaredType);
    // A new key per upload: image URLs can be cached forever.
    const key = `avatars/${alias}-${newId(this.deps.clock.now()).toLowerCase()}.${IMAGE_EXTENSIONS[type]}`;
    await this.deps.blobs.put(key, { bytes, contentType: type });
    return key;
  }
}

function aliasTaken(alias: string): ConflictError {
  return new ConflictError('alias_taken', `alias @${alias} is taken`);
}
