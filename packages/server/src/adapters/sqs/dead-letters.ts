// Dead jobs of the SQS queue, kept as items in the DynamoDB main table: SQS itself cannot list a dead-letter queue,
// attach an error to a message or take one message out by id, and `tweeter dlq list|redrive` needs all three.
// Items: pk `DEADJOB`, sk `<job id>` (ids sort by enqueue time). Dead jobs are rare, so one partition holds them.

import {
  BatchGetCommand,
  DeleteCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { DeadJob } from '../../ports/job-queue.js';
import { DEFAULT_RETRY, isConditionFailed, withRetry } from '../dynamodb/client.js';

const PK = 'DEADJOB';

export interface DeadRecord extends DeadJob {
  /** The stage queue it came from, where a redrive sends it back. */
  queue: string;
}

/** The dead-letter records in one table. */
export class DeadLetterRecords {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Records a dead job once: a second put of the same id (a redelivered DLQ message) changes nothing. */
  async put(record: DeadRecord): Promise<void> {
    try {
      await withRetry(DEFAULT_RETRY, () =>
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              pk: PK,
              sk: record.id,
              name: record.name,
              payload: JSON.stringify(record.payload),
              attempts: record.attempts,
              lastError: record.lastError,
              enqueuedAt: record.enqueuedAt,
              diedAt: record.diedAt,
              queue: record.queue,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  }

  /** Records in id order after `after`, at most `limit`. */
  async page(limit: number, after?: string): Promise<DeadRecord[]> {
    if (limit < 1) return [];
    const out: DeadRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await withRetry(DEFAULT_RETRY, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: after === undefined ? 'pk = :pk' : 'pk = :pk AND sk > :after',
            ExpressionAttributeValues: { ':pk': PK, ...(after === undefined ? {} : { ':after': after }) },
            Limit: limit - out.length,
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      for (const item of page.Items ?? []) out.push(fromItem(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && out.length < limit);
    return out;
  }

  /** The records with these ids (missing ones left out). */
  async get(ids: readonly string[]): Promise<DeadRecord[]> {
    const out: DeadRecord[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ pk: PK, sk: id }));
      for (let round = 0; keys.length > 0; round += 1) {
        if (round > 20) throw new Error('DynamoDB left keys unprocessed for 20 rounds');
        const res = await withRetry(DEFAULT_RETRY, () =>
          this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } })),
        );
        for (const item of res.Responses?.[this.table] ?? []) out.push(fromItem(item));
        keys = res.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return out;
  }

  /** Removes a record; true when it was there (so two redrives count a job once). */
  async remove(id: string): Promise<boolean> {
    const res = await withRetry(DEFAULT_RETRY, () =>
      this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: PK, sk: id }, ReturnValues: 'ALL_OLD' })),
    );
    return res.Attributes !== undefined;
  }

  /** How many records there are (a paged COUNT query: for stats, not for the request path). */
  async count(): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await withRetry(DEFAULT_RETRY, () =>
        this.doc.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': PK },
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }
}

function fromItem(item: Record<string, unknown>): DeadRecord {
  return {
    id: String(item['sk']),
    name: String(item['name']),
    payload: JSON.parse(String(item['payload'])) as Record<string, unknown>,
    attempts: Number(item['attempts']),
    lastError: String(item['lastError']),
    enqueuedAt: Number(item['enqueuedAt']),
    diedAt: Number(item['diedAt']),
    queue: String(item['queue']),
  };
}
