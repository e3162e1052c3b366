import type { NotificationGroup, NotificationType, User } from '@tweeter/shared';

/** The filters of the notifications page: a label and the types it keeps (empty: all). */
export const NOTIFICATION_FILTERS: readonly { id: string; label: string; types: readonly NotificationType[] }[] = [
  { id: 'all', label: 'All', types: [] },
  { id: 'mentions', label: 'Mentions', types: ['mention', 'reply', 'quote'] },
  { id: 'reactions', label: 'Likes', types: ['reaction'] },
  { id: 'reposts', label: 'Reposts', types: ['repost'] },
  { id: 'follows', label: 'Follows', types: ['follow'] },
  { id: 'boards', label: 'Boards', types: ['board.added'] },
];

const VERB: Record<NotificationType, string> = {
  follow: 'followed you',
  mention: 'mentioned you',
  reply: 'replied to your post',
  quote: 'quoted your post',
  repost: 'reposted your post',
  reaction: 'liked your post',
  'board.added': 'added you to a board',
};

const nameOf = (u: User): string => `${u.firstName} ${u.lastName}`.trim() || `@${u.alias}`;

/** "Ada", "Ada and Bob", "Ada and 41 others": the newest actor named, the rest counted. */
export function actorsText(group: Pick<NotificationGroup, 'actors' | 'actorCount'>): string {
  const [first, second] = group.actors;
  if (!first) return group.actorCount === 1 ? 'Someone' : `${group.actorCount} people`;
  const others = group.actorCount - 1;
  if (others <= 0) return nameOf(first);
  if (others === 1 && second) return `${nameOf(first)} and ${nameOf(second)}`;
  return `${nameOf(first)} and ${others} ${others === 1 ? 'other' : 'others'}`;
}

/** The sentence of a group: "Ada and 41 others liked your post". */
export function notificationText(group: NotificationGroup): string {
  let verb = VERB[group.type];
  if (group.type === 'reaction') {
    const what = group.boardId && !group.status ? 'your message' : 'your post';
    verb = `${group.reactionKind === 'heart' ? 'hearted' : 'liked'} ${what}`;
  }
  return `${actorsText(group)} ${verb}`;
}

/** Where a group leads: its status, its board, or the newest actor's profile. */
export function notificationLink(group: NotificationGroup): string {
  if (group.status) return `/statuses/${group.status.id}`;
  if (group.boardId) return `/boards/${group.boardId}`;
  const first = group.actors[0];
  return first ? `/users/${first.alias}` : '/notifications';
}
