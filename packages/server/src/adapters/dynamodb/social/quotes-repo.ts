import type { QuoteEdge, QuoteRepo } from '../../../ports/store.js';
import { batchGet, queryUpTo, type Item } from '../client.js';
import { quoteCountKey, quoteKey, quotesOf } from './keys.js';
import {
  counted,
  deleteItem,
  num,
  putItem,
  putNew,
  queryAll,
  str,
  updateItem,
  type DynamoSocialDeps,
} from './items.js';

/**
 * Quotes on DynamoDB: the quoting statuses in the quoted status's partition `QUOTES#<status>` (sort key the quoting
 * id) and the count in `QUOTECOUNT#<status>`, ADDed right after the edge is written or removed (a conditional write,
 * so a replay counts nothing twice); a count that failed to move is re-counted by counts.reconcile.
 */
export function createDynamoQuotesRepo(deps: DynamoSocialDeps): QuoteRepo {
  const add = (quotedId: string, by: number) =>
    counted(deps, { target: 'status', id: quotedId }, () =>
      updateItem(deps, {
        Key: quoteCountKey(quotedId),
        UpdateExpression: 'ADD #count :by',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':by': by },
      }),
    );

  return {
    async add(edge) {
      if (await putNew(deps, { ...quoteKey(edge.quotedId, edge.id), ...edge })) await add(edge.quotedId, 1);
    },
    async remove(quotedId, id) {
      const gone = await deleteItem(deps, {
        Key: quoteKey(quotedId, id),
        ConditionExpression: 'attribute_exists(pk)',
      });
      if (gone === null) return false;
      await add(quotedId, -1);
      return true;
    },
    async list(quotedId, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          KeyConditionExpression: 'pk = :pk AND sk < :before',
          ExpressionAttributeValues: { ':pk': quotesOf(quotedId), ':before': range.before ?? '\u{10FFFF}' },
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        range.limit,
      );
      return items.map(toEdge);
    },
    async counts(statusIds) {
      const items = await batchGet(deps, deps.tables.main, statusIds.map(quoteCountKey));
      const prefix = quoteCountKey('').pk;
      return new Map(items.map((item) => [str(item.pk).slice(prefix.length), num(item.count)]));
    },
    async recount(quotedId) {
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': quotesOf(quotedId) },
        Select: 'COUNT',
      });
      if (count === 0) await deleteItem(deps, { Key: quoteCountKey(quotedId) });
      else await putItem(deps, { Item: { ...quoteCountKey(quotedId), count } });
      return count;
    },
  };
}

function toEdge(item: Item): QuoteEdge {
  return { quotedId: str(item.quotedId), id: str(item.id), author: str(item.author) };
}
