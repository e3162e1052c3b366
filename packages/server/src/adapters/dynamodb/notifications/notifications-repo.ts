import { NOTIFICATION_GROUP_ACTORS, type NotificationType, type ReactionKind } from '@tweeter/shared';
import type {
  NotificationApplied,
  NotificationGroupRecord,
  NotificationRepo,
  NotificationWrite,
} from '../../../ports/store.js';
import { batchWrite, key, mapLimit, queryUpTo, type DynamoDeps, type Item, type Key } from '../client.js';
import { deleteItem, getItem, num, queryAll, str } from '../social/items.js';
import { addToGroup, recountGroup, takeFromGroup, writeEntry } from './group-writes.js';
import { MAIN_INDEXES } from '../tables.js';
import { entryKeyOf, groupKeyOf, pad, pkOf, unreadKeyOf } from './keys.js';

// Key layout: keys.ts (and docs/aws.md, "Notifications").

const g1 = MAIN_INDEXES.gsi1;
const g2 = MAIN_INDEXES.gsi2;

export function createDynamoNotificationsRepo(
  deps: DynamoDeps,
  options: { retentionMs: number; now: () => number },
): NotificationRepo {
  async function newestActors(recipient: string, groupKey: string): Promise<string[]> {
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        IndexName: g1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': g1.pk },
        ExpressionAttributeValues: { ':pk': key('NGRP', recipient, groupKey) },
        ScanIndexForward: false,
      },
      NOTIFICATION_GROUP_ACTORS,
    );
    return items.slice(0, NOTIFICATION_GROUP_ACTORS).map((item) => str(item.actor));
  }

  async function toRecord(item: Item, unread: boolean): Promise<NotificationGroupRecord> {
    const recipient = str(item.recipient);
    const groupKey = str(item.groupKey);
    return {
      recipient,
      groupKey,
      type: str(item.type) as NotificationType,
      statusId: typeof item.statusId === 'string' ? item.statusId : null,
      boardId: typeof item.boardId === 'string' ? item.boardId : null,
      reactionKind: typeof item.reactionKind === 'string' ? (item.reactionKind as ReactionKind) : null,
      actorCount: num(item.actorCount),
      latestAt: num(item.latestAt),
      unread,
      actors: await newestActors(recipient, groupKey),
    };
  }

  async function read(recipient: string, groupKey: string): Promise<NotificationGroupRecord | null> {
    const [group, marker] = await Promise.all([
      getItem(deps, groupKeyOf(recipient, groupKey)),
      getItem(deps, unreadKeyOf(recipient, groupKey)),
    ]);
    return group ? toRecord(group, marker !== null) : null;
  }

  /** The group keys with an unread marker: one strongly consistent query. */
  async function unreadMarkers(recipient: string): Promise<Set<string>> {
    const { items } = await queryAll(deps, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': pkOf(recipient), ':prefix': 'U#' },
      ProjectionExpression: 'sk',
    });
    return new Set(items.map((item) => str(item.sk).slice(2)));
  }

  async function deleteKeys(keys: readonly Key[]): Promise<void> {
    await batchWrite(
      deps,
      deps.tables.main,
      keys.map((k) => ({ DeleteRequest: { Key: k } })),
    );
  }

  /**
   * Entry writes (one actor's events in order, different actors side by side), then one ADD per group for the
   * batch's flips. An undo that found no entry (TTL took it while its group lived on) recounts the group.
   * `readBack` false (applyChanges): no group is read after its update, each answer's group is null.
   */
  async function applyAll(writes: readonly NotificationWrite[], readBack = true): Promise<NotificationApplied[]> {
    const changed: boolean[] = writes.map(() => false);
    const byEntry = new Map<string, number[]>();
    writes.forEach((w, i) => {
      const id = `${w.recipient}\n${w.groupKey}\n${w.actor}`;
      byEntry.set(id, [...(byEntry.get(id) ?? []), i]);
    });
    const moves = new Map<
      string,
      { w: NotificationWrite; add: NotificationWrite | null; adds: number; takes: number; recount: boolean }
    >();
    const moveOf = (w: NotificationWrite) => {
      const id = `${w.recipient}\n${w.groupKey}`;
      const move = moves.get(id) ?? { w, add: null, adds: 0, takes: 0, recount: false };
      moves.set(id, move);
      return move;
    };
    await mapLimit([...byEntry.values()], 8, async (indexes) => {
      for (const i of indexes) {
        const w = writes[i] as NotificationWrite;
        const move = moveOf(w);
        const old = await writeEntry(deps, options, w);
        if (old === null) continue;
        const wasActive = old.active === true;
        if (!w.active && old.pk === undefined) move.recount = true;
        if (w.active === wasActive) continue;
        changed[i] = true;
        if (w.active) {
          move.adds += 1;
          if (!move.add || move.add.at < w.at) move.add = w;
        } else move.takes += 1;
      }
    });
    const groups = new Map<string, NotificationGroupRecord | null>();
    await mapLimit([...moves], 8, async ([id, move]) => {
      const { recipient, groupKey } = move.w;
      if (move.add) await addToGroup(deps, options, move.add, move.adds);
      if (move.takes > 0) await takeFromGroup(deps, recipient, groupKey, move.takes);
      if (move.recount) await recountGroup(deps, recipient, groupKey);
      if (readBack) groups.set(id, await read(recipient, groupKey));
    });
    return writes.map((w, i) => ({
      changed: changed[i] ?? false,
      group: groups.get(`${w.recipient}\n${w.groupKey}`) ?? null,
    }));
  }

  return {
    async apply(w) {
      const [result] = await applyAll([w]);
      return result ?? { changed: false, group: null };
    },
    applyMany: (writes) => applyAll(writes),
    async applyChanges(writes) {
      return (await applyAll(writes, false)).map((a) => a.changed);
    },
    recount: (recipient, groupKey) => recountGroup(deps, recipient, groupKey),
    async retractActorFor(recipient, actor, limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: g2.name,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :recipient)',
          ExpressionAttributeNames: { '#pk': g2.pk, '#sk': g2.sk },
          ExpressionAttributeValues: { ':pk': key('NACTOR', actor), ':recipient': `${recipient}#` },
        },
        limit,
      );
      const mine = items.slice(0, limit).filter((item) => str(item.recipient) === recipient);
      await mapLimit(mine, 8, async (item) => {
        const groupKey = str(item.groupKey);
        const old = await deleteItem(deps, { Key: entryKeyOf(recipient, groupKey, actor), ReturnValues: 'ALL_OLD' });
        if (old?.active === true) await takeFromGroup(deps, recipient, groupKey, 1);
      });
      return Math.min(items.length, limit);
    },
    async removeGroup(recipient, groupKey) {
      const group = await getItem(deps, groupKeyOf(recipient, groupKey));
      const { items } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pkOf(recipient), ':prefix': `A#${groupKey}#` },
        ProjectionExpression: 'pk, sk',
      });
      const entries = items.map((item) => ({ pk: str(item.pk), sk: str(item.sk) }));
      await deleteKeys([...entries, groupKeyOf(recipient, groupKey), unreadKeyOf(recipient, groupKey)]);
      return group !== null;
    },
    async page(recipient, opts) {
      const upper = opts.before ? `${pad(opts.before.latestAt)}#${opts.before.groupKey}` : '~';
      const types = opts.types && opts.types.length > 0 ? opts.types : null;
      const typeValues = Object.fromEntries((types ?? []).map((t, i) => [`:t${i}`, t]));
      const [{ items }, unread] = await Promise.all([
        queryUpTo(
          deps,
          {
            TableName: deps.tables.main,
            IndexName: g1.name,
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
            ExpressionAttributeNames: { '#pk': g1.pk, '#sk': g1.sk, ...(types ? { '#type': 'type' } : {}) },
            ExpressionAttributeValues: {
              ':pk': key('NOTIFS', recipient),
              ':lower': pad(opts.since),
              ':upper': upper,
              ...typeValues,
            },
            ...(types ? { FilterExpression: `#type IN (${Object.keys(typeValues).join(', ')})` } : {}),
            ScanIndexForward: false,
          },
          opts.limit + 1,
        ),
        unreadMarkers(recipient),
      ]);
      // BETWEEN is inclusive: the `before` group itself is left out here.
      const page = items.filter((item) => str(item[g1.sk]) < upper).slice(0, opts.limit);
      return mapLimit(page, 8, (item) => toRecord(item, unread.has(str(item.groupKey))));
    },
    get: read,
    async unreadCount(recipient, since) {
      const { count } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'latestAt >= :since',
        ExpressionAttributeValues: { ':pk': pkOf(recipient), ':prefix': 'U#', ':since': since },
        Select: 'COUNT',
      });
      return count;
    },
    async markRead(recipient, upTo) {
      const { items } = await queryAll(deps, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pkOf(recipient), ':prefix': 'U#' },
      });
      const limit = upTo ?? Number.MAX_SAFE_INTEGER;
      const due = items.filter((item) => num(item.latestAt) <= limit);
      // Conditional: a marker an event moved past `upTo` meanwhile stays unread.
      const removed = await mapLimit(due, deps.batchConcurrency, (item) =>
        deleteItem(deps, {
          Key: { pk: str(item.pk), sk: str(item.sk) },
          ConditionExpression: 'latestAt <= :upTo',
          ExpressionAttributeValues: { ':upTo': limit },
        }),
      );
      return removed.filter((r) => r !== null).length;
    },
    async removeStatus(statusId) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: g2.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': g2.pk },
          ExpressionAttributeValues: { ':pk': key('NSTATUS', statusId) },
        },
        1000,
      );
      const groups = items.filter((item) => str(item.sk).startsWith('G#'));
      await deleteKeys(
        groups.flatMap((item) => [
          groupKeyOf(str(item.recipient), str(item.groupKey)),
          unreadKeyOf(str(item.recipient), str(item.groupKey)),
        ]),
      );
      return [...new Set(groups.map((item) => str(item.recipient)))];
    },
    async removeRecipient(recipient, limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          ConsistentRead: true,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pkOf(recipient) },
          ProjectionExpression: 'pk, sk',
        },
        limit,
      );
      const keys = items.slice(0, limit).map((item) => ({ pk: str(item.pk), sk: str(item.sk) }));
      await deleteKeys(keys);
      return keys.length;
    },
    async removeActor(actor, limit) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: g2.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': g2.pk },
          ExpressionAttributeValues: { ':pk': key('NACTOR', actor) },
        },
        limit,
      );
      await mapLimit(items.slice(0, limit), 8, async (item) => {
        const recipient = str(item.recipient);
        const groupKey = str(item.groupKey);
        const old = await deleteItem(deps, { Key: entryKeyOf(recipient, groupKey, actor), ReturnValues: 'ALL_OLD' });
        // Only the delete that removed an active entry moves the count.
        if (old?.active === true) await takeFromGroup(deps, recipient, groupKey, 1);
      });
      return Math.min(items.length, limit);
    },
    async deleteOlderThan() {
      return 0; // TTL reclaims the items; reads filter by `since`
    },
  };
}
