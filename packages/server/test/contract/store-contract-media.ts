import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { createFsBlobStore } from '../../src/adapters/fs/blob-store.js';
import { MEDIA_CLAIM_GRACE_MS, MediaSweepProcessor } from '../../src/jobs/media-sweep.js';
import type { MediaRecord, Store } from '../../src/ports/store.js';
import { sid, status, T0 } from './store-fixtures.js';

type Test = (title: string, fn: () => Promise<void>) => void;

/** An upload of `owner`'s made at T0 + n. */
function upload(n: number, owner: string, extra: Partial<MediaRecord> = {}): MediaRecord {
  const id = `01M${String(n).padStart(23, '0')}`;
  return {
    id,
    owner,
    statusId: null,
    key: `media/${id.toLowerCase()}.jpg`,
    previewKey: `media/${id.toLowerCase()}-preview.jpg`,
    width: 640,
    height: 480,
    blurhash: 'LEHV6nWB2yk8pyo0adR*.7kCMdnj',
    alt: '',
    createdAt: T0 + n,
    ...extra,
  };
}

const image = ({ owner: _o, statusId: _s, createdAt: _c, ...rest }: MediaRecord) => rest;

/** The Store contract for uploads: single-item conditional claims, the unattached list the sweep reads. */
export function runMediaStoreContract(hooks: { test: Test; store: () => Store }): void {
  const { test } = hooks;
  const claim = { owner: 'ann', statusId: 'S1', notBefore: T0, claimedAt: T0 + 10 };
  describe('media', () => {
    test('create then get returns the same record; an unknown id is null', async () => {
      const store = hooks.store();
      await store.media.create(upload(1, 'ann', { alt: 'a heron' }));
      expect(await store.media.get(upload(1, 'ann').id)).toEqual(upload(1, 'ann', { alt: 'a heron' }));
      expect(await store.media.get('01MNOSUCH')).toBeNull();
    });

    test('setAlt changes only my unattached upload', async () => {
      const store = hooks.store();
      const m = upload(1, 'ann');
      await store.media.create(m);
      expect(await store.media.setAlt(m.id, 'bob', 'x')).toBe('missing');
      expect(await store.media.setAlt('01MNOSUCH', 'ann', 'x')).toBe('missing');
      expect(await store.media.setAlt(m.id, 'ann', 'new alt')).toMatchObject({ alt: 'new alt' });
      expect(await store.media.attach([m.id], claim)).toHaveLength(1);
      expect(await store.media.setAlt(m.id, 'ann', 'late')).toBe('attached');
      expect((await store.media.get(m.id))?.alt).toBe('new alt');
    });

    test('attach claims all in order, or none with the first refusal', async () => {
      const store = hooks.store();
      for (const m of [upload(1, 'ann'), upload(2, 'ann'), upload(3, 'bob')]) await store.media.create(m);
      const [a, b, c] = [upload(1, 'ann').id, upload(2, 'ann').id, upload(3, 'bob').id];
      expect(await store.media.attach([a, c], claim)).toEqual({ id: c, reason: 'missing' });
      // The refused claim let go of `a`.
      expect((await store.media.get(a))?.statusId).toBeNull();
      const got = await store.media.attach([b, a], claim);
      expect(Array.isArray(got) && got.map(image)).toEqual([image(upload(2, 'ann')), image(upload(1, 'ann'))]);
      // A replay for the same status is a no-op; another status is refused, naming the holder.
      expect(await store.media.attach([a], claim)).toHaveLength(1);
      expect(await store.media.attach([a], { ...claim, statusId: 'S2' })).toEqual({
        id: a,
        reason: 'attached',
        statusId: 'S1',
      });
    });

    test('attach refuses an upload created at or before notBefore', async () => {
      const store = hooks.store();
      await store.media.create(upload(5, 'ann'));
      expect(await store.media.attach([upload(5, 'ann').id], { ...claim, notBefore: T0 + 5 })).toEqual({
        id: upload(5, 'ann').id,
        reason: 'expired',
      });
    });

    test('unattachedBefore lists old unattached uploads oldest first; release and expire put them back', async () => {
      const store = hooks.store();
      for (let n = 1; n <= 4; n++) await store.media.create(upload(n, 'ann'));
      const ids = [1, 2, 3, 4].map((n) => upload(n, 'ann').id);
      await store.media.attach([ids[0] as string, ids[2] as string], claim);
      expect((await store.media.unattachedBefore(T0 + 4, 10)).map((m) => m.id)).toEqual([ids[1], ids[3]]);
      expect((await store.media.unattachedBefore(T0 + 3, 10)).map((m) => m.id)).toEqual([ids[1]]);
      expect(await store.media.unattachedBefore(T0 + 4, 1)).toHaveLength(1);
      // Released by a status that is not the holder: nothing happens.
      await store.media.release([ids[0] as string], 'S9');
      expect((await store.media.get(ids[0] as string))?.statusId).toBe('S1');
      await store.media.release([ids[0] as string], 'S1');
      await store.media.release([ids[2] as string], 'S1', { expire: true });
      const listed = (await store.media.unattachedBefore(T0 + 4, 10)).map((m) => m.id);
      expect(listed).toEqual([ids[2], ids[0], ids[1], ids[3]]);
      // An expired one can never be attached again.
      expect(await store.media.attach([ids[2] as string], claim)).toMatchObject({ reason: 'expired' });
    });

    test('claimedBefore lists unconfirmed claims by claim time until confirmed or released', async () => {
      const store = hooks.store();
      for (let n = 1; n <= 3; n++) await store.media.create(upload(n, 'ann'));
      const [a, b, c] = [1, 2, 3].map((n) => upload(n, 'ann').id) as [string, string, string];
      await store.media.attach([b], { ...claim, statusId: 'S2', claimedAt: T0 + 20 });
      await store.media.attach([a, c], claim);
      expect((await store.media.claimedBefore(T0 + 20, 10)).map((m) => m.id).sort()).toEqual([a, b, c].sort());
      expect((await store.media.claimedBefore(T0 + 19, 10)).map((m) => m.id).sort()).toEqual([a, c].sort());
      expect((await store.media.claimedBefore(T0 + 20, 10)).at(-1)?.id).toBe(b);
      expect(await store.media.claimedBefore(T0 + 20, 1)).toHaveLength(1);
      // Confirming for a status that is not the holder changes nothing.
      await store.media.confirm(a, 'S9');
      await store.media.confirm(a, 'S1');
      await store.media.release([c], 'S1');
      expect((await store.media.claimedBefore(T0 + 20, 10)).map((m) => m.id)).toEqual([b]);
      expect((await store.media.get(a))?.statusId).toBe('S1');
      // A confirmed upload stays attached and out of the sweep's unattached list.
      expect((await store.media.unattachedBefore(T0 + 20, 10)).map((m) => m.id)).toEqual([c]);
    });

    test('the media sweep releases a claim whose status was never written, after the grace period', async () => {
      const store = hooks.store();
      const dir = mkdtempSync(join(tmpdir(), 'tweeter-media-sweep-'));
      try {
        let now = T0 + 100;
        const sweep = new MediaSweepProcessor({
          media: store.media,
          statuses: store.statuses,
          blobs: createFsBlobStore(dir),
          clock: { now: () => now },
          batchSize: 1,
        });
        await store.users.createMany(
          [{ alias: 'ann', firstName: 'A', lastName: 'A', passwordHash: 'x', imageKey: null, createdAt: T0 }].map(
            (u) => ({ ...u, followerCount: 0, followeeCount: 0 }),
          ),
        );
        for (let n = 1; n <= 3; n++) await store.media.create(upload(n, 'ann'));
        const [a, b, c] = [1, 2, 3].map((n) => upload(n, 'ann').id) as [string, string, string];
        // `a` and `b` claimed by a status that was written; `c` by one that never was (a crash after the claim).
        const written = status(7, 'ann');
        await store.media.attach([a, b], { ...claim, statusId: written.id, claimedAt: now });
        await store.statuses.create({ ...written, media: [] }, { audience: 0 });
        await store.media.attach([c], { ...claim, statusId: sid(8), claimedAt: now });
        const job = { id: 'j1', name: 'media.sweep', payload: {}, attempts: 1, enqueuedAt: now, receipt: 'r1' };
        now += MEDIA_CLAIM_GRACE_MS - 1;
        await sweep.perform(job);
        expect((await store.media.get(c))?.statusId).toBe(sid(8));
        now += 2;
        await sweep.perform(job);
        // Released to unattached at its upload's age: attachable again within the day, swept after it.
        expect((await store.media.get(c))?.statusId).toBeNull();
        expect((await store.media.get(c))?.createdAt).toBe(T0 + 3);
        expect((await store.media.get(a))?.statusId).toBe(written.id);
        expect((await store.media.get(b))?.statusId).toBe(written.id);
        expect(await store.media.claimedBefore(now, 10)).toEqual([]);
        // A second run is a no-op (idempotent), and the attached ones are never swept.
        await sweep.perform(job);
        expect((await store.media.get(a))?.statusId).toBe(written.id);
        expect((await store.media.get(c))?.statusId).toBeNull();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    test('deleteUnattached removes only an unattached upload', async () => {
      const store = hooks.store();
      await store.media.create(upload(1, 'ann'));
      await store.media.create(upload(2, 'ann'));
      await store.media.attach([upload(1, 'ann').id], claim);
      expect(await store.media.deleteUnattached(upload(1, 'ann').id)).toBe(false);
      expect(await store.media.deleteUnattached(upload(2, 'ann').id)).toBe(true);
      expect(await store.media.deleteUnattached(upload(2, 'ann').id)).toBe(false);
      expect(await store.media.get(upload(2, 'ann').id)).toBeNull();
      expect(await store.media.get(upload(1, 'ann').id)).not.toBeNull();
    });

    test('a status keeps the images it was written with, in order; one without has none', async () => {
      const store = hooks.store();
      await store.users.createMany([
        {
          alias: 'ann',
          firstName: 'A',
          lastName: 'A',
          passwordHash: 'x',
          imageKey: null,
          createdAt: T0,
          followerCount: 0,
          followeeCount: 0,
        },
      ]);
      const images = [image(upload(2, 'ann')), image(upload(1, 'ann', { alt: 'second' }))];
      await store.statuses.create({ ...status(1, 'ann'), media: images }, { audience: 0 });
      await store.statuses.create(status(2, 'ann'), { audience: 0 });
      expect((await store.statuses.get(status(1, 'ann').id))?.media).toEqual(images);
      expect((await store.statuses.getMany([status(1, 'ann').id])).get(status(1, 'ann').id)?.media).toEqual(images);
      expect((await store.statuses.byAuthor('ann', { limit: 5 }))[1]?.media).toEqual(images);
      expect((await store.statuses.get(status(2, 'ann').id))?.media).toBeUndefined();
    });
  });
}
