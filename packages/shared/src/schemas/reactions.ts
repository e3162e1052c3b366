import { z } from 'zod';
import { ReactionKind } from './statuses.js';

const Id = z.string().min(1).max(64);
export const StatusReactionParams = z.object({ id: Id, kind: ReactionKind });
export const MessageReactionParams = z.object({ id: Id, messageId: Id, kind: ReactionKind });

/** Counts without `mine` (they go to many viewers). */
export const ReactionCounts = z.object({ like: z.number().int(), heart: z.number().int() });
export type ReactionCounts = z.infer<typeof ReactionCounts>;

/** The `data` of a `reactions.updated` live event. */
export const ReactionsUpdated = z
  .object({
    target: z.enum(['status', 'message']),
    id: z.string(),
    boardId: z.string().optional().describe('present when target is a message'),
    reactions: ReactionCounts,
  })
  .meta({ id: 'ReactionsUpdated' });
export type ReactionsUpdated = z.infer<typeof ReactionsUpdated>;
