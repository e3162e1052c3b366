import type { AuthResponse, ChangePasswordRequest, LoginRequest } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, NotFoundError, UnauthenticatedError } from '../domain/errors.js';
import { hashPassword, type ScryptParams } from '../domain/passwords.js';
import { hashToken, newToken } from '../domain/tokens.js';
import type { SessionState } from '../domain/session-state.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRecord, SessionRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserPresenter } from './user-presenter.js';

const SESSION_CACHE_TTL_MS = 10_000;

/** Sign-in, sign-out and token checks. */
export class SessionService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      sessions: SessionRepo;
      throttle: LoginThrottle;
      hasher: PasswordHasher;
      userPresenter: UserPresenter;
      clock: Clock;
      tokenTtlMs: number;
      scrypt: ScryptParams;
      /**
       * How long a token read from the store is trusted without reading it again (default 10 s). Revocations made by
       * this process evict at once; one made by another process (another Lambda instance) is seen within it.
       */
      cacheTtlMs?: number;
      /** Told when a session is revoked, so live connections opened with it can be closed. */
      onSignOut?: (tokenHash: string) => void;
    },
  ) {
    this.recent = new LRUCache({ max: 10_000, ttl: deps.cacheTtlMs ?? SESSION_CACHE_TTL_MS });
  }

  // Checked when the alias does not exist, so both paths cost one scrypt (no alias oracle by timing).
  private dummyHash?: Promise<string>;

  // Every authenticated request looks its token up: sessions seen in the last few seconds skip the store read.
  // Logout and password changes evict at once here; another process (the serverless shape) sees them within the TTL.
  private readonly recent: LRUCache<string, { alias: string; expiresAt: number }>;

  /** Issues a new session token for a user that was just authenticated or created. */
  async open(user: UserRecord): Promise<AuthResponse> {
    const token = newToken();
    const now = this.deps.clock.now();
    const expiresAt = now + this.deps.tokenTtlMs;
    await this.deps.sessions.create({ tokenHash: hashToken(token), alias: user.alias, createdAt: now, expiresAt });
    return { user: this.deps.userPresenter.user(user), token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Checks the password and opens a session. Limited per (alias, client address) and per client address
   * (429), slowed down per alias (see LoginThrottle); the attempt is counted before the password is checked.
   */
  async login(request: LoginRequest, clientAddress: string): Promise<AuthResponse> {
    const { throttle, hasher } = this.deps;
    const attempt = throttle.begin(request.alias, clientAddress);
    if (attempt.delayMs > 0) await sleep(attempt.delayMs);
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = await this.deps.users.get(request.alias);
      this.dummyHash ??= hashPassword('not a password', this.deps.scrypt);
      ok = await hasher.verify(request.password, user?.passwordHash ?? (await this.dummyHash));
    } catch (err) {
      throttle.unchecked(attempt);
      throw err;
    }
    if (!user || !ok) throw new UnauthenticatedError('alias or password is wrong');
    throttle.succeeded(attempt);
    return this.open(user);
  }

  /** Revokes the token: it stops working at once. */
  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    this.recent.delete(tokenHash);
    await this.deps.sessions.delete(tokenHash);
    this.deps.onSignOut?.(tokenHash);
  }

  /**
   * Changes `alias`'s password after checking the current one, then ends every other session of `alias` (their
   * tokens get 401 at once on this process, and their live connections close with 4401). The check counts against
   * the same limits as a sign-in from `clientAddress` (LoginThrottle): a wrong password is a 403 `wrong_password`
   * and a failed attempt; past the limit, 429 before any check. The session `token` keeps working.
   */
  async changePassword(
    alias: string,
    token: string,
    request: ChangePasswordRequest,
    clientAddress: string,
  ): Promise<void> {
    const { throttle, hasher, users } = this.deps;
    const attempt = throttle.begin(alias, clientAddress);
    if (attempt.delayMs > 0) await sleep(attempt.delayMs);
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = await users.get(alias);
      ok = user !== null && (await hasher.verify(request.currentPassword, user.passwordHash));
    } catch (err) {
      throttle.unchecked(attempt);
      throw err;
    }
    if (!user) throw new NotFoundError(`no user @${alias}`);
    if (!ok) throw new AppError('wrong_password', 'the current password is wrong');
    throttle.succeeded(attempt);
    await users.setPasswordHash(alias, await hasher.hash(request.newPassword));
    // After the new hash is stored: a sign-in racing this with the old password cannot open a session that stays.
    await this.endOtherSessions(alias, hashToken(token));
  }

  /** Ends every session of `alias` but `keep` (a token hash): their tokens stop working and their sockets close. */
  async endOtherSessions(alias: string, keep?: string): Promise<number> {
    const ended = await this.deps.sessions.deleteOfUser(alias, keep === undefined ? {} : { except: keep });
    for (const tokenHash of ended) {
      this.recent.delete(tokenHash);
      this.deps.onSignOut?.(tokenHash);
    }
    return ended.length;
  }

  /**
   * Whether the session with this token hash still holds, read from the store (not the cache): live
   * connections ask this to notice an expiry or a sign-out made in another process.
   */
  async state(tokenHash: string): Promise<SessionState> {
    const session = await this.readSession(tokenHash);
    if (!session) return 'revoked';
    return session.expiresAt <= this.deps.clock.now() ? 'expired' : 'active';
  }

  /** Forgets the cached sessions of a deleted account: its tokens get 401 at once in this process. */
  forgetUser(alias: string): void {
    for (const [tokenHash, session] of this.recent.entries()) {
      if (session.alias === alias) this.recent.delete(tokenHash);
    }
  }

  /**
   * The stored session if its account still exists and is the one it was opened for (else null): a deleted
   * account's sessions are not looked up by alias to be removed (no index needed); they die here, and a later account
   * that registers the freed alias (30 days on) is younger than every session of the old one.
   */
  private async readSession(tokenHash: string): Promise<SessionRecord | null> {
    const { sessions, users } = this.deps;
    const holds = (session: SessionRecord, ownerCreatedAt: number | null | undefined): boolean =>
      ownerCreatedAt !== null && ownerCreatedAt !== undefined && ownerCreatedAt <= session.createdAt;
    // One read where the store joins the owner (SQLite): a like from a token not seen lately made two.
    if (sessions.getWithOwner) {
      const found = await sessions.getWithOwner(tokenHash);
      return found && holds(found.session, found.ownerCreatedAt) ? found.session : null;
    }
    const session = await sessions.get(tokenHash);
    return session && holds(session, (await users.get(session.alias))?.createdAt) ? session : null;
  }

  /** The alias a bearer token acts for; throws UnauthenticatedError if missing, unknown or expired. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new UnauthenticatedError();
    const tokenHash = hashToken(token);
    const cached = this.recent.get(tokenHash);
    const session = cached ?? (await this.readSession(tokenHash));
    if (!session) {
      throw new UnauthenticatedError('token is not valid: sign in again');
    }
    if (session.expiresAt <= this.deps.clock.now()) {
      this.recent.delete(tokenHash);
      await this.deps.sessions.delete(tokenHash);
      throw new UnauthenticatedError('token has expired: sign in again');
    }
    // Set only when read from the store: the TTL bounds staleness from the read, not from the last use.
    if (!cached) this.recent.set(tokenHash, { alias: session.alias, expiresAt: session.expiresAt });
    return session.alias;
  }
}
