import type { NotificationWrite } from '../../../ports/store.js';
import { key, type DynamoDeps, type Item } from '../client.js';
import { ttlSeconds } from '../core/keys.js';
import { deleteItem, getItem, num, putItem, queryAll, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { entryKeyOf, groupKeyOf, pad, pkOf, unreadKeyOf } from './keys.js';

// The group item's count moves by ADD only (no read of its entries), and every move also ADDs `seq`: a recount
// (recountGroup) writes its result only if `seq` did not move while it counted, so it never loses a concurrent event.

const g1 = MAIN_INDEXES.gsi1;
const g2 = MAIN_INDEXES.gsi2;
/** A recount that keeps meeting concurrent events gives up (the next redelivery or undo recounts again). */
const RECOUNT_TRIES = 5;

export interface GroupWriteOptions {
  retentionMs: number;
  now: () => number;
}

/**
 * The entry is a last-writer-wins register: only a newer event (a retraction wins a tie) flips it, and exactly one
 * writer sees the flip in ALL_OLD, so exactly one writer moves the group's count. Null: stale (nothing written).
 */
export async function writeEntry(
  deps: DynamoDeps,
  options: GroupWriteOptions,
  w: NotificationWrite,
): Promise<Item | null> {
  return updateItem(deps, {
    Key: entryKeyOf(w.recipient, w.groupKey, w.actor),
    UpdateExpression: `SET actor = :actor, recipient = :recipient, groupKey = :groupKey, #at = :at, active = :active,
      #g2pk = :g2pk, #g2sk = :g2sk, #ttl = :ttl ${w.active ? ', #g1pk = :g1pk, #g1sk = :g1sk' : ''}
      ${w.active ? '' : 'REMOVE #g1pk, #g1sk'}`.replace(/\s+/g, ' '),
    ConditionExpression: 'attribute_not_exists(pk) OR #at < :at OR (#at = :at AND active = :true AND :active = :false)',
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
      ':ttl': ttlSeconds(w.at + options.retentionMs),
      ...(w.active ? { ':g1pk': key('NGRP', w.recipient, w.groupKey), ':g1sk': `${pad(w.at)}#${w.actor}` } : {}),
    },
    ReturnValues: 'ALL_OLD',
  });
}

/** `n` actors more (the newest add `w`): the group moves to `w.at` (if newer) and is marked unread. */
export async function addToGroup(deps: DynamoDeps, options: GroupWriteOptions, w: NotificationWrite, n: number) {
  const ttl = ttlSeconds(w.at + options.retentionMs);
  const statusIndex: Record<string, string> = w.statusId
    ? { [g2.pk]: key('NSTATUS', w.statusId), [g2.sk]: `${w.recipient}#${w.groupKey}` }
    : {};
  const names: Record<string, string> = { '#g1pk': g1.pk, '#g1sk': g1.sk, '#type': 'type', '#ttl': 'ttl' };
  const values: Record<string, unknown> = {
    ':n': n,
    ':one': 1,
    ':recipient': w.recipient,
    ':groupKey': w.groupKey,
    ':type': w.type,
    ':at': w.at,
    ':g1pk': key('NOTIFS', w.recipient),
    ':g1sk': `${pad(w.at)}#${w.groupKey}`,
    ':ttl': ttl,
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
    UpdateExpression: `SET ${sets.join(', ')} ADD actorCount :n, seq :one`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  await putItem(deps, { Item: { ...unreadKeyOf(w.recipient, w.groupKey), latestAt: w.at, ttl } });
}

/** `n` actors fewer; the group (and its unread marker) goes with its last actor. */
export async function takeFromGroup(deps: DynamoDeps, recipient: string, groupKey: string, n: number) {
  const after = await updateItem(deps, {
    Key: groupKeyOf(recipient, groupKey),
    UpdateExpression: 'ADD actorCount :minus, seq :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':minus': -n, ':one': 1 },
    ReturnValues: 'ALL_NEW',
  });
  if (after === null || num(after.actorCount) > 0) return;
  await dropIfEmpty(deps, recipient, groupKey);
}

async function dropIfEmpty(deps: DynamoDeps, recipient: string, groupKey: string): Promise<void> {
  // Conditional: an add that raced in after the decrement keeps the group.
  const gone = await deleteItem(deps, {
    Key: groupKeyOf(recipient, groupKey),
    ConditionExpression: 'actorCount <= :zero',
    ExpressionAttributeValues: { ':zero': 0 },
  });
  if (gone !== null) await deleteItem(deps, { Key: unreadKeyOf(recipient, groupKey) });
}

/**
 * Sets the group's count to its active entries still kept (a strongly consistent count of the group's own `A#`
 * items; TTL has removed those past the retention, or soon will), written only if no event moved the group meanwhile (`seq`); null: no group.
 */
export async function recountGroup(deps: DynamoDeps, recipient: string, groupKey: string): Promise<number | null> {
  for (let attempt = 0; attempt < RECOUNT_TRIES; attempt++) {
    const group = await getItem(deps, groupKeyOf(recipient, groupKey));
    if (!group) return null;
    const seq = num(group.seq);
    const { count } = await queryAll(deps, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      FilterExpression: 'active = :true',
      ExpressionAttributeValues: { ':pk': pkOf(recipient), ':prefix': `A#${groupKey}#`, ':true': true },
      Select: 'COUNT',
    });
    const written = await updateItem(deps, {
      Key: groupKeyOf(recipient, groupKey),
      UpdateExpression: 'SET actorCount = :count ADD seq :one',
      ConditionExpression: seq === 0 ? 'attribute_exists(pk) AND attribute_not_exists(seq)' : 'seq = :seq',
      ExpressionAttributeValues: { ':count': count, ':one': 1, ...(seq === 0 ? {} : { ':seq': seq }) },
    });
    if (written === null) continue; // an event moved the group while we counted: count again
    if (count === 0) await dropIfEmpty(deps, recipient, groupKey);
    return count;
  }
  return num((await getItem(deps, groupKeyOf(recipient, groupKey)))?.actorCount);
}
