import type { Status } from '@tweeter/shared';

/** What pressing the repost button shows at once: my repost on or off, the count moved by one. */
export function toggleRepost(status: Pick<Status, 'repostCount' | 'repostedByMe'>): {
  repostCount: number;
  repostedByMe: boolean;
} {
  const on = !status.repostedByMe;
  return { repostedByMe: on, repostCount: Math.max(0, status.repostCount + (on ? 1 : -1)) };
}

/** The line above a feed item that reached my feed as a repost. */
export function repostedByLabel(by: { firstName: string; lastName: string }): string {
  return `Reposted by ${by.firstName} ${by.lastName}`;
}
