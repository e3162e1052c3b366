import type { Config } from '../config/config.js';
import type { ScryptParams } from '../domain/passwords.js';
import type { Clock } from '../ports/clock.js';
import { LoginThrottle } from '../services/login-throttle.js';
import { PasswordHasher } from '../services/password-hasher.js';
import { MemoryCounterStore, RateLimiter } from '../services/rate-limits.js';
import { WriteLimits } from '../services/write-limits.js';

/** Login throttle, password-hash bound, sign-up limit and per-user write budgets, sharing one counter store. */
export function abuseLimits(config: Config, clock: Clock, scrypt: ScryptParams, hasher?: PasswordHasher) {
  const counters = new MemoryCounterStore();
  const limiter = new RateLimiter(clock, counters);
  return {
    login: new LoginThrottle(clock, config.login, counters),
    hasher: hasher ?? new PasswordHasher(scrypt, config.passwordHashing),
    registrations: {
      limiter,
      budget: { limit: config.registration.maxPerAddress, windowMs: config.registration.windowMs },
    },
    writes: new WriteLimits(config.writeRateLimits > 0 ? limiter : null, config.writeRateLimits),
  };
}
