import type { RepostRecord, RepostRepo } from '../../../ports/store.js';
import { batchGet, queryUpTo, type DynamoDeps, type Item } from '../client.js';
import {
  addToExisting,
  deleteItem,
  getItem,
  num,
  putItem,
  putNew,
  queryAll,
  str,
  updateItem,
} from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { deliveryKey, repostKey, REPOST_PREFIX, repostsOf, statusKey } from './keys.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';
import { claimRepostEntries, removeRepostEntries } from './repost-feed.js';

const UNREPOST = 'unrepost';

/**
 * Reposts on DynamoDB: `STATUS#<statusId>` / `REPOST#<reposter>` beside the status (so its reposts are one Query),
 * listed by reposter in gsi1 `REPOSTS#<reposter>` (sort key the repost id). A new repost carries an outbox marker
 * until its delivery record (`STATUS#<repostId>` / `DELIVERY`, naming the status) exists, the status's
 * `repostCount` is ADDed and its jobs are sent; an undo marks it (gone for every read), removes the delivery record,
 * takes the count back, sends the retraction and deletes the item. The count is ADDed once per repost (guarded by a
 * `counted` flag on the repost item), so a replayed outbox never counts twice.
 */
export function createDynamoRepostsRepo(deps: DynamoDeps, outbox: DynamoOutbox, now: () => number): RepostRepo {
  outbox.handle('repost', {
    async effects(item) {
      const pulled = item.pulled === true;
      const audience = num(item.aud);
      const reached = pulled ? audience : 0;
      await putNew(deps, {
        ...deliveryKey(str(item.id)),
        statusId: item.id,
        author: item.reposter,
        original: item.statusId,
        audience,
        delivered: reached,
        planned: reached,
        planStarted: pulled,
        planDone: pulled,
        createdAt: item.createdAt,
        ...(pulled ? { finishedAt: item.createdAt } : {}),
      });
      await countOnce(item, 1);
      return [];
    },
  });
  outbox.handle(UNREPOST, {
    async effects(item) {
      await deleteItem(deps, { Key: deliveryKey(str(item.id)) });
      await countOnce(item, -1);
      return [];
    },
    async done(item) {
      await deleteItem(deps, {
        Key: repostKey(str(item.statusId), str(item.reposter)),
        ConditionExpression: 'obxId = :id',
        ExpressionAttributeValues: { ':id': item.obxId },
      });
    },
  });

  // +1 sets the repost's `counted` flag, -1 clears it: each ADD happens only with the flag's change that guards it.
  async function countOnce(item: Item, by: 1 | -1): Promise<void> {
    const flipped = await updateItem(deps, {
      Key: repostKey(str(item.statusId), str(item.reposter)),
      UpdateExpression: by === 1 ? 'SET counted = :true' : 'REMOVE counted',
      ConditionExpression: by === 1 ? 'attribute_exists(pk) AND attribute_not_exists(counted)' : 'counted = :true',
      ExpressionAttributeValues: { ':true': true },
    });
    if (flipped) await addToExisting(deps, statusKey(str(item.statusId)), 'repostCount', by);
  }

  const live = (item: Item | null): item is Item => item !== null && item.obxKind !== UNREPOST;

  const repo: RepostRepo = {
    async create(r, options) {
      const status = await getItem(deps, statusKey(r.statusId));
      if (!status || status.obxKind === 'delete') return null;
      const itemKey = repostKey(r.statusId, r.reposter);
      const item: Item = {
        ...itemKey,
        ...r,
        aud: options.audience,
        [MAIN_INDEXES.gsi1.pk]: repostsOf(r.reposter),
        [MAIN_INDEXES.gsi1.sk]: r.id,
        ...pendingAttributes('repost', options.outbox ?? [], now(), itemKey),
      };
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await putItem(deps, { Item: item, ConditionExpression: 'attribute_not_exists(pk)' })) {
          await outbox.finish(item);
          return { repost: r, created: true };
        }
        const first = await getItem(deps, itemKey);
        if (live(first)) return { repost: toRecord(first), created: false };
        // An undo of an earlier repost is still pending: finish it, then write this one.
        if (first) await outbox.finish(first);
      }
      return null;
    },
    async get(statusId, reposter) {
      const item = await getItem(deps, repostKey(statusId, reposter));
      return live(item) ? toRecord(item) : null;
    },
    async standing(keys) {
      const items = await batchGet(
        deps,
        deps.tables.main,
        keys.map((k) => repostKey(k.statusId, k.reposter)),
        { consistent: true },
      );
      return new Set(items.filter(live).map((item) => `${str(item.statusId)} ${str(item.reposter)}`));
    },
    async delete(statusId, reposter, options) {
      const itemKey = repostKey(statusId, reposter);
      const pending = pendingUpdate(pendingAttributes(UNREPOST, options?.outbox ?? [], now(), itemKey));
      const marked = await updateItem(deps, {
        Key: itemKey,
        // Out of the reposter's list at once; every other read skips a repost marked for removal.
        UpdateExpression: `SET ${pending.set} REMOVE #g1pk, #g1sk`,
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(obxKind) OR obxKind <> :gone)',
        ExpressionAttributeNames: { ...pending.names, '#g1pk': MAIN_INDEXES.gsi1.pk, '#g1sk': MAIN_INDEXES.gsi1.sk },
        ExpressionAttributeValues: { ...pending.values, ':gone': UNREPOST },
        ReturnValues: 'ALL_NEW',
      });
      if (!marked) return null;
      await outbox.finish(marked);
      return toRecord(marked);
    },
    async recount(statusId) {
      // The `counted` flags are the ledger the ADDs follow: the count is how many reposts carry one.
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :repost)',
        FilterExpression: 'counted = :true',
        ExpressionAttributeValues: { ':pk': statusKey(statusId).pk, ':repost': REPOST_PREFIX, ':true': true },
        Select: 'COUNT',
      });
      await updateItem(deps, {
        Key: statusKey(statusId),
        UpdateExpression: 'SET repostCount = :n',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':n': count },
      });
      return count;
    },
    async byStatus(statusId, { after, limit }) {
      // Aliases are [a-z0-9_]: '!' sorts below every character that may follow `after`, '$' right above '#'.
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: {
            ':pk': statusKey(statusId).pk,
            ':lo': after === undefined ? REPOST_PREFIX : `${REPOST_PREFIX}${after}!`,
            ':hi': `${REPOST_PREFIX.slice(0, -1)}$`,
          },
        },
        limit + 1,
      );
      const page = items.slice(0, limit);
      const next = items.length > limit ? str(page.at(-1)?.reposter) : null;
      return { items: page.filter(live).map(toRecord), next };
    },
    async byReposter(reposter, { before, limit }) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
          ExpressionAttributeValues: { ':pk': repostsOf(reposter), ':before': before ?? '\u{10FFFF}' },
          ScanIndexForward: false,
        },
        limit,
      );
      return items.filter(live).map(toRecord);
    },
    async counts(statusIds) {
      const items = await batchGet(deps, deps.tables.main, statusIds.map(statusKey));
      const out = new Map<string, number>();
      for (const item of items) if (num(item.repostCount) > 0) out.set(str(item.id), num(item.repostCount));
      return out;
    },
    async mine(viewer, statusIds) {
      const items = await batchGet(
        deps,
        deps.tables.main,
        statusIds.map((id) => repostKey(id, viewer)),
        { consistent: true },
      );
      return new Set(items.filter(live).map((item) => str(item.statusId)));
    },
    addToFeeds: (r, owners) => claimRepostEntries(deps, r, owners),
    removeFromFeeds: (r, owners) => removeRepostEntries(deps, r, owners),
  };
  return repo;
}

function toRecord(item: Item): RepostRecord {
  const r: RepostRecord = {
    id: str(item.id),
    statusId: str(item.statusId),
    author: str(item.author),
    reposter: str(item.reposter),
    createdAt: num(item.createdAt),
  };
  if (item.pulled === true) r.pulled = true;
  return r;
}
