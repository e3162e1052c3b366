import type { Status, User } from '@tweeter/shared';

/**
 * Statuses as the API presents them, read by id (the status hydrator implements it): what the fan-out jobs push
 * live. A port so that jobs depend on what they need, not on the service that provides it.
 */
export interface StatusViews {
  byIds(ids: readonly string[], viewer: string | null): Promise<Status[]>;
  /**
   * The author each reply among these statuses answers (as copied at post time), by status id: statuses that are no
   * reply, or gone, are left out. Cheaper than `byIds` (no counters, no authors): what fan-out's reply check needs.
   */
  replyParents(ids: readonly string[]): Promise<Map<string, string>>;
  /** Users by alias (a repost's reposter), those that exist. */
  users(aliases: readonly string[]): Promise<Map<string, User>>;
}
