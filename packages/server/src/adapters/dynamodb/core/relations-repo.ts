import type { KeyPage, RangeOptions, RelationEdge, RelationKind, RelationRepo } from '../../../ports/store.js';
import { aroundEdges } from '../../../ports/relation-store.js';
import { batchGet, queryUpTo, type DynamoDeps, type Item } from '../client.js';
import { deleteItem, putNew, queryAll, str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { relatedOf, relationCount, relationKey, relationPrefix, userKey } from './keys.js';
import { pendingAttributes, type DynamoOutbox } from './outbox.js';

const edgeKey = (e: RelationEdge): string => `${e.owner} ${e.kind} ${e.target}`;

/**
 * Blocks and mutes on DynamoDB: one item per edge, `USER#<owner>` / `BLOCK#<target>` (or `MUTE#`), claimed by a
 * conditional put carrying its outbox jobs; gsi1 `RELATED#<kind>#<target>` / owner is the other direction. The
 * bound is a counter on the owner's profile raised by a conditional ADD before the edge is claimed.
 */
export function createDynamoRelationsRepo(deps: DynamoDeps, outbox: DynamoOutbox, now: () => number): RelationRepo {
  const bump = (owner: string, kind: RelationKind, by: number): Promise<Item | null> =>
    updateItem(deps, {
      Key: userKey(owner),
      UpdateExpression: 'ADD #n :by',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#n': relationCount(kind) },
      ExpressionAttributeValues: { ':by': by },
    });

  async function page(
    input: { pk: string; prefix?: string; index?: boolean; start?: Item },
    field: 'owner' | 'target',
    range: RangeOptions,
  ): Promise<KeyPage<string>> {
    const g = MAIN_INDEXES.gsi1;
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        ...(input.index
          ? {
              IndexName: g.name,
              KeyConditionExpression: '#pk = :pk',
              ExpressionAttributeNames: { '#pk': g.pk },
              ExpressionAttributeValues: { ':pk': input.pk },
            }
          : {
              ConsistentRead: true,
              KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
              ExpressionAttributeValues: { ':pk': input.pk, ':prefix': input.prefix },
            }),
        ...(input.start ? { ExclusiveStartKey: input.start } : {}),
      },
      range.limit + 1,
    );
    const aliases = items.map((item) => str(item[field]));
    if (aliases.length <= range.limit) return { items: aliases, next: null };
    const items2 = aliases.slice(0, range.limit);
    return { items: items2, next: items2.at(-1) ?? null };
  }

  const existingEdges = async (edges: readonly RelationEdge[]): Promise<RelationEdge[]> => {
    if (edges.length === 0) return [];
    const keys = edges.map((e) => relationKey(e.owner, e.kind, e.target));
    const items = await batchGet(deps, deps.tables.main, keys, { consistent: true });
    const found = new Set(
      items.map((item) =>
        edgeKey({ owner: str(item.owner), kind: str(item.kind) as RelationKind, target: str(item.target) }),
      ),
    );
    return edges.filter((e) => found.has(edgeKey(e)));
  };

  return {
    async add(edge, options) {
      const { owner, kind, target } = edge;
      const k = relationKey(owner, kind, target);
      const existing = await batchGet(deps, deps.tables.main, [k], { consistent: true });
      if (existing.length > 0) return 'exists';
      const raised = await updateItem(deps, {
        Key: userKey(owner),
        UpdateExpression: 'ADD #n :one',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#n) OR #n < :max)',
        ExpressionAttributeNames: { '#n': relationCount(kind) },
        ExpressionAttributeValues: { ':one': 1, ':max': options.max },
      });
      if (!raised) return 'full';
      const item: Item = {
        ...k,
        owner,
        kind,
        target,
        createdAt: options.createdAt,
        [MAIN_INDEXES.gsi1.pk]: relatedOf(kind, target),
        [MAIN_INDEXES.gsi1.sk]: owner,
        ...pendingAttributes('relation', options.outbox ?? [], now(), k),
      };
      if (!(await putNew(deps, item))) {
        await bump(owner, kind, -1); // a concurrent add of the same edge won
        return 'exists';
      }
      await outbox.finish(item);
      return 'added';
    },
    async remove({ owner, kind, target }) {
      const old = await deleteItem(deps, { Key: relationKey(owner, kind, target), ReturnValues: 'ALL_OLD' });
      if (!old || old.pk === undefined) return false;
      await bump(owner, kind, -1);
      return true;
    },
    existing: existingEdges,
    around(viewer, others, kinds) {
      return existingEdges(aroundEdges(viewer, others, kinds));
    },
    targets(owner, kind, range) {
      const pk = userKey(owner).pk;
      const prefix = relationPrefix(kind);
      const start = range.after === undefined ? undefined : { pk, sk: `${prefix}${range.after}` };
      return page({ pk, prefix, ...(start ? { start } : {}) }, 'target', range);
    },
    owners(target, kind, range) {
      const g = MAIN_INDEXES.gsi1;
      const pk = relatedOf(kind, target);
      const start =
        range.after === undefined
          ? undefined
          : { ...relationKey(range.after, kind, target), [g.pk]: pk, [g.sk]: range.after };
      return page({ pk, index: true, ...(start ? { start } : {}) }, 'owner', range);
    },
    async recount(owner, kind) {
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userKey(owner).pk, ':prefix': relationPrefix(kind) },
        Select: 'COUNT',
      });
      await updateItem(deps, {
        Key: userKey(owner),
        UpdateExpression: 'SET #n = :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#n': relationCount(kind) },
        ExpressionAttributeValues: { ':n': count },
      });
      return count;
    },
  };
}
