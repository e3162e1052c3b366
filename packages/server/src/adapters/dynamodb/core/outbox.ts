// The transactional outbox without transactions. A write that has jobs (or follow-up writes) to do puts them on
// its own item together with a pending marker: the attributes of the sparse gsi2 partition `OUTBOX#<shard>`,
// sorted by the time of the write. The writer then does the follow-up writes, sends the jobs and clears the
// marker. A process that dies in between leaves the marker; `resendPending` (run on a schedule) finds it and
// finishes the work. Follow-up writes are idempotent and jobs may run twice, so finishing twice is harmless.

import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { JobQueue, JobRequest } from '../../../ports/job-queue.js';
import { withRetry, type DynamoDeps, type Item, type Key } from '../client.js';
import { str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';

export type OutboxKind =
  | 'status'
  | 'delete'
  | 'follow'
  | 'unfollow'
  | 'plan'
  | 'relation'
  | 'account'
  | 'repost'
  | 'unrepost'
  | 'user'
  | 'reindex'
  | 'reaction'
  | 'unreaction'
  | 'member';

/** Several partitions, so a burst of writes does not meet one hot index partition. */
const SHARDS = 4;
const PARTITION = 'OUTBOX';

/** What finishing a pending write of one kind means, besides sending its jobs. */
export interface OutboxHandler {
  /** Follow-up writes (idempotent); returns extra jobs when `recovering` (e.g. re-counts after a fault). */
  effects?(item: Item, recovering: boolean): Promise<JobRequest[]>;
  /** The last step; by default the marker is cleared (conditional on this outbox's id). */
  done?(item: Item): Promise<void>;
}

export function shardOf(pk: string): number {
  let h = 0;
  for (let i = 0; i < pk.length; i++) h = (h * 31 + pk.charCodeAt(i)) >>> 0;
  return h % SHARDS;
}

/** Attributes that mark an item as having unsent work. */
export function pendingAttributes(kind: OutboxKind, jobs: readonly JobRequest[], at: number, itemKey: Key): Item {
  return {
    obx: JSON.stringify(jobs),
    obxId: randomUUID(),
    obxKind: kind,
    [MAIN_INDEXES.gsi2.pk]: `${PARTITION}#${shardOf(itemKey.pk)}`,
    [MAIN_INDEXES.gsi2.sk]: `${String(at).padStart(15, '0')}#${itemKey.pk}#${itemKey.sk}`,
  };
}

/** The same attributes as an UpdateExpression SET clause, its names and values. */
export function pendingUpdate(pending: Item): {
  set: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(pending).map(([name, value], i) => {
    names[`#o${i}`] = name;
    values[`:o${i}`] = value;
    return `#o${i} = :o${i}`;
  });
  return { set: parts.join(', '), names, values };
}

function parseJobs(text: string): JobRequest[] {
  const value: unknown = JSON.parse(text || '[]');
  // Written by this adapter from typed JobRequests.
  return Array.isArray(value) ? (value as JobRequest[]) : [];
}

export class DynamoOutbox {
  private readonly handlers = new Map<OutboxKind, OutboxHandler>();

  constructor(
    private readonly deps: DynamoDeps,
    private readonly queue: JobQueue,
  ) {}

  handle(kind: OutboxKind, handler: OutboxHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Does what a pending item still owes: follow-up writes, the jobs, then clears its marker. */
  async finish(item: Item, recovering = false): Promise<void> {
    await this.send(item, recovering);
    const handler = this.handlers.get(str(item.obxKind) as OutboxKind);
    if (handler?.done) await handler.done(item);
    else await this.clear(item);
  }

  /**
   * The follow-up writes and the jobs, leaving the marker set: for a writer whose next conditional write on the
   * same item replaces (or removes) the marker anyway, which saves the clearing write. Until then the sweeper may
   * send the jobs again, which is safe (they are idempotent).
   */
  async send(item: Item, recovering = false): Promise<void> {
    const handler = this.handlers.get(str(item.obxKind) as OutboxKind);
    const extra = (await handler?.effects?.(item, recovering)) ?? [];
    const jobs = [...parseJobs(str(item.obx)), ...extra];
    if (jobs.length > 0) await this.queue.enqueue(jobs);
  }

  /** Removes the marker, only if it is still this outbox's (a later write may have set its own). */
  async clear(item: Item): Promise<void> {
    await updateItem(this.deps, {
      Key: { pk: str(item.pk), sk: str(item.sk) },
      UpdateExpression: 'REMOVE obx, obxId, obxKind, #g2pk, #g2sk',
      ConditionExpression: 'obxId = :id',
      ExpressionAttributeNames: { '#g2pk': MAIN_INDEXES.gsi2.pk, '#g2sk': MAIN_INDEXES.gsi2.sk },
      ExpressionAttributeValues: { ':id': item.obxId },
    });
  }

  /** The item as it is now (strongly consistent), or null. */
  async read(itemKey: Key): Promise<Item | null> {
    const out = await withRetry(this.deps.retry, () =>
      this.deps.doc.send(new GetCommand({ TableName: this.deps.tables.main, Key: itemKey, ConsistentRead: true })),
    );
    return out.Item ?? null;
  }

  /** Finishes up to `limit` writes still pending since before `before`; returns how many it finished. */
  async resendPending(before: number, limit: number): Promise<number> {
    let finished = 0;
    for (let shard = 0; shard < SHARDS && finished < limit; shard++) {
      const out = await withRetry(this.deps.retry, () =>
        this.deps.doc.send(
          new QueryCommand({
            TableName: this.deps.tables.main,
            IndexName: MAIN_INDEXES.gsi2.name,
            KeyConditionExpression: '#pk = :pk AND #sk < :before',
            ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi2.pk, '#sk': MAIN_INDEXES.gsi2.sk },
            ExpressionAttributeValues: { ':pk': `${PARTITION}#${shard}`, ':before': String(before).padStart(15, '0') },
            Limit: limit - finished,
          }),
        ),
      );
      for (const seen of out.Items ?? []) {
        // The index lags: act on the item as it is now, and only if this very outbox is still pending.
        const item = await this.read({ pk: str(seen.pk), sk: str(seen.sk) });
        if (!item || item.obxId !== seen.obxId) continue;
        await this.finish(item, true);
        finished++;
      }
    }
    return finished;
  }
}
