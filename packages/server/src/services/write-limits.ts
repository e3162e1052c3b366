import type { Budget, RateLimiter } from './rate-limits.js';

/** Kinds of writes a user's budget counts (follow and unfollow share one, as do react and un-react). */
export type WriteKind = 'post' | 'follow' | 'reaction' | 'comment' | 'message' | 'relation';

const HOUR = 3_600_000;

/**
 * Per-user write budgets (docs/api.md, "Limits"). Generous for a person, tight for a script: in the spirit
 * of Mastodon's 300 posts per 3 hours and 400 follows per day.
 */
export const WRITE_BUDGETS: Readonly<Record<WriteKind, Budget & { what: string }>> = {
  post: { limit: 300, windowMs: 3 * HOUR, what: 'statuses posted' },
  follow: { limit: 400, windowMs: 24 * HOUR, what: 'follows and unfollows' },
  reaction: { limit: 1000, windowMs: HOUR, what: 'reactions added or removed' },
  comment: { limit: 300, windowMs: HOUR, what: 'comments posted' },
  message: { limit: 600, windowMs: HOUR, what: 'board messages posted' },
  relation: { limit: 400, windowMs: 24 * HOUR, what: 'blocks and mutes added or removed' },
};

/**
 * Counts a user's writes against WRITE_BUDGETS, each scaled by `scale` (WRITE_RATE_LIMITS); a `null` limiter
 * (WRITE_RATE_LIMITS=off) counts nothing.
 */
export class WriteLimits {
  private readonly budgets: Record<WriteKind, Budget & { what: string }>;

  constructor(
    private readonly limiter: RateLimiter | null,
    scale = 1,
  ) {
    const scaled = Object.entries(WRITE_BUDGETS).map(([kind, b]) => [
      kind,
      { ...b, limit: Math.max(1, Math.floor(b.limit * scale)) },
    ]);
    this.budgets = Object.fromEntries(scaled) as Record<WriteKind, Budget & { what: string }>;
  }

  /** The budget of `kind` as this server applies it. */
  budget(kind: WriteKind): Budget {
    return this.budgets[kind];
  }

  /** Counts one write of `kind` by `user`; throws RateLimitedError (429) once that budget is spent. */
  take(user: string, kind: WriteKind): void {
    if (!this.limiter) return;
    const budget = this.budgets[kind];
    const hours = budget.windowMs / HOUR;
    this.limiter.take(`write:${kind}:${user}`, budget, `at most ${budget.limit} ${budget.what} per ${hours} h`);
  }

  /** Gives back a write taken for one that turned out to write nothing (an idempotent retry). */
  giveBack(user: string, kind: WriteKind): void {
    this.limiter?.add(`write:${kind}:${user}`, this.budgets[kind], -1);
  }
}
