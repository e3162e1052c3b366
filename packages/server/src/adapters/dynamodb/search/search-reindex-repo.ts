import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRequest } from '../../../ports/job-queue.js';
import type { ReindexKind, ReindexPage, SearchReindexRepo } from '../../../ports/search-reindex.js';
import { key, withRetry, type DynamoDeps, type Item, type Key } from '../client.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from '../core/outbox.js';
import { toRecord as statusRecord } from '../core/statuses-repo.js';
import { statusKey } from '../core/keys.js';
import { toRecord as userRecord } from '../core/users-repo.js';
import { getItem, num, putItem, str, updateItem } from '../social/items.js';

// REINDEX#<kind> / STATE: the run of one kind: its id, the cursor (a scan position, as JSON) its next step starts
// after, done, rows read; with the next step's job as its outbox (sent after the update, re-sent by the sweeper).
const stateKey = (kind: ReindexKind): Key => ({ pk: key('REINDEX', kind), sk: 'STATE' });

/** What a scan keeps of each kind: status items and user profiles. */
const SCANNED = {
  statuses: { pk: 'STATUS#', sk: 'STATUS' },
  people: { pk: 'USER#', sk: 'PROFILE' },
} as const;

/** A cursor this adapter wrote (a scan's LastEvaluatedKey); anything else reads from the start. */
function startKey(cursor: string | null): Key | undefined {
  if (cursor === null) return undefined;
  const value: unknown = JSON.parse(cursor);
  if (typeof value !== 'object' || value === null) return undefined;
  const { pk, sk } = value as Record<string, unknown>;
  return typeof pk === 'string' && typeof sk === 'string' ? { pk, sk } : undefined;
}

/**
 * The search reindex on DynamoDB: a paginated Scan of the main table (every item is read once per run and kind:
 * its cost is the table's size, see docs/aws.md), and a state item moved by conditional updates.
 */
export function createDynamoSearchReindexRepo(
  deps: DynamoDeps,
  outbox: DynamoOutbox,
  now: () => number,
): SearchReindexRepo {
  async function scan(kind: ReindexKind, after: string | null, limit: number): Promise<ReindexPage<Item>> {
    const wanted = SCANNED[kind];
    const start = startKey(after);
    const out = await withRetry(deps.retry, () =>
      deps.doc.send(
        new ScanCommand({
          TableName: deps.tables.main,
          Limit: limit,
          FilterExpression: 'sk = :sk AND begins_with(pk, :pk)',
          ExpressionAttributeValues: { ':sk': wanted.sk, ':pk': wanted.pk },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      ),
    );
    const last = out.LastEvaluatedKey;
    return {
      items: out.Items ?? [],
      read: out.ScannedCount ?? 0,
      next: last ? JSON.stringify({ pk: str(last.pk), sk: str(last.sk) }) : null,
    };
  }

  function stateWrite(kind: ReindexKind, item: Item, job: JobRequest | null): Item {
    return job ? { ...item, ...pendingAttributes('reindex', [job], now(), stateKey(kind)) } : item;
  }

  return {
    async statuses(after, limit) {
      const page = await scan('statuses', after, limit);
      // A status whose delete is under way (its outbox marker says so) counts as gone.
      const items = page.items.filter((item) => item.obxKind !== 'delete').map(statusRecord);
      return { ...page, items };
    },
    async users(after, limit) {
      const page = await scan('people', after, limit);
      return { ...page, items: page.items.map(userRecord) };
    },
    async setSegments(statusId, segments) {
      const out = await updateItem(deps, {
        Key: statusKey(statusId),
        UpdateExpression: 'SET #segments = :s',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(obxKind) OR obxKind <> :del)',
        ExpressionAttributeNames: { '#segments': 'segments' },
        ExpressionAttributeValues: { ':s': JSON.stringify(segments), ':del': 'delete' },
      });
      return out !== null;
    },
    async state(kind) {
      const item = await getItem(deps, stateKey(kind));
      if (!item) return null;
      return {
        run: str(item.run),
        cursor: typeof item.cursor === 'string' ? item.cursor : null,
        done: item.done === true,
        read: num(item.read),
        startedAt: num(item.startedAt),
      };
    },
    async start(kind, run, at, first) {
      const item = stateWrite(kind, { ...stateKey(kind), run, done: false, read: 0, startedAt: at }, first);
      await putItem(deps, { Item: item });
      if (first) await outbox.finish(item);
    },
    async advance(kind, move, next) {
      const pending = next ? pendingUpdate(pendingAttributes('reindex', [next], now(), stateKey(kind))) : null;
      const set = ['done = :done', ...(move.to === null ? [] : ['#cursor = :to']), ...(pending ? [pending.set] : [])];
      const out = await updateItem(deps, {
        Key: stateKey(kind),
        UpdateExpression: `SET ${set.join(', ')} ADD #read :read${move.to === null ? ' REMOVE #cursor' : ''}`,
        ConditionExpression: `#run = :run AND done = :false AND ${
          move.from === null ? 'attribute_not_exists(#cursor)' : '#cursor = :from'
        }`,
        ExpressionAttributeNames: { '#cursor': 'cursor', '#read': 'read', '#run': 'run', ...pending?.names },
        ExpressionAttributeValues: {
          ':done': move.to === null,
          ':false': false,
          ':run': move.run,
          ':read': move.read,
          ...(move.to === null ? {} : { ':to': move.to }),
          ...(move.from === null ? {} : { ':from': move.from }),
          ...pending?.values,
        },
        ReturnValues: 'ALL_NEW',
      });
      if (out === null) return false;
      if (next) await outbox.finish(out);
      return true;
    },
  };
}
