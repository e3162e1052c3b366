import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { relationCount, userKey } from '../src/adapters/dynamodb/core/keys.js';
import { createDynamoTestStore } from './support/dynamo-store.js';
import { useDynalite } from './support/emulators.js';
import { useTestApps } from './support/use-test-app.js';

// The DynamoDB bound on blocks and mutes is a counter on the owner's profile. A crash between its ADD and the edge's
// write leaves it one high; the refusal it then causes re-counts it from the edges, so nobody is held below the bound.

const dynalite = useDynalite();
const opened = useTestApps();

describe('the block/mute bound counter on dynalite', () => {
  it('a counter left high by a crash is re-counted at the refusal it causes', async () => {
    const d = await createDynamoTestStore(dynalite.endpoint);
    opened.defer(() => d.cleanup());
    const app = await opened.start({ RELATIONS_MAX: '1' }, { stores: { store: d.store, queue: d.queue } });
    const ann = await app.register('ann');
    for (const a of ['bob', 'cat']) await app.register(a);
    // As a crash after the ADD and before the edge's put would leave it: counted, no edge.
    await d.doc.send(
      new UpdateCommand({
        TableName: d.tables.main,
        Key: userKey('ann'),
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': relationCount('block') },
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    const block = (alias: string) => app.as(ann, { method: 'PUT', url: `/api/v1/me/blocks/${alias}` });
    expect((await block('bob')).statusCode).toBe(200);
    const full = await block('cat');
    expect(full.statusCode).toBe(429);
    expect(full.json().error.code).toBe('limit_reached');
    expect(await d.store.relations.recount('ann', 'block')).toBe(1);
  });
});
