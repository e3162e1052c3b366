import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../ports/clock.js';
import type { JobQueue } from '../../ports/job-queue.js';
import type { Store } from '../../ports/store.js';
import { DEFAULT_RETRY, withRetry, WriteBudget, type DynamoDeps, type RetryPolicy } from './client.js';
import { createDynamoCardsRepo } from './cards/cards-repo.js';
import { createDynamoAccountDeletionsRepo } from './core/account-deletions-repo.js';
import { createDynamoDeliveriesRepo } from './core/deliveries-repo.js';
import { createDynamoFeedsRepo } from './core/feeds-repo.js';
import { createDynamoFollowsRepo } from './core/follows-repo.js';
import { createDynamoMediaRepo } from './core/media-repo.js';
import { createDynamoPeopleIndex } from './core/people-index.js';
import { createDynamoNotificationsRepo } from './notifications/notifications-repo.js';
import { DynamoOutbox } from './core/outbox.js';
import { createDynamoRelationsRepo } from './core/relations-repo.js';
import { createDynamoRepostsRepo } from './core/reposts-repo.js';
import { createDynamoSessionsRepo } from './core/sessions-repo.js';
import { createDynamoStatusesRepo } from './core/statuses-repo.js';
import { createDynamoUsersRepo } from './core/users-repo.js';
import { createDynamoStatusSearchRepo } from './search/status-search-repo.js';
import { createDynamoSearchReindexRepo } from './search/search-reindex-repo.js';
import { statusKey } from './core/keys.js';
import { getItem } from './social/items.js';
import { createDynamoSocialRepos } from './social/index.js';
import { placeComment } from './social/comments-repo.js';
import type { TableNames } from './tables.js';

export interface DynamoStoreOptions {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  /** Where outbox jobs go (SQS in the AWS shape): sent right after their write, re-sent by the sweeper. */
  queue: JobQueue;
  clock: Clock;
  retry?: RetryPolicy;
  /** Feed entries per second one process may write (DYNAMODB_WRITE_BUDGET); unset: as fast as DynamoDB takes. */
  writeBudget?: number;
  /**
   * BatchWriteItem / BatchGetItem calls in flight per batch operation (default 16: a fan-out page of 2,500 is 100
   * calls, and fewer in flight leave DynamoDB idle between round trips).
   */
  batchConcurrency?: number;
  /**
   * How old this process's copy of the PULLED registry may be, in ms (default PULLED_REGISTRY_TTL_MS, 10 s; 0: read
   * it on every feed page). Another process's newly pulled account shows in feeds read here up to this late.
   */
  pulledRegistryTtlMs?: number;
  /** How long notifications are kept (NOTIFICATION_RETENTION_DAYS): their items' `ttl`. Default 90 days. */
  notificationRetentionMs?: number;
}

const DEFAULT_NOTIFICATION_RETENTION_MS = 90 * 86_400_000;

/** The Store over DynamoDB: the core repositories and the social ones, on the tables of tables.ts. */
export function createDynamoStore(options: DynamoStoreOptions): Store {
  const deps: DynamoDeps = {
    doc: options.doc,
    tables: options.tables,
    retry: options.retry ?? DEFAULT_RETRY,
    batchConcurrency: options.batchConcurrency ?? 16,
    ...(options.writeBudget ? { writeBudget: new WriteBudget(options.writeBudget) } : {}),
  };
  const now = () => options.clock.now();
  const outbox = new DynamoOutbox(deps, options.queue);
  const socialDeps = {
    ...deps,
    clock: options.clock,
    outbox,
    statusExists: async (id: string) => {
      const item = await getItem(deps, statusKey(id));
      return item !== null && item.obxKind !== 'delete';
    },
  };
  const social = createDynamoSocialRepos(socialDeps);
  const statuses = createDynamoStatusesRepo(
    deps,
    outbox,
    now,
    (place, placing) => placeComment(socialDeps, place, placing),
    (edge) => social.quotes.add(edge),
  );
  const follows = createDynamoFollowsRepo(deps, outbox, now);
  let closed = false;
  return {
    users: createDynamoUsersRepo(deps, outbox, {
      now,
      ...(options.pulledRegistryTtlMs === undefined ? {} : { pulledRegistryTtlMs: options.pulledRegistryTtlMs }),
    }),
    sessions: createDynamoSessionsRepo(deps),
    follows,
    statuses,
    feeds: createDynamoFeedsRepo(deps),
    deliveries: createDynamoDeliveriesRepo(deps, outbox, now, follows.followers),
    ...social,
    relations: createDynamoRelationsRepo(deps, outbox, now),
    cards: createDynamoCardsRepo(deps),
    deletions: createDynamoAccountDeletionsRepo(deps, outbox, now),
    media: createDynamoMediaRepo(deps),
    search: createDynamoStatusSearchRepo(deps),
    reposts: createDynamoRepostsRepo(deps, outbox, now),
    people: createDynamoPeopleIndex(deps),
    reindex: createDynamoSearchReindexRepo(deps, outbox, now),
    notifications: createDynamoNotificationsRepo(deps, {
      retentionMs: options.notificationRetentionMs ?? DEFAULT_NOTIFICATION_RETENTION_MS,
      now,
    }),
    resendPending: (before, limit) => outbox.resendPending(before, limit),
    async ping() {
      await withRetry(deps.retry, () =>
        deps.doc.send(new GetCommand({ TableName: deps.tables.main, Key: { pk: 'PING', sk: 'PING' } })),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      deps.doc.destroy();
    },
  };
}
