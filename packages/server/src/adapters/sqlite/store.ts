import type { Clock } from '../../ports/clock.js';
import { createAccountDeletionsRepo } from './account-deletions-repo.js';
import type { Store } from '../../ports/store.js';
import { createAuditRepo } from './audit-repo.js';
import { createBoardsRepo } from './boards-repo.js';
import { createCardsRepo } from './cards-repo.js';
import { createCommentsRepo } from './comments-repo.js';
import type { Db } from './database.js';
import { createDeliveriesRepo } from './deliveries-repo.js';
import { createFeedsRepo } from './feeds-repo.js';
import { createFollowsRepo } from './follows-repo.js';
import type { ReadySignal } from './jobs-table.js';
import { createMediaRepo } from './media-repo.js';
import { createMembersRepo } from './members-repo.js';
import { createSqlitePeopleIndex } from './people-index.js';
import { createMessagesRepo } from './messages-repo.js';
import { createNotificationsRepo } from './notifications-repo.js';
import { createQuotesRepo } from './quotes-repo.js';
import { createStatusCountsReader } from './status-counts-repo.js';
import { createRepostRowChecksReader } from './repost-row-checks.js';
import { createProfileSliceReader } from './profile-slice.js';
import { createReactionsRepo } from './reactions-repo.js';
import { createRelationsRepo } from './relations-repo.js';
import { createRepostsRepo } from './reposts-repo.js';
import { createSessionsRepo } from './sessions-repo.js';
import { createStatusesRepo } from './statuses-repo.js';
import { createSqliteStatusSearchRepo } from './status-search-repo.js';
import { createSqliteSearchReindexRepo } from './search-reindex-repo.js';
import { createUsersRepo } from './users-repo.js';

export interface SqliteStoreOptions {
  clock: Clock;
  /** Notified after a write that committed outbox jobs, so in-process workers wake up. */
  signal: ReadySignal;
}

/** The Store over one SQLite database (already migrated); outbox jobs go to the jobs table of the same file. */
export function createSqliteStore(db: Db, options: SqliteStoreOptions): Store {
  // Repos run their write transactions with BEGIN IMMEDIATE: a read-then-write transaction that waited for
  // the lock only at its first write could fail with SQLITE_BUSY when a worker connection wrote meanwhile.
  const ping = db.prepare('SELECT 1');
  return {
    users: createUsersRepo(db, options),
    sessions: createSessionsRepo(db),
    follows: createFollowsRepo(db, options),
    statuses: createStatusesRepo(db, options),
    feeds: createFeedsRepo(db),
    deliveries: createDeliveriesRepo(db, options),
    boards: createBoardsRepo(db),
    members: createMembersRepo(db, options),
    messages: createMessagesRepo(db),
    reactions: createReactionsRepo(db, options),
    comments: createCommentsRepo(db),
    audit: createAuditRepo(db),
    relations: createRelationsRepo(db, options),
    cards: createCardsRepo(db),
    deletions: createAccountDeletionsRepo(db, options),
    media: createMediaRepo(db),
    search: createSqliteStatusSearchRepo(db),
    reposts: createRepostsRepo(db, options),
    people: createSqlitePeopleIndex(db),
    reindex: createSqliteSearchReindexRepo(db, options),
    notifications: createNotificationsRepo(db),
    quotes: createQuotesRepo(db),
    statusCounts: createStatusCountsReader(db),
    repostRowChecks: createRepostRowChecksReader(db),
    profileSlices: createProfileSliceReader(db),
    async resendPending() {
      return 0; // outbox jobs commit in the same transaction as their write: nothing is ever pending
    },
    async ping() {
      ping.get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
