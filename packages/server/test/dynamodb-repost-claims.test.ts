import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { newId } from '../src/domain/ids.js';
import { useDynamoStores } from './support/dynamo-store.js';

// DynamoDB keeps a repost's once-per-feed claim as an item of its own (`<owner>#R` / status id, repost-feed.ts);
// the feed trim removes the claims of the repost entries it drops, so trimmed feeds leave no claims behind.

const stores = useDynamoStores();
const T0 = 1_780_000_000_000;

describe('repost claims on dynalite', () => {
  it('the trim removes the claims of the repost entries it drops, bounded by its limit, and only theirs', async () => {
    const t = await stores.create();
    const { feeds, reposts } = t.store;
    const claims = async (): Promise<string[]> => {
      const out = await t.doc.send(new ScanCommand({ TableName: t.tables.feeds, ConsistentRead: true }));
      return (out.Items ?? [])
        .filter((item) => String(item.pk) === 'zoe#R')
        .map((item) => `${String(item.sk)}:${String(item.repostId)}`)
        .sort();
    };
    // Oldest first: three reposts (of S1, S2, S3), then 4 plain entries newer than all of them.
    const r = [1, 2, 3].map((n) => ({ id: newId(T0 + n), statusId: `S${n}`, reposter: 'bob' }));
    for (const repost of r) expect(await reposts.addToFeeds(repost, ['zoe'])).toEqual(['zoe']);
    await feeds.addMany([4, 5, 6, 7].map((n) => ({ owner: 'zoe', statusId: newId(T0 + 10 + n), author: 'ann' })));
    expect(await claims()).toEqual(r.map((x) => `${x.statusId}:${x.id}`));

    // Keep 5: the two oldest reposts go, one per call (limit 1; the newest past the bound first), each with its claim.
    expect(await feeds.trim('zoe', { keep: 5, limit: 1 })).toBe(1);
    expect(await claims()).toEqual([`S1:${r[0]?.id}`, `S3:${r[2]?.id}`]);
    expect(await feeds.trim('zoe', { keep: 5, limit: 1 })).toBe(1);
    expect(await claims()).toEqual([`S3:${r[2]?.id}`]);
    expect(await feeds.trim('zoe', { keep: 5, limit: 10 })).toBe(0); // idempotent: nothing past the bound
    expect(await claims()).toEqual([`S3:${r[2]?.id}`]);
    // The kept repost still shows, once: its claim stands.
    expect((await feeds.presence('zoe', ['S3'])).reposts.get('S3')).toBe(r[2]?.id);

    // A claim taken over by a later repost is not the trimmed entry's to remove: it stays.
    const later = { id: newId(T0 + 20), statusId: 'S3', reposter: 'cat' };
    await t.doc.send(new DeleteCommand({ TableName: t.tables.feeds, Key: { pk: 'zoe', sk: r[2]?.id } }));
    expect(await reposts.addToFeeds(later, ['zoe'])).toEqual(['zoe']);
    // A stale copy of the first entry (as a delivery replayed after the takeover could leave it), the oldest.
    const stale = { pk: 'zoe', sk: r[2]?.id, author: 'bob', original: 'S3' };
    await t.doc.send(new PutCommand({ TableName: t.tables.feeds, Item: stale }));
    expect(await feeds.trim('zoe', { keep: 5, limit: 10 })).toBe(1); // the stale copy, past the bound
    expect(await claims()).toEqual([`S3:${later.id}`]);
  });
});
