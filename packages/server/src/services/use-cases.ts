import type { AccountService } from './accounts.js';
import type { BoardService } from './boards.js';
import type { CommentService } from './comments.js';
import type { ExportService } from './export.js';
import type { FeedService } from './feeds.js';
import type { FollowService } from './follows.js';
import type { DirectUploads } from './media-direct.js';
import type { MediaService } from './media.js';
import type { MessageService } from './messages.js';
import type { PeopleSearchService } from './people-search.js';
import type { SuggestionService } from './suggestions.js';
import type { NotificationService } from './notifications.js';
import type { ReactionService } from './reactions.js';
import type { RepostService } from './reposts.js';
import type { SafetyService } from './safety.js';
import type { SessionService } from './sessions.js';
import type { StatusService } from './statuses.js';
import type { StatusSearchService } from './status-search.js';
import type { ThreadService } from './threads.js';
import type { UserService } from './users.js';

/** Every use case of the server, one service per resource: what the routes and the live-stream protocol call. */
export interface Services {
  sessions: SessionService;
  users: UserService;
  media: MediaService;
  /** Large uploads straight to S3 (AWS); refuses with 404 where not offered. */
  directUploads: DirectUploads;
  follows: FollowService;
  statuses: StatusService;
  /** Threads (context) and quotes. */
  threads: ThreadService;
  feeds: FeedService;
  /** Status search, hashtag pages, trends. */
  statusSearch: StatusSearchService;
  boards: BoardService;
  messages: MessageService;
  reactions: ReactionService;
  reposts: RepostService;
  comments: CommentService;
  safety: SafetyService;
  accounts: AccountService;
  exports: ExportService;
  /** GET /search/users. */
  peopleSearch: PeopleSearchService;
  /** GET /me/suggestions. */
  suggestions: SuggestionService;
  notifications: NotificationService;
}
