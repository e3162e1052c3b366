import {
  DeleteCommand,
  QueryCommand,
  UpdateCommand,
  type DeleteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { entryKeyOf, groupKeyOf } from '../src/adapters/dynamodb/notifications/keys.js';
import type { NotificationFaults } from './contract/store-fixtures.js';
import { describe, expect, it } from 'vitest';
import { FEED_INDEXES } from '../src/adapters/dynamodb/tables.js';
import { runStoreContract } from './contract/store-contract.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';

// The whole Store on dynalite (fresh tables per case); outbox jobs go to a real SQLite job queue.
const dynalite = useDynalite();

const TTL = 'storage expiry is DynamoDB TTL (items carry `ttl`); reads decide expiry, so the sweep removes nothing';

runStoreContract({
  name: 'dynamodb (dynalite)',
  countsRewrites: true,
  create: async () => {
    const t = await createDynamoTestStore(dynalite.endpoint);
    const send = (input: UpdateCommandInput | DeleteCommandInput) =>
      t.doc.send('UpdateExpression' in input ? new UpdateCommand(input) : new DeleteCommand(input));
    const notificationFaults: NotificationFaults = {
      async skewCount(recipient, groupKey, by) {
        await send({
          TableName: t.tables.main,
          Key: groupKeyOf(recipient, groupKey),
          UpdateExpression: 'ADD actorCount :by',
          ExpressionAttributeValues: { ':by': by },
        });
      },
      async dropEntry(recipient, groupKey, actor) {
        await send({ TableName: t.tables.main, Key: entryKeyOf(recipient, groupKey, actor) });
      },
    };
    return { store: t.store, queue: t.queue, notificationFaults, cleanup: t.cleanup };
  },
  skip: {
    'deleteExpired removes only expired sessions and returns how many': TTL,
    'deleteExpiredKeys removes at most limit keys, oldest first, and never a status': TTL,
  },
});

describe('DynamoDB feed entries (bounded feeds)', () => {
  it('are written without the byAuthor LSI key, so the LSI costs no writes, and purge and trim still work', async () => {
    const t = await createDynamoTestStore(dynalite.endpoint);
    try {
      const entries = Array.from({ length: 12 }, (_, i) => ({
        owner: 'bob',
        statusId: `01S${String(i).padStart(8, '0')}`,
        author: i % 2 ? 'ann' : 'dan',
      }));
      await t.store.feeds.addMany(entries);
      const raw = await t.doc.send(
        new QueryCommand({
          TableName: t.tables.feeds,
          KeyConditionExpression: 'pk = :o',
          ExpressionAttributeValues: { ':o': 'bob' },
        }),
      );
      expect(raw.Items).toHaveLength(12);
      for (const item of raw.Items ?? []) expect(Object.keys(item).sort()).toEqual(['author', 'pk', 'sk']);
      const lsi = await t.doc.send(
        new QueryCommand({
          TableName: t.tables.feeds,
          IndexName: FEED_INDEXES.byAuthor.name,
          KeyConditionExpression: 'pk = :o',
          ExpressionAttributeValues: { ':o': 'bob' },
        }),
      );
      expect(lsi.Items).toEqual([]);
      expect(await t.store.feeds.removeByAuthor('bob', 'ann')).toBe(6);
      expect(await t.store.feeds.trim('bob', { keep: 4, limit: 25 })).toBe(2);
      expect((await t.store.feeds.page('bob', { limit: 20 })).map((e) => e.author)).toEqual(Array(4).fill('dan'));
    } finally {
      await t.cleanup();
    }
  });
});
