import {
  DELETION_DONE,
  type AccountDeletionRepo,
  type DeletionProgress,
  type DeletionRecord,
} from '../../../ports/account-deletions.js';
import type { KeyPage, RangeOptions } from '../../../ports/store.js';
import { key, queryUpTo, type DynamoDeps, type Item, type Key } from '../client.js';
import { authoredBy, boardKey, commentKey, commentLookupKey, memberKey } from '../social/keys.js';
import { addToExisting, deleteItem, getItem, num, putNew, str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { pulledKey, userKey } from './keys.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';

/** A deleted account's tombstone: `DELETED#<alias>` / `ACCOUNT`. */
const deletedKey = (alias: string): Key => ({ pk: key('DELETED', alias), sk: 'ACCOUNT' });
/** gsi1 partition of finished deletions, sorted by the end of their reservation (the alias sweep reads it). */
const RESERVED = 'RESERVED';
const reservedSk = (until: number, alias: string): string => `${String(until).padStart(15, '0')}#${alias}`;

/**
 * Deleted accounts on DynamoDB. `begin` claims the tombstone with a conditional put that carries the user item's
 * removal (and its PULLED registry item's) and the first job as its outbox (kind `account`): the writer removes the user item and sends the job, and
 * after a crash in between the outbox sweeper does. The progress is a compare-and-set on `seq`. A finished tombstone
 * enters the sparse gsi1 partition RESERVED; the alias sweep removes it once its reservation ends (DynamoDB TTL is
 * not relied on: dynalite has none, and a reservation must end on the day, not days later).
 */
export function createDynamoAccountDeletionsRepo(
  deps: DynamoDeps,
  outbox: DynamoOutbox,
  now: () => number,
): AccountDeletionRepo {
  outbox.handle('account', {
    async effects(item) {
      await deleteItem(deps, { Key: userKey(str(item.alias)) });
      // Its mark in the PULLED registry (hybrid fan-out) goes with it: nothing of it is merged into feeds any more.
      await deleteItem(deps, { Key: pulledKey(str(item.alias)) });
      return [];
    },
  });

  const names = { '#step': 'step', '#cursor': 'cursor', '#seq': 'seq' };

  /** One page of an authored partition (gsi1, eventually consistent), as sort keys after `range.after`. */
  async function authored(kind: 'R' | 'C' | 'M', alias: string, range: RangeOptions): Promise<KeyPage<string>> {
    const { gsi1pk } = authoredBy(kind, alias, '');
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        IndexName: MAIN_INDEXES.gsi1.name,
        // From the start: every sort key is above '' (DynamoDB refuses names or values an expression leaves unused).
        KeyConditionExpression: '#pk = :pk AND #sk > :after',
        ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
        ExpressionAttributeValues: { ':pk': gsi1pk, ':after': range.after ?? ' ' },
      },
      range.limit + 1,
    );
    const keys = items.map((item) => str(item[MAIN_INDEXES.gsi1.sk]));
    if (keys.length <= range.limit) return { items: keys, next: null };
    const page = keys.slice(0, range.limit);
    return { items: page, next: page.at(-1) ?? null };
  }

  return {
    async begin(record, jobs) {
      if (!(await getItem(deps, userKey(record.alias)))) return false;
      const itemKey = deletedKey(record.alias);
      const item: Item = {
        ...itemKey,
        ...toItem(record),
        ...pendingAttributes('account', jobs, now(), itemKey),
      };
      if (!(await putNew(deps, item))) return false;
      await outbox.finish(item);
      return true;
    },
    async get(alias) {
      const item = await getItem(deps, deletedKey(alias));
      return item ? toRecord(item) : null;
    },
    async advance(alias, from, to, jobs) {
      const itemKey = deletedKey(alias);
      const done = to.step === DELETION_DONE;
      const sets = ['#step = :step', '#cursor = :cursor', '#seq = :to'];
      const values: Record<string, unknown> = {
        ':step': to.step,
        ':cursor': to.cursor ?? '',
        ':to': to.seq,
        ':from': from.seq,
      };
      const allNames: Record<string, string> = { ...names };
      if (done) {
        sets.push('#g1pk = :g1pk', '#g1sk = :g1sk');
        allNames['#g1pk'] = MAIN_INDEXES.gsi1.pk;
        allNames['#g1sk'] = MAIN_INDEXES.gsi1.sk;
        values[':g1pk'] = RESERVED;
        // reservedUntil never changes, so it is read back from the item below only for the sort key.
        const current = await getItem(deps, itemKey);
        if (!current) return false;
        values[':g1sk'] = reservedSk(num(current.reservedUntil), alias);
      }
      const pending = jobs.length > 0 ? pendingUpdate(pendingAttributes('account', jobs, now(), itemKey)) : null;
      if (pending) sets.push(pending.set);
      const updated = await updateItem(deps, {
        Key: itemKey,
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk) AND #seq = :from',
        ExpressionAttributeNames: { ...allNames, ...pending?.names },
        ExpressionAttributeValues: { ...values, ...pending?.values },
        ReturnValues: 'ALL_NEW',
      });
      if (!updated) return false;
      if (pending) await outbox.finish(updated);
      return true;
    },
    async expired(at, limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk < :until',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
          // Every sort key of time `at` starts with the padded time then '#': '$' sorts right after '#'.
          ExpressionAttributeValues: { ':pk': RESERVED, ':until': `${String(at).padStart(15, '0')}$` },
        },
        limit,
      );
      return items.map((item) => str(item.alias));
    },
    async release(alias, at) {
      const removed = await deleteItem(deps, {
        Key: deletedKey(alias),
        ConditionExpression: '#step = :done AND reservedUntil <= :now',
        ExpressionAttributeNames: { '#step': 'step' },
        ExpressionAttributeValues: { ':done': DELETION_DONE, ':now': at },
      });
      return removed !== null;
    },
    async transferBoard(boardId, from, to) {
      // The new owner's membership first, then the board: a crash in between leaves a board its owner-to-be may
      // already manage, and a rerun finishes it.
      await updateItem(deps, {
        Key: memberKey(boardId, to),
        UpdateExpression: 'SET #role = :owner',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#role': 'role' },
        ExpressionAttributeValues: { ':owner': 'owner' },
      });
      await updateItem(deps, {
        Key: boardKey(boardId),
        UpdateExpression: 'SET #owner = :to',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':to': to },
      });
      const old = await deleteItem(deps, { Key: memberKey(boardId, from), ReturnValues: 'ALL_OLD' });
      if (old && Object.keys(old).length > 0) await addToExisting(deps, boardKey(boardId), 'memberCount', -1);
    },
    async deleteBoard(boardId) {
      const board = await getItem(deps, boardKey(boardId));
      if (!board) return;
      await deleteItem(deps, { Key: memberKey(boardId, str(board.owner)) });
      await deleteItem(deps, { Key: boardKey(boardId) });
    },
    async messagesBy(alias, range) {
      const page = await authored('M', alias, range);
      const items = page.items.flatMap((sk) => {
        const at = sk.lastIndexOf('#');
        return at > 0 ? [{ boardId: sk.slice(0, at), id: sk.slice(at + 1) }] : [];
      });
      return { items, next: page.next };
    },
    async eraseComment(statusId, id) {
      await deleteItem(deps, { Key: commentKey(statusId, id) });
      await deleteItem(deps, { Key: commentLookupKey(id) });
    },
  };
}

function toItem(record: DeletionRecord): Item {
  return {
    alias: record.alias,
    ...(record.imageKey === null ? {} : { imageKey: record.imageKey }),
    deletedAt: record.deletedAt,
    reservedUntil: record.reservedUntil,
    step: record.step,
    cursor: record.cursor ?? '',
    seq: record.seq,
  };
}

function toRecord(item: Item): DeletionRecord {
  const cursor = str(item.cursor);
  const progress: DeletionProgress = {
    step: str(item.step),
    cursor: cursor === '' ? null : cursor,
    seq: num(item.seq),
  };
  return {
    alias: str(item.alias),
    imageKey: typeof item.imageKey === 'string' ? item.imageKey : null,
    deletedAt: num(item.deletedAt),
    reservedUntil: num(item.reservedUntil),
    ...progress,
  };
}
