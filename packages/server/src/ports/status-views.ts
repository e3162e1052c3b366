import type { Status, User } from '@tweeter/shared';

/**
 * Statuses as the API presents them, read by id (the status hydrator implements it): what the fan-out jobs push
 * live. A port so that jobs depend on what they need, not on the service that provides it.
 */
export interface StatusViews {
  byIds(ids: readonly string[], viewer: string | null): Promise<Status[]>;
  /** Users by alias (a repost's reposter), those that exist. */
  users(aliases: readonly string[]): Promise<Map<string, User>>;
}
