import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { PageLimit } from './common.js';
import { ReactionKind, Status } from './statuses.js';
import { User } from './users.js';

export const NOTIFICATION_TYPES = ['follow', 'mention', 'reply', 'quote', 'repost', 'reaction', 'board.added'] as const;
export const NotificationType = z.enum(NOTIFICATION_TYPES);
export type NotificationType = z.infer<typeof NotificationType>;

/** Newest actors a group carries (the rest are counted in `actorCount`). */
export const NOTIFICATION_GROUP_ACTORS = 3;

/**
 * One item of my notifications: every event of one type on one subject (a status, a board, a day of follows), so
 * "Ada and 41 others liked your post" is one group. `unread`: something arrived since I last read up to it.
 */
export const NotificationGroup = z
  .object({
    id: z.string().describe('stable for the group; pass it as `upTo` to mark read up to it'),
    type: NotificationType,
    status: Status.nullable().describe('the status the group is about (mine, or the one mentioning or replying to me)'),
    boardId: z.string().nullable().describe('the board, for `board.added` and reactions on a board message'),
    reactionKind: ReactionKind.nullable().describe('for `reaction`: like and heart are separate groups'),
    actors: z.array(User).max(NOTIFICATION_GROUP_ACTORS).describe('newest first'),
    actorCount: z.number().int().nonnegative().describe('exact number of distinct actors'),
    latestAt: z.number().int().describe('ms since epoch of the newest event'),
    unread: z.boolean(),
  })
  .meta({ id: 'NotificationGroup' });
export type NotificationGroup = z.infer<typeof NotificationGroup>;

/** `?types=follow,reaction`: a comma list of types (unknown names are a 400). */
export const NotificationTypesParam = z
  .string()
  .max(200)
  .transform((s) => s.split(',').filter((t) => t.length > 0))
  .pipe(z.array(NotificationType).min(1, 'name at least one type'));

export const NotificationsQuery = z.object({
  limit: PageLimit,
  cursor: z.string().min(1).max(LIMITS.cursorMax).optional(),
  types: NotificationTypesParam.optional(),
});
export type NotificationsQuery = z.infer<typeof NotificationsQuery>;

export const UnreadCount = z.object({ count: z.number().int().nonnegative() }).meta({ id: 'UnreadCount' });
export type UnreadCount = z.infer<typeof UnreadCount>;

export const MarkReadBody = z
  .object({ upTo: z.string().min(1).max(LIMITS.cursorMax).optional().describe('a group id; default: everything') })
  .strict();
export type MarkReadBody = z.infer<typeof MarkReadBody>;
