// What every DynamoDB repository shares: the document client, the table names, retries with backoff for
// throttling and unprocessed batch items, and the batch helpers that respect DynamoDB's per-call limits
// (BatchGetItem: 100 keys, BatchWriteItem: 25 requests). Repositories never call the batch APIs directly.

import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { TableNames } from './tables.js';

export type Item = Record<string, unknown>;
export type Key = { pk: string; sk: string };
/** One BatchWriteItem request as the document client takes it. */
export type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/** Backoff for throttling and unprocessed batch items: exponential with full jitter. */
export interface RetryPolicy {
  /** Attempts in all (the first included) before the error is thrown. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseMs: 25, maxMs: 2_000 };

/** What every DynamoDB repository is built from. */
export interface DynamoDeps {
  doc: DynamoDBDocumentClient;
  tables: TableNames;
  retry: RetryPolicy;
  /** Items per second one process may write with batch writes (fan-out); undefined: no limit. */
  writeBudget?: WriteBudget;
  /** Batch calls in flight at once per batch helper call. */
  batchConcurrency: number;
}

export interface DynamoClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Extra SDK client settings (tests add middleware through `client.middlewareStack` instead). */
  sdk?: Omit<DynamoDBClientConfig, 'region' | 'endpoint' | 'credentials'>;
}

/** A document client that drops undefined attributes (optional record fields) instead of failing. */
export function createDocumentClient(options: DynamoClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...options.sdk,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** Joins key parts with '#': `key('USER', alias)` → `USER#ann`. Every prefix is listed in docs/aws.md. */
export function key(...parts: readonly string[]): string {
  return parts.join('#');
}

const THROTTLE_ERRORS = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
]);

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : '';
}

/** DynamoDB asked us to slow down (or had a transient fault): safe to retry after a pause. */
export function isThrottle(err: unknown): boolean {
  return THROTTLE_ERRORS.has(errorName(err));
}

/** A condition expression was false: the write did not happen. */
export function isConditionFailed(err: unknown): boolean {
  return errorName(err) === 'ConditionalCheckFailedException';
}

/** Thrown when throttling outlasts the retry policy; the HTTP layer maps it to 503 + Retry-After. */
export class StoreBusyError extends Error {
  override name = 'StoreBusyError';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(message);
  }
}

/** Full-jitter delay for the given (0-based) retry. */
export function backoffMs(policy: RetryPolicy, retry: number): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.floor(Math.random() * cap);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs one DynamoDB call, retrying throttling errors with backoff; other errors pass through at once. */
export async function withRetry<T>(policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isThrottle(err)) throw err;
      if (attempt >= policy.maxAttempts) throw new StoreBusyError(`DynamoDB is throttling: ${errorName(err)}`);
      await sleep(backoffMs(policy, attempt - 1));
    }
  }
}

/** Runs `work` over `items` with at most `limit` running at once; rejects with the first error. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Reads many items by key from one table: BatchGetItem calls of at most 100 keys, `batchConcurrency` in flight,
 * UnprocessedKeys retried with backoff until read. Duplicate keys are read once. Order is not kept.
 */
export async function batchGet(
  deps: DynamoDeps,
  table: string,
  keys: readonly Key[],
  options: { consistent?: boolean } = {},
): Promise<Item[]> {
  const unique = [...new Map(keys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  const pages = await mapLimit(chunks(unique, 100), deps.batchConcurrency, async (chunk) => {
    const found: Item[] = [];
    let pending: Item[] = chunk;
    for (let retry = 0; pending.length > 0; retry++) {
      if (retry > 0) {
        if (retry >= deps.retry.maxAttempts) throw new StoreBusyError('DynamoDB left keys unprocessed too long');
        await sleep(backoffMs(deps.retry, retry - 1));
      }
      const out = await withRetry(deps.retry, () =>
        deps.doc.send(
          new BatchGetCommand({
            RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistent === true } },
          }),
        ),
      );
      found.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
    }
    return found;
  });
  return pages.flat();
}

/**
 * Writes many put/delete requests to one table: BatchWriteItem calls of at most 25, `batchConcurrency` in flight,
 * UnprocessedItems retried with exponential backoff and full jitter until written (or the policy gives up and
 * this throws: the caller's job then fails and is retried, which is safe because batch writes are idempotent).
 * The process's write budget, when set, paces the items written per second.
 */
export async function batchWrite(deps: DynamoDeps, table: string, requests: readonly WriteRequest[]): Promise<void> {
  await mapLimit(chunks(requests, 25), deps.batchConcurrency, async (chunk) => {
    let pending: WriteRequest[] = chunk;
    for (let retry = 0; pending.length > 0; retry++) {
      if (retry > 0) {
        if (retry >= deps.retry.maxAttempts) throw new StoreBusyError('DynamoDB left items unprocessed too long');
        await sleep(backoffMs(deps.retry, retry - 1));
      }
      await deps.writeBudget?.take(pending.length);
      const batch = pending;
      const out = await withRetry(deps.retry, () =>
        deps.doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } })),
      );
      pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
    }
  });
}

/**
 * Reads up to `limit` items of one Query, following LastEvaluatedKey (a page stops at 1 MB or at Limit items
 * once a filter drops some); starts after `input.ExclusiveStartKey` when given (any key: it need not exist).
 * Returns the items and whether more may follow.
 */
export async function queryUpTo(
  deps: DynamoDeps,
  input: QueryCommandInput,
  limit: number,
): Promise<{ items: Item[]; more: boolean }> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined = input.ExclusiveStartKey;
  for (;;) {
    const out = await withRetry(deps.retry, () =>
      deps.doc.send(new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: start })),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
    if (!start) return { items, more: false };
    if (items.length >= limit) return { items, more: true };
  }
}

/**
 * Paces batch writes to a number of items per second in this process (a token bucket refilled continuously),
 * so a big fan-out stays inside the table's provisioned write capacity instead of meeting throttling.
 */
export class WriteBudget {
  private tokens: number;
  private last = performance.now();
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly perSecond: number) {
    if (!(perSecond > 0)) throw new RangeError('write budget must be > 0 items/s');
    this.tokens = perSecond;
  }

  /** Resolves once `n` items may be written. Callers are served in order. */
  take(n: number): Promise<void> {
    const turn = this.queue.then(() => this.wait(n));
    this.queue = turn;
    return turn;
  }

  private async wait(n: number): Promise<void> {
    for (;;) {
      const now = performance.now();
      this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      // A request larger than a second's budget waits for a full bucket rather than forever.
      const need = Math.min(n, this.perSecond);
      if (this.tokens >= need) {
        this.tokens -= n;
        return;
      }
      await sleep(Math.ceil(((need - this.tokens) / this.perSecond) * 1000));
    }
  }
}
