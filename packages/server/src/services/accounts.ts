import { setTimeout as sleep } from 'node:timers/promises';
import { accountDeleteJob, FIRST_DELETION_STEP } from '../domain/account-deletion.js';
import { ForbiddenError } from '../domain/errors.js';
import { indexUserJob } from '../domain/people-terms.js';
import { ALIAS_RESERVATION_MS, type AccountDeletionRepo } from '../ports/account-deletions.js';
import type { Clock } from '../ports/clock.js';
import type { UserRecord, UserRepo } from '../ports/store.js';
import type { LoginThrottle } from './login-throttle.js';
import type { PasswordHasher } from './password-hasher.js';
import type { SessionService } from './sessions.js';
import type { StatusHydrator } from './status-hydrator.js';

/** Deleting an account. */
export class AccountService {
  constructor(
    private readonly deps: {
      users: UserRepo;
      deletions: AccountDeletionRepo;
      throttle: LoginThrottle;
      hasher: PasswordHasher;
      sessions: SessionService;
      hydrator: StatusHydrator;
      clock: Clock;
      /** Told when an account is gone, so its live connections (every transport of this process) close with 4401. */
      onAccountGone?: (alias: string) => void;
    },
  ) {}

  /**
   * Deletes the viewer's account once its password is confirmed. The password check counts as a sign-in attempt
   * (LoginThrottle: 429 past the limits). The user record goes and a tombstone reserves the alias in one write, with
   * the first job of the deletion; the rest is done by `account.delete` jobs (jobs/account-delete-steps.ts).
   */
  async delete(viewer: string, password: string, clientAddress: string): Promise<void> {
    const { throttle, hasher, users, clock } = this.deps;
    const attempt = throttle.begin(viewer, clientAddress);
    if (attempt.delayMs > 0) await sleep(attempt.delayMs);
    let user: UserRecord | null;
    let ok: boolean;
    try {
      user = await users.get(viewer);
      ok = user !== null && (await hasher.verify(password, user.passwordHash));
    } catch (err) {
      throttle.unchecked(attempt);
      throw err;
    }
    if (!user) return; // deleted meanwhile by another request of the same account: the outcome asked for
    if (!ok) throw new ForbiddenError('the password is wrong');
    throttle.succeeded(attempt);
    const now = clock.now();
    await this.deps.deletions.begin(
      {
        alias: viewer,
        imageKey: user.imageKey,
        deletedAt: now,
        reservedUntil: now + ALIAS_RESERVATION_MS,
        step: FIRST_DELETION_STEP,
        cursor: null,
        seq: 0,
      },
      [accountDeleteJob(viewer, 0), indexUserJob(viewer)],
    );
    this.deps.sessions.forgetUser(viewer);
    this.deps.hydrator.forgetUser(viewer);
    this.deps.onAccountGone?.(viewer);
  }
}
