import type { Segment } from '@tweeter/shared';
import { ConflictError } from '../../../domain/errors.js';
import { IDEMPOTENCY_KEY_TTL_MS } from '../../../domain/idempotency.js';
import type { CommentRecord, MediaImage, QuoteEdge, StatusRecord, StatusRepo } from '../../../ports/store.js';
import { batchGet, queryUpTo, sleep, type DynamoDeps, type Item } from '../client.js';
import { deleteItem, getItem, num, putItem, putNew, str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';
import { deletedStatusKey, deliveryKey, idempotencyKey, statusKey, storyOf, ttlSeconds } from './keys.js';
import { pendingAttributes, pendingUpdate, type DynamoOutbox } from './outbox.js';

/** How long a claimed key whose status is not written yet counts as its first request still running. */
const IN_FLIGHT_MS = 10_000;

/**
 * Statuses on DynamoDB: `STATUS#<id>` / `STATUS`, in the author's story (gsi1 `STORY#<author>`, sort key the id),
 * its delivery record beside it (`DELIVERY`), and an idempotency key item `IDEM#<author>#<key>` naming it. A new
 * status carries an outbox marker until its delivery record exists and its jobs are sent. A delete first marks
 * the status (gone for every read, out of the story index), then removes the delivery record and the key, sends
 * its jobs and deletes the item: a crash anywhere in between is finished by the outbox sweeper.
 */
export function createDynamoStatusesRepo(
  deps: DynamoDeps,
  outbox: DynamoOutbox,
  now: () => number,
  /** Writes a reply's place in its thread (idempotent); see placeComment in social/comments-repo.ts. */
  placeReply: (place: CommentRecord, options: { keepIfParentGone: boolean }) => Promise<boolean>,
  /** Writes a quote's edge and counts it only if new (QuoteRepo.add: idempotent). */
  placeQuote: (edge: QuoteEdge) => Promise<void>,
): StatusRepo {
  // A reply's place, from its status item (which carries all of it): written by the writer, or by the sweeper.
  const place = (item: Item, recovering: boolean): Promise<boolean> =>
    placeReply(
      {
        id: str(item.id),
        statusId: str(item.inReplyToId),
        author: str(item.author),
        text: str(item.post),
        createdAt: num(item.createdAt),
        deleted: false,
      },
      { keepIfParentGone: recovering },
    );
  // A quote's edge, from its status item.
  const quote = (item: Item): Promise<void> =>
    placeQuote({ quotedId: str(item.quoteOfId), id: str(item.id), author: str(item.author) });
  // A pulled status is not fanned out: its delivery is done at once, with every follower counted as reached.
  const deliveryItem = (item: Item): Item => {
    const pulled = item.pulled === true;
    const reached = pulled ? num(item.aud) : 0;
    return {
      ...deliveryKey(str(item.id)),
      statusId: item.id,
      author: item.author,
      audience: num(item.aud),
      delivered: reached,
      planned: reached,
      planStarted: pulled,
      planDone: pulled,
      createdAt: item.createdAt,
      ...(pulled ? { finishedAt: item.createdAt } : {}),
    };
  };
  outbox.handle('status', {
    async effects(item, recovering) {
      await putNew(deps, deliveryItem(item));
      // The writer places a reply and a quote's edge itself (it must know whether the parent was still there); the
      // sweeper finishes a status whose writer died before that, and has the parent's and the quoted status's counts
      // re-counted (an ADD may not have run).
      if (!recovering) return [];
      const recount: string[] = [];
      if (typeof item.inReplyToId === 'string') {
        await place(item, true);
        recount.push(item.inReplyToId);
      }
      if (typeof item.quoteOfId === 'string') {
        await quote(item);
        recount.push(item.quoteOfId);
      }
      return recount.map((id) => ({ name: 'counts.reconcile', payload: { target: 'status', id } }));
    },
  });
  outbox.handle('delete', {
    async effects(item) {
      const id = str(item.id);
      await deleteItem(deps, { Key: deliveryKey(id) });
      if (typeof item.idemKey === 'string') {
        await deleteItem(deps, {
          Key: idempotencyKey(str(item.author), item.idemKey),
          ConditionExpression: 'statusId = :id',
          ExpressionAttributeValues: { ':id': id },
        });
      }
      return [];
    },
    async done(item) {
      await deleteItem(deps, {
        Key: statusKey(str(item.id)),
        ConditionExpression: 'obxId = :id',
        ExpressionAttributeValues: { ':id': item.obxId },
      });
    },
  });

  /**
   * The status a key already claimed names. Its first request may still be writing it (the key goes first): wait
   * briefly for it. A key younger than IN_FLIGHT_MS whose status never appears answers 409 (the first request is
   * still running); an older one names a post that died before its status was written, and is taken over (null).
   */
  async function claimedBy(author: string, key: string, at: number): Promise<StatusRecord | null> {
    for (let wait = 0; wait <= 4; wait++) {
      if (wait > 0) await sleep(25 * 2 ** wait);
      const first = await keyed(author, key, at);
      if (first) return first;
    }
    const claim = await getItem(deps, idempotencyKey(author, key));
    if (claim && num(claim.claimedAt) > Date.now() - IN_FLIGHT_MS) {
      throw new ConflictError(
        'conflict',
        'a request with this Idempotency-Key is still being processed: retry in a moment',
      );
    }
    return null;
  }

  /** The live status an unexpired key names, or null (no key, expired, or naming a status that is gone). */
  async function keyed(author: string, key: string, at: number): Promise<StatusRecord | null> {
    const item = await getItem(deps, idempotencyKey(author, key));
    if (!item || num(item.createdAt) <= at - IDEMPOTENCY_KEY_TTL_MS) return null;
    const status = await getItem(deps, statusKey(str(item.statusId)));
    return status && status.obxKind !== 'delete' ? toRecord(status) : null;
  }

  return {
    async create(status, options) {
      const key = options.idempotencyKey;
      if (key !== undefined) {
        const claim = {
          ...idempotencyKey(status.author, key),
          statusId: status.id,
          createdAt: status.createdAt,
          claimedAt: Date.now(),
          ttl: ttlSeconds(status.createdAt + IDEMPOTENCY_KEY_TTL_MS),
        };
        const claimed = await putItem(deps, {
          Item: claim,
          ConditionExpression: 'attribute_not_exists(pk) OR createdAt <= :expired',
          ExpressionAttributeValues: { ':expired': status.createdAt - IDEMPOTENCY_KEY_TTL_MS },
        });
        if (!claimed) {
          const first = await claimedBy(status.author, key, status.createdAt);
          if (first) return { status: first, created: false };
          // The key names a status that is gone (deleted, or a post that died before writing it): take it over.
          await putItem(deps, { Item: claim });
        }
      }
      const itemKey = statusKey(status.id);
      const item: Item = {
        ...itemKey,
        ...status,
        segments: JSON.stringify(status.segments),
        aud: options.audience,
        idemKey: key,
        [MAIN_INDEXES.gsi1.pk]: storyOf(status.author),
        [MAIN_INDEXES.gsi1.sk]: status.id,
        ...pendingAttributes('status', options.outbox ?? [], now(), itemKey),
      };
      await putItem(deps, { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
      // A reply's place and a quote's edge before the marker is cleared: a crash in between leaves the marker, and the
      // sweeper writes them. A reply taken back (parent gone) gets no edge.
      const placed = status.inReplyToId === undefined || (await place(item, false));
      if (placed && status.quoteOfId !== undefined) await quote(item);
      await outbox.finish(item);
      return placed ? { status, created: true } : { status, created: true, parentGone: true };
    },
    async adopt(status) {
      // No delivery to run and no jobs: a status that never reached feeds (a comment made before replies).
      const item: Item = {
        ...statusKey(status.id),
        ...status,
        segments: JSON.stringify(status.segments),
        aud: 0,
        [MAIN_INDEXES.gsi1.pk]: storyOf(status.author),
        [MAIN_INDEXES.gsi1.sk]: status.id,
      };
      return putItem(deps, { Item: item, ConditionExpression: 'attribute_not_exists(pk)' });
    },
    async get(id) {
      const item = await getItem(deps, statusKey(id));
      return item && item.obxKind !== 'delete' ? toRecord(item) : null;
    },
    async getMany(ids) {
      const statuses = new Map<string, StatusRecord>();
      for (const item of await batchGet(deps, deps.tables.main, ids.map(statusKey))) {
        if (item.obxKind !== 'delete') statuses.set(str(item.id), toRecord(item));
      }
      return statuses;
    },
    async byAuthor(author, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk },
          ExpressionAttributeValues: { ':pk': storyOf(author), ':before': range.before ?? '\u{10FFFF}' },
          ScanIndexForward: false,
        },
        range.limit,
      );
      return items.map(toRecord);
    },
    async postsByAuthor(author, range) {
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: MAIN_INDEXES.gsi1.name,
          KeyConditionExpression: '#pk = :pk AND #sk < :before',
          ProjectionExpression: '#id, post, createdAt',
          ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi1.pk, '#sk': MAIN_INDEXES.gsi1.sk, '#id': 'id' },
          ExpressionAttributeValues: { ':pk': storyOf(author), ':before': range.before ?? '\u{10FFFF}' },
          ScanIndexForward: false,
        },
        range.limit,
      );
      return items.map((item) => ({ id: str(item.id), post: str(item.post), createdAt: num(item.createdAt) }));
    },
    async delete(id, options) {
      const itemKey = statusKey(id);
      const pending = pendingUpdate(pendingAttributes('delete', options?.outbox ?? [], now(), itemKey));
      const marked = await updateItem(deps, {
        Key: itemKey,
        // Out of the story index at once; every other read skips a status marked for deletion.
        UpdateExpression: `SET ${pending.set} REMOVE #g1pk, #g1sk`,
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(obxKind) OR obxKind <> :delete)',
        ExpressionAttributeNames: { ...pending.names, '#g1pk': MAIN_INDEXES.gsi1.pk, '#g1sk': MAIN_INDEXES.gsi1.sk },
        ExpressionAttributeValues: { ...pending.values, ':delete': 'delete' },
        ReturnValues: 'ALL_NEW',
      });
      if (!marked) return false;
      // Before the outbox finishes (which removes the item): a reply racing this sees the status or the marker.
      await putItem(deps, { Item: { ...deletedStatusKey(id), deletedAt: now() } });
      await outbox.finish(marked);
      return true;
    },
    async wasDeleted(id) {
      return (await getItem(deps, deletedStatusKey(id))) !== null;
    },
    async deleteExpiredKeys() {
      return 0; // key items carry a ttl: DynamoDB reclaims them, and create ignores expired ones
    },
  };
}

export function toRecord(item: Item): StatusRecord {
  return {
    id: str(item.id),
    author: str(item.author),
    post: str(item.post),
    segments: parseSegments(str(item.segments)),
    createdAt: num(item.createdAt),
    ...(item.pulled === true ? { pulled: true } : {}),
    ...(Array.isArray(item.media) && item.media.length > 0 ? { media: item.media as MediaImage[] } : {}),
    ...(typeof item.inReplyToId === 'string' ? { inReplyToId: item.inReplyToId } : {}),
    ...(typeof item.inReplyToAuthor === 'string' ? { inReplyToAuthor: item.inReplyToAuthor } : {}),
    ...(typeof item.quoteOfId === 'string' ? { quoteOfId: item.quoteOfId } : {}),
  };
}

function parseSegments(text: string): Segment[] {
  const value: unknown = JSON.parse(text || '[]');
  // Written by this adapter from typed records.
  return Array.isArray(value) ? (value as Segment[]) : [];
}
