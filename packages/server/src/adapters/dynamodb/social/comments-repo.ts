import type { CommentRecord, CommentRepo } from '../../../ports/store.js';
import { batchGet, batchWrite, queryUpTo, type Item, type WriteRequest } from '../client.js';
import { writeAudit } from './audit-repo.js';
import { MAIN_INDEXES } from '../tables.js';
import { authoredBy, commentCountKey, commentKey, commentLookupKey, commentsOf } from './keys.js';
import {
  addToExisting,
  counted,
  deleteItem,
  getItem,
  num,
  putItem,
  putNew,
  queryAll,
  str,
  updateItem,
  type DynamoSocialDeps,
} from './items.js';

/**
 * Writes a comment (a reply's place in its thread) and counts it. Idempotent: the comment item is a conditional put,
 * counted only by the call that wrote it (so a place written once, or soft-deleted since, is left as it is). Written
 * first, checked after (see reactions-repo.ts): if the status is gone, what this call wrote is removed and the answer
 * is false, unless `keepIfParentGone` (the outbox sweeper finishing a reply written before its parent's deletion: it
 * keeps its place under the deleted parent, as a reply written just before the deletion does).
 */
export async function placeComment(
  deps: DynamoSocialDeps,
  c: CommentRecord,
  options: { keepIfParentGone: boolean },
): Promise<boolean> {
  // The lookup first: a crash after it leaves a lookup of no comment (found as "none"), never the reverse.
  await putItem(deps, { Item: { ...commentLookupKey(c.id), statusId: c.statusId } });
  const wrote = await putNew(deps, { ...commentKey(c.statusId, c.id), ...authoredBy('C', c.author, c.id), ...c });
  if (wrote) {
    await counted(deps, { target: 'status', id: c.statusId }, () =>
      updateItem(deps, {
        Key: commentCountKey(c.statusId),
        UpdateExpression: 'ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }
  if (options.keepIfParentGone || (await deps.statusExists(c.statusId))) return true;
  if (wrote) {
    await batchWrite(deps, deps.tables.main, [
      { DeleteRequest: { Key: commentKey(c.statusId, c.id) } },
      { DeleteRequest: { Key: commentLookupKey(c.id) } },
    ]);
  }
  await deleteItem(deps, { Key: commentCountKey(c.statusId) });
  return false;
}

/**
 * Comments on DynamoDB: listed from the status's partition `COMMENTS#<status>` (sort key the comment id), found by
 * id alone through a small lookup item `COMMENT#<id>` that names the status, and counted in `COMMENTCOUNT#<status>`
 * (ADDed right after the comment). As for reactions, a comment is checked against its status after it is written,
 * and removed by its writer if the status is gone.
 */
export function createDynamoCommentsRepo(deps: DynamoSocialDeps): CommentRepo {
  const find = async (id: string): Promise<Item | null> => {
    const lookup = await getItem(deps, commentLookupKey(id));
    return lookup ? getItem(deps, commentKey(str(lookup.statusId), id)) : null;
  };

  const removeAll = (statusId: string, ids: readonly string[]): WriteRequest[] =>
    ids.flatMap((id) => [
      { DeleteRequest: { Key: commentKey(statusId, id) } },
      { DeleteRequest: { Key: commentLookupKey(id) } },
    ]);

  return {
    async create(c) {
      return placeComment(deps, c, { keepIfParentGone: false });
    },
    async get(id) {
      const item = await find(id);
      return item ? toRecord(item) : null;
    },
    async byAuthor(author, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk > :after',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
          ExpressionAttributeValues: { ':pk': authoredBy('C', author, '').gsi1pk, ':after': range.after ?? '' },
        },
        range.limit,
      );
      return items.map(toRecord);
    },
    async list(statusId, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk AND sk > :after',
          ExpressionAttributeValues: { ':pk': commentsOf(statusId), ':after': range.after ?? '' },
          ConsistentRead: true,
        },
        range.limit,
      );
      return items.map(toRecord);
    },
    async softDelete(id, options) {
      const lookup = await getItem(deps, commentLookupKey(id));
      if (!lookup) return null;
      const statusId = str(lookup.statusId);
      const now = await updateItem(deps, {
        Key: commentKey(statusId, id),
        UpdateExpression: 'SET #deleted = :yes, #text = :empty',
        ConditionExpression: 'attribute_exists(pk) AND #deleted = :no',
        ExpressionAttributeNames: { '#deleted': 'deleted', '#text': 'text' },
        ExpressionAttributeValues: { ':yes': true, ':no': false, ':empty': '' },
        ReturnValues: 'ALL_NEW',
      });
      if (now) {
        await counted(deps, { target: 'status', id: statusId }, () =>
          addToExisting(deps, commentCountKey(statusId), 'count', -1),
        );
        await writeAudit(deps, options?.audit);
        return { comment: toRecord(now), changed: true };
      }
      const item = await getItem(deps, commentKey(statusId, id));
      return item ? { comment: toRecord(item), changed: false } : null;
    },
    async counts(statusIds) {
      const items = await batchGet(deps, deps.tables.main, statusIds.map(commentCountKey));
      const prefix = commentCountKey('').pk;
      return new Map(items.map((item) => [str(item.pk).slice(prefix.length), num(item.count)]));
    },
    async purgeStatus(statusId, limit) {
      const { items, more } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': commentsOf(statusId) },
          ProjectionExpression: 'sk',
          ConsistentRead: true,
        },
        limit,
      );
      const ids = items.map((item) => str(item.sk));
      await batchWrite(deps, deps.tables.main, removeAll(statusId, ids));
      if (!more) await deleteItem(deps, { Key: commentCountKey(statusId) });
      return ids.length;
    },
    async recount(statusId) {
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk',
        FilterExpression: '#deleted = :no',
        ExpressionAttributeNames: { '#deleted': 'deleted' },
        ExpressionAttributeValues: { ':pk': commentsOf(statusId), ':no': false },
        Select: 'COUNT',
      });
      if (count === 0) await deleteItem(deps, { Key: commentCountKey(statusId) });
      else await putItem(deps, { Item: { ...commentCountKey(statusId), count } });
      return count;
    },
  };
}

function toRecord(item: Item): CommentRecord {
  return {
    id: str(item.id),
    statusId: str(item.statusId),
    author: str(item.author),
    text: str(item.text),
    createdAt: num(item.createdAt),
    deleted: item.deleted === true,
  };
}
