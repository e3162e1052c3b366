import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { statusKey } from '../src/adapters/dynamodb/core/keys.js';
import { CountsReconcileProcessor } from '../src/jobs/counts-reconcile.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';
import { useTestApps } from './support/use-test-app.js';

// The DynamoDB repost count is ADDed beside each repost's `counted` flag; a crash between the two leaves it one off.
// counts.reconcile re-counts it from the flags, as it does a status's reactions, replies and quotes.

const dynalite = useDynalite();
const opened = useTestApps();

describe('the repost count on dynalite', () => {
  it('a count left off by a crash is made exact by counts.reconcile', async () => {
    const d = await createDynamoTestStore(dynalite.endpoint);
    opened.defer(() => d.cleanup());
    const app = await opened.start({}, { stores: { store: d.store, queue: d.queue } });
    const ann = await app.register('ann');
    const res = await app.as(ann, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'repost me' } });
    const id = res.json<{ id: string }>().id;
    for (const alias of ['bob', 'cat']) {
      const token = await app.register(alias);
      expect((await app.as(token, { method: 'PUT', url: `/api/v1/statuses/${id}/repost` })).statusCode).toBe(200);
    }
    expect(await d.store.reposts.counts([id])).toEqual(new Map([[id, 2]]));
    // As a crash between a repost's flag and its ADD (or an ADD replayed by hand) would leave it: one high.
    await d.doc.send(
      new UpdateCommand({
        TableName: d.tables.main,
        Key: statusKey(id),
        UpdateExpression: 'ADD repostCount :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    expect(await d.store.reposts.counts([id])).toEqual(new Map([[id, 3]]));
    const { store } = d;
    const reconcile = new CountsReconcileProcessor({ ...store, reposts: store.reposts });
    await reconcile.perform({
      id: 'j1',
      name: 'counts.reconcile',
      payload: { target: 'status', id },
      attempts: 1,
      enqueuedAt: 0,
      receipt: 'r1',
    });
    expect(await d.store.reposts.counts([id])).toEqual(new Map([[id, 2]]));
    expect(await d.store.reposts.recount(id)).toBe(2);
  });
});
