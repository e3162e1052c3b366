import { NotificationType, ReactionKind } from '@tweeter/shared';
import { z } from 'zod';

/** The stream channel of one's own notifications (`notification`, `notifications.unread`). */
export const NOTIFICATIONS_CHANNEL = 'notifications';

/** The job that writes one notification event (or its retraction) on the `notify` queue. */
export const NOTIFY_EVENT_JOB = 'notify.event';
/** The job that removes a deleted status's notifications. */
export const NOTIFY_STATUS_GONE_JOB = 'notify.status-gone';
/** The job that removes one group of one recipient (e.g. "added you to a board" once removed from it). */
export const NOTIFY_GROUP_GONE_JOB = 'notify.group-gone';

/** The group of "added you to board `boardId`". */
export const boardAddedGroupKey = (boardId: string): string => `board.added:${boardId}`;

export const NotifyEventPayload = z.object({
  type: NotificationType,
  actorId: z.string().min(1),
  recipientId: z.string().min(1),
  statusId: z.string().min(1).optional(),
  boardId: z.string().min(1).optional(),
  messageId: z.string().min(1).optional(),
  reactionKind: ReactionKind.optional(),
  /** Event time: orders an actor's events in a group (a later undo wins over an earlier add, whatever the arrival). */
  at: z.number().int(),
  /** false: the event was undone (unlike, unfollow, un-repost): the actor leaves the group. */
  active: z.boolean(),
});
export type NotifyEventPayload = z.infer<typeof NotifyEventPayload>;

/** A status mentioning more accounts than this notifies only the first ones (in text order). */
export const MENTION_NOTIFY_MAX = 10;

/** One notification event as a service emits it (services/notify-events.ts). */
export interface NotifyEvent {
  type: NotificationType;
  /** Who did it (from the token: never trusted from a request body). */
  actorId: string;
  /** Who is told. */
  recipientId: string;
  /** The status the group is about: the reacted, reposted or mentioning status, the reply, the quote. */
  statusId?: string;
  /** The board, for `board.added` and a reaction on a board message. */
  boardId?: string;
  /** The board message reacted to (with boardId). */
  messageId?: string;
  /** For `reaction`: like and heart are separate groups ("liked" / "hearted"). */
  reactionKind?: ReactionKind;
}

/** Where an event is grouped, and what the group points at. */
export interface NotificationGrouping {
  groupKey: string;
  statusId: string | null;
  boardId: string | null;
  reactionKind: ReactionKind | null;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The group of an event: reactions (per kind) and reposts per status, quotes, mentions and replies per status that
 * quotes, mentions or replies (each its own group), follows per UTC day, board additions per board. Throws on an
 * event missing what its type needs (a programming error: services build events).
 */
export function groupingOf(event: NotifyEvent, at: number): NotificationGrouping {
  const none = { statusId: null, boardId: null, reactionKind: null };
  const status = (): string => {
    if (!event.statusId) throw new Error(`a ${event.type} notification needs a statusId`);
    return event.statusId;
  };
  switch (event.type) {
    case 'follow':
      return { ...none, groupKey: `follow:${day(at)}` };
    case 'mention':
    case 'reply':
    case 'quote':
    case 'repost':
      return { ...none, groupKey: `${event.type}:${status()}`, statusId: status() };
    case 'board.added':
      if (!event.boardId) throw new Error('a board.added notification needs a boardId');
      return { ...none, groupKey: boardAddedGroupKey(event.boardId), boardId: event.boardId };
    case 'reaction': {
      const kind = event.reactionKind ?? 'like';
      if (event.messageId && event.boardId) {
        return {
          ...none,
          groupKey: `reaction:${kind}:m:${event.messageId}`,
          boardId: event.boardId,
          reactionKind: kind,
        };
      }
      return { ...none, groupKey: `reaction:${kind}:${status()}`, statusId: status(), reactionKind: kind };
    }
  }
}
