import type { AttachRefusal, MediaRecord, MediaRepo } from '../../../ports/media-repo.js';
import { key, queryUpTo, type DynamoDeps, type Item, type Key } from '../client.js';
import { deleteItem, getItem, num, putItem, str, updateItem } from '../social/items.js';
import { MAIN_INDEXES } from '../tables.js';

/** An upload: `MEDIA#<id>` / `MEDIA`. */
export const mediaKey = (id: string): Key => ({ pk: key('MEDIA', id), sk: 'MEDIA' });
/** The sparse gsi2 partition of uploads not attached yet, sorted by age (the sweep reads it oldest first). */
export const UNATTACHED_PK = 'MEDIA_UNATTACHED';
/** The gsi1 partition of an owner's uploads, by id (the account deletion's work list). */
const ownedPk = (owner: string): string => key('MEDIA_OF', owner);
/** The sparse gsi2 partition of claims not confirmed yet, by claim time (the sweep checks their status exists). */
export const CLAIMED_PK = 'MEDIA_CLAIMED';
const unattachedSk = (createdAt: number, id: string): string => `${String(createdAt).padStart(15, '0')}#${id}`;

const NAMES = {
  '#owner': 'owner',
  '#status': 'statusId',
  '#created': 'createdAt',
  '#g2pk': MAIN_INDEXES.gsi2.pk,
  '#g2sk': MAIN_INDEXES.gsi2.sk,
};

/**
 * Uploads on DynamoDB, one item each. An unattached upload is in gsi2 (`MEDIA_UNATTACHED`, by age); attaching is a
 * conditional update per item that sets its status id and takes it out of the index. Attaching several is not
 * atomic: a refusal part way releases the claims already made. A claim moves the upload to gsi2's `MEDIA_CLAIMED`
 * partition (by claim time) until the sweep confirms its status exists, or releases it when a crash between the
 * claims and the status write left it held by a status that was never written.
 */
export function createDynamoMediaRepo(deps: DynamoDeps): MediaRepo {
  async function claimOne(id: string, c: { owner: string; statusId: string; notBefore: number; claimedAt: number }) {
    return updateItem(deps, {
      Key: mediaKey(id),
      UpdateExpression: 'SET #status = :s, #g2pk = :cpk, #g2sk = :csk',
      ConditionExpression:
        'attribute_exists(pk) AND #owner = :o AND #created > :nb AND (attribute_not_exists(#status) OR #status = :s)',
      ExpressionAttributeNames: NAMES,
      ExpressionAttributeValues: {
        ':s': c.statusId,
        ':o': c.owner,
        ':nb': c.notBefore,
        ':cpk': CLAIMED_PK,
        ':csk': unattachedSk(c.claimedAt, id),
      },
      ReturnValues: 'ALL_NEW',
    });
  }

  async function refusal(id: string, owner: string): Promise<AttachRefusal> {
    const item = await getItem(deps, mediaKey(id));
    if (!item || item.owner !== owner) return { id, reason: 'missing' };
    if (typeof item.statusId === 'string') return { id, reason: 'attached', statusId: item.statusId };
    return { id, reason: 'expired' };
  }

  /** One of gsi2's two media partitions, oldest first, up to `before`. */
  async function byAge(partition: string, before: number, limit: number): Promise<Item[]> {
    const { items } = await queryUpTo(
      deps,
      {
        TableName: deps.tables.main,
        IndexName: MAIN_INDEXES.gsi2.name,
        KeyConditionExpression: '#pk = :pk AND #sk <= :before',
        ExpressionAttributeNames: { '#pk': MAIN_INDEXES.gsi2.pk, '#sk': MAIN_INDEXES.gsi2.sk },
        ExpressionAttributeValues: { ':pk': partition, ':before': unattachedSk(before, '\u{10FFFF}') },
      },
      limit,
    );
    return items;
  }

  const repo: MediaRepo = {
    async create(m) {
      const { statusId: _unattached, ...fields } = m;
      await putItem(deps, {
        Item: {
          ...mediaKey(m.id),
          ...fields,
          [MAIN_INDEXES.gsi2.pk]: UNATTACHED_PK,
          [MAIN_INDEXES.gsi2.sk]: unattachedSk(m.createdAt, m.id),
          [MAIN_INDEXES.gsi1.pk]: ownedPk(m.owner),
          [MAIN_INDEXES.gsi1.sk]: m.id,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      });
    },
    async get(id) {
      const item = await getItem(deps, mediaKey(id));
      return item ? toRecord(item) : null;
    },
    async setAlt(id, owner, alt) {
      const item = await updateItem(deps, {
        Key: mediaKey(id),
        UpdateExpression: 'SET alt = :alt',
        ConditionExpression: 'attribute_exists(pk) AND #owner = :o AND attribute_not_exists(#status)',
        ExpressionAttributeNames: { '#owner': 'owner', '#status': 'statusId' },
        ExpressionAttributeValues: { ':alt': alt, ':o': owner },
        ReturnValues: 'ALL_NEW',
      });
      if (item) return toRecord(item);
      const existing = await getItem(deps, mediaKey(id));
      return existing && existing.owner === owner ? 'attached' : 'missing';
    },
    async attach(ids, c) {
      const out: MediaRecord[] = [];
      for (const id of ids) {
        const item = await claimOne(id, c);
        if (!item) {
          await repo.release(
            out.map((m) => m.id),
            c.statusId,
          );
          return refusal(id, c.owner);
        }
        out.push(toRecord(item));
      }
      return out;
    },
    async release(ids, statusId, options) {
      const expire = options?.expire === true;
      for (const id of ids) {
        // Back into the sweep's index at its age (or at 0: swept next time, never attachable again).
        const createdAt = expire ? 0 : num((await getItem(deps, mediaKey(id)))?.createdAt);
        await updateItem(deps, {
          Key: mediaKey(id),
          UpdateExpression: 'SET #g2pk = :pk, #g2sk = :sk, #created = :c REMOVE #status',
          ConditionExpression: '#status = :s',
          ExpressionAttributeNames: {
            '#status': 'statusId',
            '#created': 'createdAt',
            '#g2pk': MAIN_INDEXES.gsi2.pk,
            '#g2sk': MAIN_INDEXES.gsi2.sk,
          },
          ExpressionAttributeValues: {
            ':s': statusId,
            ':pk': UNATTACHED_PK,
            ':sk': unattachedSk(createdAt, id),
            ':c': createdAt,
          },
        });
      }
    },
    async claimedBefore(before, limit) {
      const items = await byAge(CLAIMED_PK, before, limit);
      return items.map(toRecord).filter((m) => m.statusId !== null);
    },
    async confirm(id, statusId) {
      await updateItem(deps, {
        Key: mediaKey(id),
        UpdateExpression: 'REMOVE #g2pk, #g2sk',
        ConditionExpression: '#status = :s AND #g2pk = :cpk',
        ExpressionAttributeNames: {
          '#status': 'statusId',
          '#g2pk': MAIN_INDEXES.gsi2.pk,
          '#g2sk': MAIN_INDEXES.gsi2.sk,
        },
        ExpressionAttributeValues: { ':s': statusId, ':cpk': CLAIMED_PK },
      });
    },
    async unattachedBefore(before, limit) {
      const items = await byAge(UNATTACHED_PK, before, limit);
      return items.map(toRecord).filter((m) => m.statusId === null);
    },
    async deleteUnattached(id) {
      const removed = await deleteItem(deps, {
        Key: mediaKey(id),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(statusId)',
      });
      return removed !== null;
    },
    async byOwner(owner, range) {
      const g = MAIN_INDEXES.gsi1;
      const pk = ownedPk(owner);
      const { items } = await queryUpTo(
        deps,
        {
          TableName: deps.tables.main,
          IndexName: g.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': g.pk },
          ExpressionAttributeValues: { ':pk': pk },
          ...(range.after === undefined
            ? {}
            : { ExclusiveStartKey: { ...mediaKey(range.after), [g.pk]: pk, [g.sk]: range.after } }),
        },
        range.limit + 1,
      );
      const records = items.map(toRecord);
      const page = records.slice(0, range.limit);
      return { items: page, next: records.length > range.limit ? (page.at(-1)?.id ?? null) : null };
    },
    async remove(id) {
      await deleteItem(deps, { Key: mediaKey(id) });
    },
  };

  return repo;
}

function toRecord(item: Item): MediaRecord {
  return {
    id: str(item.id),
    owner: str(item.owner),
    statusId: typeof item.statusId === 'string' ? item.statusId : null,
    key: str(item.key),
    previewKey: str(item.previewKey),
    width: num(item.width),
    height: num(item.height),
    blurhash: str(item.blurhash),
    alt: str(item.alt),
    createdAt: num(item.createdAt),
  };
}
