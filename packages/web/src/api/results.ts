import type { OperationId, OperationResult } from '@tweeter/client';
import {
  AuditEntry,
  AuthResponse,
  Board,
  Comment,
  Delivery,
  FeedItem,
  Member,
  Media,
  MediaUploadTicket,
  Message,
  Meta,
  Profile,
  Reactions,
  Status,
  TagTrends,
  StatusContext,
  User,
  pageOf,
} from '@tweeter/shared';
import type { z } from 'zod';

/**
 * What each operation the app calls answers, as the shared zod schemas (the ones the server validates with) say.
 * @tweeter/client checks every success body against this table, so a contract drift is a clear `bad_response`
 * error, not `undefined` deep in a component.
 */
const RESULTS = {
  getMeta: Meta,
  createSession: AuthResponse,
  registerUser: AuthResponse,
  getMe: Profile,
  updateMe: Profile,
  getUser: Profile,
  listFollowers: pageOf(User),
  listFollowees: pageOf(User),
  followUser: Profile,
  unfollowUser: Profile,
  blockUser: Profile,
  unblockUser: Profile,
  muteUser: Profile,
  unmuteUser: Profile,
  listBlocks: pageOf(User),
  listMutes: pageOf(User),
  listUsersMatching: pageOf(Profile),
  listSuggestions: pageOf(Profile),
  putAvatar: User,
  createMedia: Media,
  createMediaUpload: MediaUploadTicket,
  postMediaComplete: Media,
  getMedia: Media,
  updateMedia: Media,
  postStatus: Status,
  getStatus: Status,
  getStatusContext: StatusContext,
  listStatusQuotes: pageOf(Status),
  getStatusDelivery: Delivery,
  getStory: pageOf(Status),
  listStatusSearch: pageOf(Status),
  listTagStatuses: pageOf(Status),
  listTrendingTags: TagTrends,
  getHomeFeed: pageOf(FeedItem),
  putStatusRepost: Status,
  deleteStatusRepost: Status,
  listStatusReposts: pageOf(User),
  putStatusReaction: Reactions,
  deleteStatusReaction: Reactions,
  listComments: pageOf(Comment),
  postComment: Comment,
  listBoards: pageOf(Board),
  getBoard: Board,
  createBoard: Board,
  updateBoard: Board,
  listBoardMembers: pageOf(Member),
  putBoardMember: Member,
  listBoardAudit: pageOf(AuditEntry),
  listMessages: pageOf(Message),
  postMessage: Message,
  putMessageReaction: Reactions,
  deleteMessageReaction: Reactions,
} satisfies Partial<Record<OperationId, z.ZodType>>;

type Checked = keyof typeof RESULTS;
/** An operation's result: the shared schema's output where the table has one, else the document's type (204s). */
export type Result<Id extends OperationId> = Id extends Checked ? z.output<(typeof RESULTS)[Id]> : OperationResult<Id>;

export function validate(id: OperationId, body: unknown): unknown {
  const schema = (RESULTS as Partial<Record<OperationId, z.ZodType>>)[id];
  if (!schema) return body;
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'does not match');
}
