import type { AuthResponse, LoginRequest } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnauthenticatedError } from '../domain/errors.js';
import { hashPassword, type ScryptParams } from '../domain/passwords.js';
import { hashToken, newToken } from '../domain/tokens.js';
import type { SessionState } from '../domain/session-state.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRecord, SessionRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { UserPresenter } from './user-presenter.js';

const SESSION_CACHE_TTL_MS = 10_000;

/** A session as a live connection sees it: still good, past its expiry, or gone (signed out). */

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
      /** Told when a session is revoked, so live connections opened with it can be closed. */
      onSignOut?: (tokenHash: string) => void;
    },
  ) {}

  // Checked when the alias does not exist, so both paths cost one scrypt (no alias oracle by timing).
  private dummyHash?: Promise<string>;

  // Every authenticated request looks its token up: sessions seen in the last few seconds skip the store read.
  // Logout evicts at once here; another process (the serverless shape) sees a logout within the TTL.
  private readonly recent = new LRUCache<string, { alias: string; expiresAt: number }>({
    max: 10_000,
    ttl: SESSION_CACHE_TTL_MS,
  });

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
   * Whether the session with this token hash still holds, read from the store (not the cache): live
   * connections ask this to notice an expiry or a sign-out made in another process.
   */
  async state(tokenHash: string): Promise<SessionState> {
    const session = await this.deps.sessions.get(tokenHash);
    if (!session || !(await this.ownerExists(session))) return 'revoked';
    return session.expiresAt <= this.deps.clock.now() ? 'expired' : 'active';
  }

  /** Forgets the cached sessions of a deleted account: its tokens get 401 at once in this process. */
  forgetUser(alias: string): void {
    for (const [tokenHash, session] of this.recent.entries()) {
      if (session.alias === alias) this.recent.delete(tokenHash);
    }
  }

  /**
   * Whether the session's account still exists and is the one it was opened for: a deleted account's sessions are
   * not looked up by alias to be removed (no index needed); they die here, and a later account that registers the
   * freed alias (30 days on) is younger than every session of the old one.
   */
  private async ownerExists(session: SessionRecord): Promise<boolean> {
    const user = await this.deps.users.get(session.alias);
    return user !== null && user.createdAt <= session.createdAt;
  }

  /** The alias a bearer token acts for; throws UnauthenticatedError if missing, unknown or expired. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new UnauthenticatedError();
    const tokenHash = hashToken(token);
    const cached = this.recent.get(tokenHash);
    const stored = cached ? null : await this.deps.sessions.get(tokenHash);
    const session = cached ?? stored;
    if (!session || (stored && !(await this.ownerExists(stored)))) {
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
