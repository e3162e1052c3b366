import type { AuthResponse, LoginRequest } from '@tweeter/shared';
import { RateLimitedError, UnauthenticatedError } from '../domain/errors.js';
import { hashPassword, verifyPassword, type ScryptParams } from '../domain/passwords.js';
import { hashToken, newToken } from '../domain/tokens.js';
import type { Clock } from '../ports/clock.js';
import type { SessionRepo, UserRecord, UserRepo } from '../ports/store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { Presenter } from './presenter.js';

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
    },
  ) {}

  // Checked when the alias does not exist, so both paths cost one scrypt (no alias oracle by timing).
  private dummyHash?: Promise<string>;

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
    await this.deps.sessions.delete(hashToken(token));
  }

  /** The alias a bearer token acts for; throws UnauthenticatedError if missing, unknown or expired. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new UnauthenticatedError();
    const session = await this.deps.sessions.get(hashToken(token));
    if (!session) throw new UnauthenticatedError('token is not valid: sign in again');
    if (session.expiresAt <= this.deps.clock.now()) {
      await this.deps.sessions.delete(session.tokenHash);
      throw new UnauthenticatedError('token has expired: sign in again');
    }
    return session.alias;
  }
}
