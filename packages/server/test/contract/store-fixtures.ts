import type { TestContext } from 'vitest';
import type { JobQueue, JobRequest } from '../../src/ports/job-queue.js';
import type { FeedEntry, StatusRecord, Store, UserRecord } from '../../src/ports/store.js';

/** What an adapter's test hands the contract for each case: a fresh, empty store. */
export interface StoreContractHarness {
  store: Store;
  /** The queue the outbox writes to, read with `receive` when `readyJobs` is not given. */
  queue?: JobQueue;
  /** The jobs ready to run now, oldest first. */
  readyJobs?: () => Promise<{ name: string; payload: Record<string, unknown> }[]>;
  /** Faults written straight into the adapter's storage (what a crash or DynamoDB TTL leaves behind). */
  notificationFaults?: NotificationFaults;
  cleanup: () => Promise<void>;
}

export interface NotificationFaults {
  /** Moves a group's stored count by `by` without its entries (a crash between an entry write and the group's). */
  skewCount(recipient: string, groupKey: string, by: number): Promise<void>;
  /** Removes an actor entry (as DynamoDB TTL removes an entry older than the retention). */
  dropEntry(recipient: string, groupKey: string, actor: string): Promise<void>;
}

export interface StoreContractOptions {
  name: string;
  create: () => Promise<StoreContractHarness>;
  /** Test name → why this adapter skips it. */
  skip?: Partial<Record<string, string>>;
  /**
   * The adapter's batch writes cannot tell a new feed entry from a rewritten one (DynamoDB BatchWriteItem), so
   * `feeds.addMany` and `deliveries.deliverPage` return the entries written rather than the new ones.
   */
  countsRewrites?: boolean;
}

export type QueuedJob = { name: string; payload: Record<string, unknown> };

export const T0 = 1_700_000_000_000;

export function user(alias: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    alias,
    firstName: alias.toUpperCase(),
    lastName: 'Tester',
    passwordHash: `hash-of-${alias}`,
    imageKey: null,
    createdAt: T0,
    followerCount: 0,
    followeeCount: 0,
    bio: '',
    ...overrides,
  };
}

/** Status ids sort by their number, as ULIDs sort by time. */
export function sid(n: number): string {
  return `01S${String(n).padStart(8, '0')}`;
}

export function status(n: number, author: string, post = `post ${n}`): StatusRecord {
  return {
    id: sid(n),
    author,
    post,
    segments: [{ type: 'text', text: post, start: 0, end: post.length }],
    createdAt: T0 + n,
  };
}

export function entries(statusId: string, author: string, owners: readonly string[]): FeedEntry[] {
  return owners.map((owner) => ({ owner, statusId, author }));
}

export function aliases(count: number, prefix = 'f'): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
}

export function job(name: string, payload: Record<string, unknown> = {}): JobRequest {
  return { name, payload };
}

export function sortJobs(jobs: readonly QueuedJob[]): QueuedJob[] {
  return [...jobs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** What runStoreContract hands each repository's part of the contract. */
export interface CoreContractHooks {
  /** Defines a test (honouring the adapter's skip list). */
  test: (title: string, fn: (ctx: TestContext) => Promise<void>) => void;
  /** The fresh store of the running test (this object forwards to it, so parts may hold it from the start). */
  store: Store;
  options: StoreContractOptions;
  /** Checks that the outbox sent exactly these jobs (in any order) since the test began. */
  expectJobs: (ctx: TestContext, expected: readonly JobRequest[]) => Promise<void>;
  /** Creates these users (user(name)), checking that every one was new. */
  createUsers: (...names: string[]) => Promise<void>;
  /** [followerCount, followeeCount] of a user. */
  counts: (alias: string) => Promise<[number, number]>;
  /** The running test's storage faults, if the adapter gives them. */
  faults: () => NotificationFaults | undefined;
}

/** A Store that forwards every member to the store `current` returns when it is read. */
export function forwardingStore(current: () => Store): Store {
  return new Proxy({} as Store, {
    get(_target, key) {
      const store = current();
      const value: unknown = Reflect.get(store, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(store) : value;
    },
  });
}
