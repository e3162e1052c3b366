import { sequencedId } from '../../../domain/message-ids.js';
import { systemClock } from '../../../ports/clock.js';
import type { MessageRange, MessageRecord, MessageRepo } from '../../../ports/store.js';
import { mapLimit, queryUpTo, StoreBusyError, type Item } from '../client.js';
import { writeAudit } from './audit-repo.js';
import { authoredBy, messageKey, messagesOf, sequenceKey } from './keys.js';
import { deleteItem, getItem, num, putItem, str, updateItem, type DynamoSocialDeps } from './items.js';
import { lowestPendingGap, SETTLE_MS, settledAscending, WRITE_BUDGET_MS, type Sequenced } from './message-order.js';

type MessageItem = MessageRecord & Sequenced;

/** Tries to write one message before giving up (each try takes a new number; the old one becomes a settled gap). */
const CREATE_TRIES = 3;
/** Newest-first pages re-read below a pending gap at most this many times. */
const GAP_REREADS = 3;

/**
 * A board's timeline on DynamoDB: partition `MSGS#<board>`, sort key the message id. Ids come from the board's
 * sequence (`ADD msgSeq` on its `MSGSEQ#<board>` item, which also keeps the newest message time, so ids sort by
 * time too);
 * reads stop before a number still being written (message-order.ts), so `after` polling never skips a message.
 */
export function createDynamoMessagesRepo(deps: DynamoSocialDeps): MessageRepo {
  const clock = deps.clock ?? systemClock;
  // The put of a numbered message must land within WRITE_BUDGET_MS, so it retries throttling briefly only.
  const putDeps = { ...deps, retry: { maxAttempts: 4, baseMs: 25, maxMs: 400 } };

  /**
   * Takes the board's next sequence number; the id's time never goes below an earlier message's. The board's
   * existence is the service's check (it reads the board to authorize the post).
   */
  const allocate = async (boardId: string, time: number): Promise<{ seq: number; time: number }> => {
    const forward = await updateItem(deps, {
      Key: sequenceKey(boardId),
      UpdateExpression: 'SET msgTime = :t ADD msgSeq :one',
      ConditionExpression: 'attribute_not_exists(msgTime) OR msgTime <= :t',
      ExpressionAttributeValues: { ':t': time, ':one': 1 },
      ReturnValues: 'ALL_NEW',
    });
    if (forward) return { seq: num(forward.msgSeq), time };
    // Our clock is behind the board's newest message: keep the board's time.
    const kept = await updateItem(deps, {
      Key: sequenceKey(boardId),
      UpdateExpression: 'ADD msgSeq :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    });
    return { seq: num(kept?.msgSeq), time: num(kept?.msgTime) };
  };

  const query = async (boardId: string, range: MessageRange): Promise<MessageItem[]> => {
    const { after, since, before } = range;
    const useAfter = after !== undefined && (since === undefined || after >= since);
    const lo = useAfter ? after : since;
    if (lo !== undefined && before !== undefined && lo > before) return [];
    const condition =
      lo !== undefined && before !== undefined
        ? 'pk = :pk AND sk BETWEEN :lo AND :hi'
        : lo !== undefined
          ? 'pk = :pk AND sk >= :lo'
          : before !== undefined
            ? 'pk = :pk AND sk <= :hi'
            : 'pk = :pk';
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        KeyConditionExpression: condition,
        ExpressionAttributeValues: {
          ':pk': messagesOf(boardId),
          ...(lo !== undefined ? { ':lo': lo } : {}),
          ...(before !== undefined ? { ':hi': before } : {}),
        },
        ScanIndexForward: range.order === 'asc',
        ConsistentRead: true,
      },
      range.limit + 2, // the inclusive key condition may return both exclusive bounds
    );
    return items
      .map(toItem)
      .filter((m) => m.id !== before && !(useAfter && m.id === after) && (lo === undefined || m.id >= lo));
  };

  return {
    async create(draft) {
      for (let attempt = 0; attempt < CREATE_TRIES; attempt++) {
        const asked = clock.now();
        const { seq, time } = await allocate(draft.boardId, draft.createdAt);
        const allocatedAt = clock.now();
        const record: MessageRecord = { ...draft, id: sequencedId(time, seq) };
        if (allocatedAt - asked > WRITE_BUDGET_MS) continue; // too late: readers may soon pass this number
        const item = {
          ...messageKey(draft.boardId, record.id),
          ...authoredBy('M', record.author, `${record.boardId}#${record.id}`),
          ...record,
          seq,
          allocatedAt,
        };
        // Bounded by the time left before readers may give the number up (whatever the client's own timeout).
        const left = SETTLE_MS - (clock.now() - asked) - WRITE_BUDGET_MS / 2;
        const abortSignal = AbortSignal.timeout(Math.max(1, left));
        try {
          await putItem(putDeps, { Item: item }, { abortSignal });
        } catch (err) {
          if (abortSignal.aborted) throw new StoreBusyError('a board message took too long to write');
          throw err;
        }
        return record;
      }
      throw new StoreBusyError('board messages could not be written in time');
    },
    async get(boardId, id) {
      const item = await getItem(deps, messageKey(boardId, id));
      return item ? toRecord(item) : null;
    },
    async page(boardId, range) {
      const now = clock.now();
      if (range.order === 'asc') {
        const base = range.after !== undefined && (range.since === undefined || range.after >= range.since);
        const rows = settledAscending(await query(boardId, range), base ? range.after : undefined, now);
        return rows.slice(0, range.limit).map(unordered);
      }
      let rows = await query(boardId, range);
      // Only the newest page can hold a number still being written (everything below it is older than a poll).
      for (let reread = 0; range.before === undefined && reread < GAP_REREADS; reread++) {
        const top = lowestPendingGap(rows, now);
        if (top === null) break;
        rows = await query(boardId, { ...range, before: top });
      }
      return rows.slice(0, range.limit).map(unordered);
    },
    async softDelete(boardId, id, options) {
      const now = await updateItem(deps, {
        Key: messageKey(boardId, id),
        UpdateExpression: 'SET #deleted = :yes, #text = :empty, #topic = :none',
        ConditionExpression: 'attribute_exists(pk) AND #deleted = :no',
        ExpressionAttributeNames: { '#deleted': 'deleted', '#text': 'text', '#topic': 'topic' },
        ExpressionAttributeValues: { ':yes': true, ':no': false, ':empty': '', ':none': null },
        ReturnValues: 'ALL_NEW',
      });
      if (now) {
        await writeAudit(deps, options?.audit);
        return { message: toRecord(now), changed: true };
      }
      const item = await getItem(deps, messageKey(boardId, id));
      return item ? { message: toRecord(item), changed: false } : null;
    },
    async idsBefore(boardId, before, limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': messagesOf(boardId), ':before': before },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
        },
        limit,
      );
      return items.map((item) => str(item.sk));
    },
    async deleteMany(boardId, ids) {
      const removed = await mapLimit(ids, deps.batchConcurrency, async (id) => {
        const old = await deleteItem(deps, { Key: messageKey(boardId, id), ReturnValues: 'ALL_OLD' });
        return old !== null && Object.keys(old).length > 0 ? 1 : 0;
      });
      return removed.reduce<number>((sum, n) => sum + n, 0);
    },
  };
}

function unordered(m: MessageItem): MessageRecord {
  const { id, boardId, author, topic, text, createdAt, deleted } = m;
  return { id, boardId, author, topic, text, createdAt, deleted };
}

function toItem(item: Item): MessageItem {
  return { ...toRecord(item), seq: num(item.seq), allocatedAt: num(item.allocatedAt) };
}

function toRecord(item: Item): MessageRecord {
  return {
    id: str(item.id),
    boardId: str(item.boardId),
    author: str(item.author),
    topic: typeof item.topic === 'string' ? item.topic : null,
    text: str(item.text),
    createdAt: num(item.createdAt),
    deleted: item.deleted === true,
  };
}
