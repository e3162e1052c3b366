import { NOTIFICATION_GROUP_ACTORS, type NotificationType, type ReactionKind } from '@tweeter/shared';
import type { NotificationGroupRecord, NotificationRepo, NotificationWrite } from '../../../ports/store.js';
import { batchWrite, key, mapLimit, queryUpTo, type DynamoDeps, type Item, type Key } from '../client.js';
import { ttlSeconds } from '../core/keys.js';
import { deleteItem, getItem, num, putItem, queryAll, str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { entryKeyOf, groupKeyOf, pad, pkOf, unreadKeyOf } from './keys.js';

// Key layout: keys.ts (and docs/aws.md, "Notifications").

const g1 = MAIN_INDEXES.gsi1;
const g2 = MAIN_INDEXES.gsi2;

export function createDynamoNotificationsRepo(
  deps: DynamoDeps,
  options: { retentionMs: number; now: () => number },
): NotificationRepo {
  const ttl = (at: number): number => ttlSeconds(at + options.retentionMs);

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

  /** One actor fewer in the group; the group (and its unread marker) goes with its last actor. */
  async function takeOne(recipient: string, groupKey: string): Promise<void> {
    const after = await updateItem(deps, {
      Key: groupKeyOf(recipient, groupKey),
      UpdateExpression: 'ADD actorCount :minus',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':minus': -1 },
      ReturnValues: 'ALL_NEW',
    });
    if (after === null || num(after.actorCount) > 0) return;
    // Conditional: an add that raced in after the decrement keeps the group.
    const gone = await deleteItem(deps, {
      Key: groupKeyOf(recipient, groupKey),
      ConditionExpression: 'actorCount <= :zero',
      ExpressionAttributeValues: { ':zero': 0 },
    });
    if (gone !== null) await deleteItem(deps, { Key: unreadKeyOf(recipient, groupKey) });
  }

  async function addOne(w: NotificationWrite): Promise<void> {
    const statusIndex: Record<string, string> = w.statusId
      ? { [g2.pk]: key('NSTATUS', w.statusId), [g2.sk]: `${w.recipient}#${w.groupKey}` }
      : {};
    const names: Record<string, string> = { '#g1pk': g1.pk, '#g1sk': g1.sk, '#type': 'type', '#ttl': 'ttl' };
    const values: Record<string, unknown> = {
      ':one': 1,
      ':recipient': w.recipient,
      ':groupKey': w.groupKey,
      ':type': w.type,
      ':at': w.at,
      ':g1pk': key('NOTIFS', w.recipient),
      ':g1sk': `${pad(w.at)}#${w.groupKey}`,
      ':ttl': ttl(w.at),
    };
    const sets = [
      'recipient = :recipient',
      'groupKey = :groupKey',
      '#type = :type',
      'latestAt = :at',
      '#g1pk = :g1pk',
      '#g1sk = :g1sk',
      '#ttl = :ttl',
    ];
    const optional: Record<string, string | null> = {
      statusId: w.statusId,
      boardId: w.boardId,
      reactionKind: w.reactionKind,
      ...statusIndex,
    };
    let i = 0;
    for (const [name, value] of Object.entries(optional)) {
      if (value === null) continue;
      names[`#o${i}`] = name;
      values[`:o${i}`] = value;
      sets.push(`#o${i} = :o${i}`);
      i += 1;
    }
    // One conditional-free update: the count is ADDed (no read of the group, whatever its size).
    await updateItem(deps, {
      Key: groupKeyOf(w.recipient, w.groupKey),
      UpdateExpression: `SET ${sets.join(', ')} ADD actorCount :one`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
    await putItem(deps, { Item: { ...unreadKeyOf(w.recipient, w.groupKey), latestAt: w.at, ttl: ttl(w.at) } });
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

  return {
    async apply(w) {
      const k = entryKeyOf(w.recipient, w.groupKey, w.actor);
      // The entry is a last-writer-wins register: only a newer event (a retraction wins a tie) flips it, and exactly
      // one writer sees the flip in ALL_OLD, so exactly one writer moves the group's count.
      const old = await updateItem(deps, {
        Key: k,
        UpdateExpression:
          `SET actor = :actor, recipient = :recipient, groupKey = :groupKey, #at = :at, active = :active,
          #g2pk = :g2pk, #g2sk = :g2sk, #ttl = :ttl ${w.active ? ', #g1pk = :g1pk, #g1sk = :g1sk' : ''}
          ${w.active ? '' : 'REMOVE #g1pk, #g1sk'}`.replace(/\s+/g, ' '),
        ConditionExpression:
          'attribute_not_exists(pk) OR #at < :at OR (#at = :at AND active = :true AND :active = :false)',
        ExpressionAttributeNames: {
          '#at': 'at',
          '#g1pk': g1.pk,
          '#g1sk': g1.sk,
          '#g2pk': g2.pk,
          '#g2sk': g2.sk,
          '#ttl': 'ttl',
        },
        ExpressionAttributeValues: {
          ':actor': w.actor,
          ':recipient': w.recipient,
          ':groupKey': w.groupKey,
          ':at': w.at,
          ':active': w.active,
          ':true': true,
          ':false': false,
          ':g2pk': key('NACTOR', w.actor),
          ':g2sk': `${w.recipient}#${w.groupKey}`,
          ':ttl': ttl(w.at),
          ...(w.active ? { ':g1pk': key('NGRP', w.recipient, w.groupKey), ':g1sk': `${pad(w.at)}#${w.actor}` } : {}),
        },
        ReturnValues: 'ALL_OLD',
      });
      if (old === null) return { changed: false, group: await read(w.recipient, w.groupKey) };
      const wasActive = old.active === true;
      if (w.active && !wasActive) await addOne(w);
      else if (!w.active && wasActive) await takeOne(w.recipient, w.groupKey);
      return { changed: w.active !== wasActive, group: await read(w.recipient, w.groupKey) };
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
        if (old?.active === true) await takeOne(recipient, groupKey);
      });
      return Math.min(items.length, limit);
    },
    async deleteOlderThan() {
      return 0; // TTL reclaims the items; reads filter by `since`
    },
  };
}
