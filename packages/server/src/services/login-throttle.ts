import type { Clock } from '../ports/clock.js';
import { MemoryCounterStore, rateLimited, type Budget, type CounterStore } from './rate-limits.js';

export interface LoginLimits {
  /** Failed sign-ins per (alias, client address) per window: beyond, 429 for that pair. */
  maxFailures: number;
  /** Failed sign-ins per client address per window, whatever the alias: beyond, 429 for that address. */
  maxFailuresPerAddress: number;
  windowMs: number;
  /** Cap of the growing delay an alias gets after `maxFailures` failures from all addresses together. */
  aliasDelayMaxMs: number;
}

/** The first delay once an alias is past `maxFailures` failures; it doubles with each further failure. */
const ALIAS_DELAY_BASE_MS = 250;

/** One sign-in attempt, counted before its password is checked. */
export interface LoginAttempt {
  readonly keys: readonly string[];
  /** How long to hold the attempt before checking the password (0 for an alias nobody is guessing). */
  readonly delayMs: number;
}

/**
 * Limits password guessing without letting anyone lock an owner out of their account:
 * - hard limits (429) per (alias, client address) and per client address: a guesser is stopped where it
 *   guesses from, and the owner signing in from elsewhere is not;
 * - per alias, across all addresses, only a growing delay (doubling from 250 ms up to `aliasDelayMaxMs`) that
 *   slows a distributed guesser and merely makes the owner wait a little.
 * An attempt counts BEFORE the password is checked (concurrent guesses cannot slip past the limit while the
 * hashes run); a successful one gives its count back. Counters are per process (see CounterStore).
 */
export class LoginThrottle {
  private readonly budget: Budget;
  private readonly addressBudget: Budget;

  constructor(
    private readonly clock: Clock,
    private readonly limits: LoginLimits,
    private readonly counters: CounterStore = new MemoryCounterStore(),
  ) {
    this.budget = { limit: limits.maxFailures, windowMs: limits.windowMs };
    this.addressBudget = { limit: limits.maxFailuresPerAddress, windowMs: limits.windowMs };
  }

  /** Counts an attempt for alias from address, or throws RateLimitedError when that pair or address is over. */
  begin(alias: string, address: string): LoginAttempt {
    const now = this.clock.now();
    const pair = `login:${alias}|${address}`;
    const ip = `login-ip:${address}`;
    const aliasKey = `login-alias:${alias}`;
    for (const [key, budget, who] of [
      [pair, this.budget, `@${alias} from this address`],
      [ip, this.addressBudget, 'this address'],
    ] as const) {
      const w = this.counters.peek(key, budget, now);
      if (w.count >= budget.limit) throw rateLimited(`too many failed sign-ins for ${who}`, budget, w, now);
    }
    this.counters.add(pair, 1, this.budget, now);
    this.counters.add(ip, 1, this.addressBudget, now);
    const before = this.counters.add(aliasKey, 1, this.budget, now).count - 1;
    return { keys: [pair, ip, aliasKey], delayMs: this.aliasDelayMs(before) };
  }

  /** The password was right: the attempt is given back, and the pair's failures are forgotten. */
  succeeded(attempt: LoginAttempt): void {
    const now = this.clock.now();
    const [pair, ip, aliasKey] = attempt.keys;
    if (pair) this.counters.add(pair, -this.limits.maxFailures, this.budget, now);
    if (ip) this.counters.add(ip, -1, this.addressBudget, now);
    // The alias keeps the failures others caused: signing in must not hand a guesser fresh cheap tries.
    if (aliasKey) this.counters.add(aliasKey, -1, this.budget, now);
  }

  /** The password could not be checked (the server was busy): the attempt is given back on every key. */
  unchecked(attempt: LoginAttempt): void {
    const now = this.clock.now();
    const budgets = [this.budget, this.addressBudget, this.budget];
    attempt.keys.forEach((key, i) => this.counters.add(key, -1, budgets[i] ?? this.budget, now));
  }

  /** The delay for an alias that has `failures` counted attempts from all addresses in this window. */
  private aliasDelayMs(failures: number): number {
    const over = failures - this.limits.maxFailures;
    if (over < 0) return 0;
    return Math.min(this.limits.aliasDelayMaxMs, ALIAS_DELAY_BASE_MS * 2 ** Math.min(over, 30));
  }
}
