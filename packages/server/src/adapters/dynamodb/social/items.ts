// Single-item calls shared by the social repositories: every one retried on throttling (client.ts), and
// conditional writes reported as a boolean instead of an exception.

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type PutCommandInput,
  type QueryCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../../ports/clock.js';
import type { DynamoOutbox } from '../core/outbox.js';
import type { CountTarget } from '../../../ports/store.js';
import { isConditionFailed, withRetry, type DynamoDeps, type Item, type Key } from '../client.js';

/** What the social repositories are built from. */
export interface DynamoSocialDeps extends DynamoDeps {
  /** Whether a status exists (strongly consistent): reactions and comments are kept only on live statuses. */
  statusExists: (statusId: string) => Promise<boolean>;
  /** Decides when a board message still being written is given up on (default: the system clock). */
  clock?: Clock;
  /**
   * Told when a count could not follow the item it counts (the item was written, its ADD failed), e.g. to enqueue
   * `counts.reconcile` for the target. Best effort: a process that dies in between tells nobody.
   */
  countDrifted?: (target: CountTarget) => Promise<void>;
  /** Where a reaction's notification job waits until sent (core/outbox.ts); unset: sent right after the write. */
  outbox?: DynamoOutbox;
}

/**
 * Runs the ADD that follows an item write; if it fails, reports the target as drifted (best effort) before the
 * error goes on, so the count is re-counted instead of staying off.
 */
export async function counted<T>(deps: DynamoSocialDeps, target: CountTarget, add: () => Promise<T>): Promise<T> {
  try {
    return await add();
  } catch (err) {
    await deps.countDrifted?.(target).catch(() => undefined);
    throw err;
  }
}

/** A strongly consistent GetItem on the main table. */
export async function getItem(deps: DynamoDeps, key: Key): Promise<Item | null> {
  const out = await withRetry(deps.retry, () =>
    deps.doc.send(new GetCommand({ TableName: deps.tables.main, Key: key, ConsistentRead: true })),
  );
  return out.Item ?? null;
}

/** PutItem on the main table; false when its condition was false (nothing written). */
export async function putItem(
  deps: DynamoDeps,
  input: Omit<PutCommandInput, 'TableName'>,
  options: { abortSignal?: AbortSignal } = {},
): Promise<boolean> {
  try {
    await withRetry(deps.retry, () =>
      deps.doc.send(new PutCommand({ TableName: deps.tables.main, ...input }), options),
    );
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw err;
  }
}

/** Puts an item only where none has its key. */
export function putNew(deps: DynamoDeps, item: Item): Promise<boolean> {
  return putItem(deps, { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
}

/** UpdateItem on the main table; null when its condition was false, else the attributes asked for. */
export async function updateItem(deps: DynamoDeps, input: Omit<UpdateCommandInput, 'TableName'>): Promise<Item | null> {
  try {
    const out = await withRetry(deps.retry, () =>
      deps.doc.send(new UpdateCommand({ TableName: deps.tables.main, ...input })),
    );
    return out.Attributes ?? {};
  } catch (err) {
    if (isConditionFailed(err)) return null;
    throw err;
  }
}

/** DeleteItem on the main table; null when its condition was false, else the item as it was (if asked). */
export async function deleteItem(deps: DynamoDeps, input: Omit<DeleteCommandInput, 'TableName'>): Promise<Item | null> {
  try {
    const out = await withRetry(deps.retry, () =>
      deps.doc.send(new DeleteCommand({ TableName: deps.tables.main, ...input })),
    );
    return out.Attributes ?? {};
  } catch (err) {
    if (isConditionFailed(err)) return null;
    throw err;
  }
}

/** Adds `by` to a numeric attribute of an existing item (never creating one); the new value, or null. */
export async function addToExisting(deps: DynamoDeps, key: Key, attribute: string, by: number): Promise<number | null> {
  const out = await updateItem(deps, {
    Key: key,
    UpdateExpression: 'ADD #a :by',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#a': attribute },
    ExpressionAttributeValues: { ':by': by },
    ReturnValues: 'UPDATED_NEW',
  });
  return out ? num(out[attribute]) : null;
}

/**
 * Every item of a strongly consistent Query on the main table, page after page, with the count of matches. For
 * reconciliation and purges (bounded by the items of one partition), never for a request.
 */
export async function queryAll(
  deps: DynamoDeps,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'ConsistentRead'>,
): Promise<{ items: Item[]; count: number }> {
  const items: Item[] = [];
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await withRetry(deps.retry, () =>
      deps.doc.send(
        new QueryCommand({ TableName: deps.tables.main, ConsistentRead: true, ...input, ExclusiveStartKey: start }),
      ),
    );
    items.push(...(out.Items ?? []));
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return { items, count };
}

export function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** Attributes stored on every item that are keys, not record fields. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;
