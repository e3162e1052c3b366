import type {
  AuditRepo,
  BoardRepo,
  CommentRepo,
  MemberRepo,
  MessageRepo,
  QuoteRepo,
  ReactionRepo,
} from '../../../ports/store.js';
import { createDynamoAuditRepo } from './audit-repo.js';
import { createDynamoBoardsRepo } from './boards-repo.js';
import { createDynamoCommentsRepo } from './comments-repo.js';
import type { DynamoSocialDeps } from './items.js';
import { createDynamoMembersRepo } from './members-repo.js';
import { createDynamoMessagesRepo } from './messages-repo.js';
import { createDynamoQuotesRepo } from './quotes-repo.js';
import { createDynamoReactionsRepo } from './reactions-repo.js';

export type { DynamoSocialDeps } from './items.js';

export interface DynamoSocialRepos {
  boards: BoardRepo;
  members: MemberRepo;
  messages: MessageRepo;
  reactions: ReactionRepo;
  comments: CommentRepo;
  audit: AuditRepo;
  quotes: QuoteRepo;
}

/**
 * The social repositories on the main table (key prefixes in keys.ts and docs/aws.md). `deps.statusExists` is
 * the core store's strongly consistent status lookup: reactions and comments are kept only on live statuses.
 */
export function createDynamoSocialRepos(deps: DynamoSocialDeps): DynamoSocialRepos {
  return {
    boards: createDynamoBoardsRepo(deps),
    members: createDynamoMembersRepo(deps),
    messages: createDynamoMessagesRepo(deps),
    reactions: createDynamoReactionsRepo(deps),
    comments: createDynamoCommentsRepo(deps),
    audit: createDynamoAuditRepo(deps),
    quotes: createDynamoQuotesRepo(deps),
  };
}
