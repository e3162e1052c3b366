import type { JobQueue } from '../../ports/job-queue.js';
import type { Store } from '../../ports/store.js';
import type { WritePriority } from './writer.js';

/** The parts of the store (and the queue) whose methods can be routed to the writer. */
export type WriteTarget = Exclude<keyof Store, 'resendPending' | 'ping' | 'close'> | 'queue';

/**
 * The methods that only read: they run on the caller's own connection. Every other method is a write and goes to the
 * writer, so a write method added later is routed there by default (and on a read-only connection, where a write
 * would fail with SQLITE_READONLY, nothing can slip past it).
 */
const READS: Readonly<Record<WriteTarget, readonly string[]>> = {
  users: ['get', 'getMany', 'pulledAccounts'],
  sessions: ['get', 'getWithOwner'],
  follows: ['exists', 'existing', 'followers', 'followees'],
  statuses: ['get', 'getMany', 'replyParents', 'byAuthor', 'postsByAuthor', 'wasDeleted'],
  feeds: ['page', 'pageCounted', 'presence', 'pastBound'],
  deliveries: ['get'],
  boards: ['get', 'getMany', 'publicBoards', 'withRetention'],
  members: ['get', 'rolesOf', 'list', 'boardsOf'],
  messages: ['get', 'page', 'idsBefore'],
  reactions: ['counts', 'mine', 'byUser'],
  comments: ['get', 'list', 'counts', 'byAuthor', 'placesUp', 'placesDown'],
  audit: ['list'],
  relations: ['existing', 'around', 'ownersAmong', 'targets', 'owners'],
  cards: ['get', 'getMany'],
  deletions: ['get', 'expired', 'messagesBy'],
  media: ['get', 'unattachedBefore', 'byOwner'],
  search: ['search', 'trends', 'size'],
  reposts: ['get', 'standing', 'byStatus', 'byReposter', 'counts', 'mine'],
  people: ['match', 'candidates', 'popular'],
  reindex: ['statuses', 'users', 'state'],
  notifications: ['page', 'get', 'unreadCount'],
  quotes: ['list', 'counts'],
  statusCounts: ['read'],
  repostRowChecks: ['read'],
  profileSlices: ['read'],
  queue: ['stats', 'listDead', 'onReady', 'releaseLeases'],
};

/**
 * Writes that may wait behind interactive ones: fan-out pages, feed purges and backfills, sweeps, and the job queue's
 * own bookkeeping (leases and acks). The rest (a post with its outbox job, a follow, a reaction) goes first.
 */
const BULK: Readonly<Partial<Record<WriteTarget, readonly string[] | 'all'>>> = {
  feeds: 'all',
  deliveries: 'all',
  cards: 'all',
  search: 'all',
  sessions: ['deleteExpired'],
  statuses: ['deleteExpiredKeys'],
  media: ['deleteUnattached', 'remove'],
  reposts: ['addToFeeds', 'removeFromFeeds'],
  messages: ['deleteMany'],
  reactions: ['purge', 'recount'],
  comments: ['purgeStatus', 'recount'],
  members: ['recount'],
  quotes: ['recount'],
  follows: ['recount'],
  people: ['putMany'],
  reindex: 'all',
  deletions: ['advance', 'release', 'transferBoard', 'deleteBoard'],
  notifications: ['removeRecipient', 'removeActor', 'deleteOlderThan'],
  queue: ['receive', 'ack', 'ackBatch', 'ackAndReceive', 'fail', 'extend', 'release'],
};

const TARGETS = Object.keys(READS) as WriteTarget[];

function priorityOf(target: WriteTarget, method: string): WritePriority {
  const bulk = BULK[target];
  return bulk === 'all' || bulk?.includes(method) ? 'bulk' : 'interactive';
}

/** Sends one write: `call` runs the method of the unrouted store (here, or on the writer's thread). */
export type WriteRoute = (
  target: WriteTarget,
  method: string,
  args: unknown[],
  priority: WritePriority,
  call: () => Promise<unknown>,
) => Promise<unknown>;

/** A copy of `part` whose write methods go through `route` and whose reads call `part` directly. */
function routed<T extends object>(target: WriteTarget, part: T, route: WriteRoute): T {
  const reads = new Set(READS[target]);
  const copy: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(part)) {
    if (typeof value !== 'function' || reads.has(name)) {
      copy[name] = typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(part) : value;
      continue;
    }
    const method = value as (...a: unknown[]) => Promise<unknown>;
    const priority = priorityOf(target, name);
    copy[name] = (...args: unknown[]) => route(target, name, args, priority, () => method.apply(part, args));
  }
  return copy as T;
}

/** The store and queue with every write going through `route`. */
export function routeWrites<S extends Store, Q extends JobQueue>(
  store: S,
  queue: Q,
  route: WriteRoute,
): { store: S; queue: Q } {
  const parts: Record<string, unknown> = { ...(store as object) };
  for (const target of TARGETS) {
    const part = target === 'queue' ? undefined : store[target];
    if (part !== undefined) parts[target] = routed(target, part, route); // an optional part a store may not have
  }
  return { store: parts as S, queue: routed('queue', queue, route) };
}

/** Runs a write received from another thread on this thread's (routed) store and queue. */
export function dispatchWrite(
  parts: { store: Store; queue: JobQueue },
  target: string,
  method: string,
  args: unknown[],
): Promise<unknown> {
  if (!(TARGETS as string[]).includes(target) || READS[target as WriteTarget].includes(method)) {
    return Promise.reject(new Error(`not a write: ${target}.${method}`));
  }
  const part: unknown = target === 'queue' ? parts.queue : parts.store[target as Exclude<WriteTarget, 'queue'>];
  const fn: unknown = (part as Record<string, unknown>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`no such write: ${target}.${method}`));
  return (fn as (...a: unknown[]) => Promise<unknown>).apply(part, args);
}
