import { REACTION_KINDS, ReactionKind } from '@tweeter/shared';
import type { ReactionChange, ReactionRepo, ReactionTally, ReactionTargetType } from '../../../ports/store.js';
import { batchGet, batchWrite, queryUpTo, type Item } from '../client.js';
import { MAIN_INDEXES } from '../tables.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from '../core/outbox.js';
import type { JobRequest } from '../../../ports/job-queue.js';
import { authoredBy, REACTION_PREFIX, reactionCountKey, reactionKey, reactionsOf } from './keys.js';
import {
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
 * Reactions on DynamoDB: one item per (target, alias, kind), `R#<alias>#<kind>` in the target's partition, added
 * by a conditional put (so it is counted once however many requests race), and the target's tally item `COUNT`
 * ADDed right after. A reaction to a status is checked against the status after it is written: if the status
 * is gone, the writer removes what it wrote (see `add`).
 */
export function createDynamoReactionsRepo(deps: DynamoSocialDeps): ReactionRepo {
  const bump = async (type: ReactionTargetType, id: string, kind: ReactionKind, by: 1 | -1) => {
    const out = await counted(deps, { target: type, id }, () =>
      updateItem(deps, {
        Key: reactionCountKey(type, id),
        UpdateExpression: 'ADD #kind :by',
        // Taking back never creates a tally (the purge may have removed it).
        ...(by < 0 ? { ConditionExpression: 'attribute_exists(pk)' } : {}),
        ExpressionAttributeNames: { '#kind': kind },
        ExpressionAttributeValues: { ':by': by },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out ? tally(out) : zero();
  };

  const readTally = async (type: ReactionTargetType, id: string): Promise<ReactionTally> => {
    const item = await getItem(deps, reactionCountKey(type, id));
    return item ? tally(item) : zero();
  };

  /** Removes every reaction and the tally of a status that is gone (what its purge would do, for this writer). */
  // A marked removal's last step (the writer's, or the sweeper's after a crash): only this outbox's removal counts.
  const finishRemoval = async (item: Item): Promise<ReactionTally | null> => {
    const gone = await deleteItem(deps, {
      Key: { pk: str(item.pk), sk: str(item.sk) },
      ConditionExpression: 'obxId = :id',
      ExpressionAttributeValues: { ':id': item.obxId },
    });
    if (gone === null) return null;
    const [type = 'status', id = ''] = str(item.gsi1sk).split('#')[0]?.split(':') ?? [];
    return bump(type === 'message' ? 'message' : 'status', id, ReactionKind.parse(item.kind), -1);
  };
  deps.outbox?.handle('unreaction', { done: async (item) => void (await finishRemoval(item)) });

  /** Sends the jobs of an item just written with its marker, and clears the marker once they are queued. */
  const sendJobs = async (item: Item, jobs: readonly JobRequest[]): Promise<void> => {
    if (jobs.length > 0) await outboxOf().finish(item);
  };
  const outboxOf = (): DynamoOutbox => {
    if (!deps.outbox) throw new Error('reactions: jobs with a reaction need the store outbox (deps.outbox)');
    return deps.outbox;
  };

  const clearDeleted = async (id: string, alias: string, kind: ReactionKind) => {
    await deleteItem(deps, { Key: reactionKey('status', id, alias, kind) });
    await deleteItem(deps, { Key: reactionCountKey('status', id) });
  };

  return {
    async add(type, id, alias, kind, createdAt, options): Promise<ReactionChange | null> {
      const itemKey = reactionKey(type, id, alias, kind);
      const jobs = options?.outbox ?? [];
      // The notification job rides on the item (a pending outbox marker) until sent: a crash leaves it for the sweeper.
      const pending = jobs.length > 0 ? pendingAttributes('reaction', jobs, createdAt, itemKey) : {};
      const item = {
        ...itemKey,
        ...authoredBy('R', alias, `${type}:${id}#${kind}`),
        alias,
        kind,
        createdAt,
        ...pending,
      };
      const changed = await putNew(deps, item);
      const counts = changed ? await bump(type, id, kind, 1) : await readTally(type, id);
      // Written first, checked after: either the status existed after our writes (then its deletion came later
      // and its purge sees them) or it did not, and we remove them ourselves. No orphan either way.
      if (type === 'status' && !(await deps.statusExists(id))) {
        await clearDeleted(id, alias, kind);
        return null;
      }
      if (changed) await sendJobs(item, jobs);
      return { changed, counts };
    },
    async byUser(alias, range) {
      const { items, more } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk > :after',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
          ExpressionAttributeValues: { ':pk': authoredBy('R', alias, '').gsi1pk, ':after': range.after ?? '' },
        },
        range.limit,
      );
      const out = items.map((item) => {
        // gsi1sk is `<type>:<id>#<kind>` (authoredBy in keys.ts).
        const [target = ''] = str(item.gsi1sk).split('#');
        const [type = '', targetId = ''] = target.split(':');
        return {
          type: type === 'message' ? ('message' as const) : ('status' as const),
          targetId,
          kind: ReactionKind.parse(item.kind),
          createdAt: num(item.createdAt),
        };
      });
      return { items: out, next: more ? str(items.at(-1)?.gsi1sk) : null };
    },
    async remove(type, id, alias, kind, options) {
      const itemKey = reactionKey(type, id, alias, kind);
      const jobs = options?.outbox ?? [];
      if (jobs.length > 0) {
        // Marked first (the retraction job on the item), sent, then removed: a crash in between leaves the marker,
        // and the sweeper sends the job again and finishes the removal (the handler's `done`).
        const { set, names, values } = pendingUpdate(pendingAttributes('unreaction', jobs, Date.now(), itemKey));
        const marked = await updateItem(deps, {
          Key: itemKey,
          UpdateExpression: `SET ${set}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        });
        if (!marked) return { changed: false, counts: await readTally(type, id) };
        await outboxOf().send(marked);
        const counts = await finishRemoval(marked);
        return counts ? { changed: true, counts } : { changed: false, counts: await readTally(type, id) };
      }
      const old = await deleteItem(deps, { Key: itemKey, ConditionExpression: 'attribute_exists(pk)' });
      if (!old) return { changed: false, counts: await readTally(type, id) };
      return { changed: true, counts: await bump(type, id, kind, -1) };
    },
    async counts(type, ids) {
      const items = await batchGet(
        deps,
        deps.tables.main,
        ids.map((id) => reactionCountKey(type, id)),
      );
      const prefix = `${reactionsOf(type, '')}`;
      return new Map(items.map((item) => [str(item.pk).slice(prefix.length), tally(item)]));
    },
    async mine(type, alias, ids) {
      const keys = ids.flatMap((id) => REACTION_KINDS.map((kind) => reactionKey(type, id, alias, kind)));
      const found = new Set(
        (await batchGet(deps, deps.tables.main, keys)).map((item) => `${str(item.pk)} ${str(item.sk)}`),
      );
      const mine = new Map<string, ReactionKind[]>();
      for (const id of ids) {
        // The order kinds are declared in: stable for clients.
        const kinds = REACTION_KINDS.filter((kind) => {
          const k = reactionKey(type, id, alias, kind);
          return found.has(`${k.pk} ${k.sk}`);
        });
        if (kinds.length > 0) mine.set(id, kinds);
      }
      return mine;
    },
    async purge(type, ids, limit) {
      let removed = 0;
      for (const id of ids) {
        if (removed >= limit) break;
        const { items, more } = await queryUpTo(
          deps,
          {
            TableName: deps.tables.main,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': reactionsOf(type, id), ':prefix': REACTION_PREFIX },
            ProjectionExpression: 'pk, sk',
            ConsistentRead: true,
          },
          limit - removed,
        );
        const keys = items.map((item) => ({ pk: str(item.pk), sk: str(item.sk) }));
        await batchWrite(
          deps,
          deps.tables.main,
          keys.map((Key) => ({ DeleteRequest: { Key } })),
        );
        removed += keys.length;
        if (!more) await deleteItem(deps, { Key: reactionCountKey(type, id) });
      }
      return removed;
    },
    async recount(type, id) {
      const { items } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': reactionsOf(type, id), ':prefix': REACTION_PREFIX },
        ProjectionExpression: '#kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
      });
      const counts = zero();
      for (const item of items) {
        const kind = ReactionKind.safeParse(item.kind);
        if (kind.success) counts[kind.data] += 1;
      }
      if (counts.like === 0 && counts.heart === 0) await deleteItem(deps, { Key: reactionCountKey(type, id) });
      else await putItem(deps, { Item: { ...reactionCountKey(type, id), ...counts } });
      return counts;
    },
  };
}

function tally(item: Item): ReactionTally {
  return { like: num(item.like), heart: num(item.heart) };
}

function zero(): ReactionTally {
  return { like: 0, heart: 0 };
}
