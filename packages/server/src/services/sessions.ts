import type { AuthResponse, LoginRequest } from '@tweeter/shared';
import { LRUCache } from 'lru-cache';
import { RateLimitedError, UnauthenticatedError } from '../domain/errors.js';
import { hashPassword, verifyPassword, type ScryptParams } from '../domain/passwords.js';
import { hashToken, newToken } from '../domain/tokens.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Presenter } from './presenter.js';

const SESSION_CACHE_TTL_MS = 10_000;

/** Sign-in, sign-out and token checks. */
export class SessionService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      sessions: SessionRepo;
      throttle: LoginThrottle;
      presenter: Presenter;
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
    return { user: this.deps.presenter.user(user), token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** Checks the password (rate-limited per alias and per client address) and opens a session. */
  async login(request: LoginRequest, clientAddress: string): Promise<AuthResponse> {
    const { throttle } = this.deps;
    const keys = [`alias:${request.alias}`, `ip:${clientAddress}`];
    const wait = Math.max(...keys.map((k) => throttle.retryAfter(k)));
    if (wait > 0) throw new RateLimitedError(`too many failed sign-ins: try again in ${wait} s`, wait);
    const user = await this.deps.users.get(request.alias);
    this.dummyHash ??= hashPassword('not a password', this.deps.scrypt);
    const ok = await verifyPassword(request.password, user?.passwordHash ?? (await this.dummyHash));
    if (!user || !ok) {
      for (const k of keys) throttle.fail(k);
      throw new UnauthenticatedError('alias or password is wrong');
    }
    throttle.reset(keys[0] ?? '');
    return this.open(user);
  }

  /** Revokes the token: it stops working at once. */
  async logout(token: string): Promise<void> {
    const tokenHash = hashToken(token);
    this.recent.delete(tokenHash);
    await this.deps.sessions.delete(tokenHash);
    this.deps.onSignOut?.(tokenHash);
  }

  /** The alias a bearer token acts for; throws UnauthenticatedError if missing, unknown or expired. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new UnauthenticatedError();
    const tokenHash = hashToken(token);
    const cached = this.recent.get(tokenHash);
    const session = cached ?? (await this.deps.sessions.get(tokenHash));
    if (!session) throw new UnauthenticatedError('token is not valid: sign in again');
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
