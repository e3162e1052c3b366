import { z } from 'zod';
import { LIMITS } from '../limits.js';
import { Alias, PageLimit } from './common.js';
import { immutableField, requestBody } from './request-body.js';
import { Reactions } from './statuses.js';
import { trimmedText } from './text.js';
import { User } from './users.js';
import { EXAMPLES } from './examples.js';

export const BOARD_VISIBILITIES = ['public', 'private'] as const;
export const BoardVisibility = z.enum(BOARD_VISIBILITIES);
export type BoardVisibility = z.infer<typeof BoardVisibility>;

export const BOARD_ROLES = ['owner', 'moderator', 'member'] as const;
export const BoardRole = z.enum(BOARD_ROLES);
export type BoardRole = z.infer<typeof BoardRole>;

/** Ids are ULIDs: 26 characters of Crockford base32. */
export const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const MessageId = z.string().regex(ULID_PATTERN, 'must be a message id');

const retentionMessage = `must be ${LIMITS.retentionDaysMin} to ${LIMITS.retentionDaysMax} days, or null`;
export const RetentionDays = z
  .number()
  .int(retentionMessage)
  .min(LIMITS.retentionDaysMin, retentionMessage)
  .max(LIMITS.retentionDaysMax, retentionMessage)
  .nullable()
  .describe('messages older than this many days disappear; null keeps them forever');

export const Board = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    visibility: BoardVisibility,
    owner: User,
    memberCount: z.number().int(),
    myRole: BoardRole.nullable().describe('the caller’s role, or null when not a member'),
    retentionDays: z.number().int().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'Board', examples: [EXAMPLES.board] });
export type Board = z.infer<typeof Board>;

const BoardName = trimmedText(1, LIMITS.boardNameMax);
const BoardDescription = trimmedText(0, LIMITS.boardDescriptionMax);

export const CreateBoardRequest = requestBody({
  name: BoardName,
  description: BoardDescription.optional(),
  visibility: BoardVisibility,
  retentionDays: RetentionDays.optional(),
});
export type CreateBoardRequest = z.infer<typeof CreateBoardRequest>;

export const UpdateBoardRequest = requestBody({
  name: BoardName.optional(),
  description: BoardDescription.optional(),
  retentionDays: RetentionDays.optional(),
  // Members joined under the visibility the board had; changing it would expose or hide their history.
  visibility: immutableField('a board keeps the visibility it was created with; create a new board instead'),
});
export type UpdateBoardRequest = z.infer<typeof UpdateBoardRequest>;

export const Member = z.object({ user: User, role: BoardRole }).meta({ id: 'Member', examples: [EXAMPLES.member] });
export type Member = z.infer<typeof Member>;

/** The `data` of a `member.removed` live event: who left the board or was removed from it. */
export const MemberRemoved = z.object({ alias: Alias }).meta({ id: 'MemberRemoved' });
export type MemberRemoved = z.infer<typeof MemberRemoved>;

export const SetMemberRequest = requestBody({ role: z.enum(['member', 'moderator']) });
export type SetMemberRequest = z.infer<typeof SetMemberRequest>;

export const Message = z
  .object({
    id: z.string(),
    boardId: z.string(),
    author: User,
    topic: z.string().nullable(),
    text: z.string().describe('empty when deleted'),
    createdAt: z.string(),
    reactions: Reactions,
    deleted: z.boolean(),
  })
  .meta({ id: 'Message', examples: [EXAMPLES.message] });
export type Message = z.infer<typeof Message>;

export const PostMessageRequest = requestBody({
  text: trimmedText(1, LIMITS.messageMax),
  topic: trimmedText(1, LIMITS.topicMax).nullable().optional(),
});
export type PostMessageRequest = z.infer<typeof PostMessageRequest>;

export const MessagesQuery = z.object({
  limit: PageLimit,
  before: MessageId.optional().describe('newest first, older than this message (a nextCursor)'),
  after: MessageId.optional().describe('oldest first, newer than this message: polling'),
  cursor: MessageId.optional().describe('the same as before, for generic page walkers'),
});
export type MessagesQuery = z.infer<typeof MessagesQuery>;

export const AUDIT_ACTIONS = [
  'member.add',
  'member.role',
  'member.remove',
  'message.delete',
  'comment.delete',
  'board.retention',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z
  .object({
    id: z.string(),
    actor: User,
    action: AuditAction,
    target: z.string().describe('an alias (member.*), a message or comment id, or the board id'),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const BoardParams = z.object({ id: z.string().min(1).max(64) });
export const MemberParams = BoardParams.extend({ alias: Alias });
export const MessageParams = BoardParams.extend({ messageId: z.string().min(1).max(64) });
