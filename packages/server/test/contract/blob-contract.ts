import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/ports/blob-store.js';
import { putEncoded } from '../../src/services/encoded-image.js';

/** The BlobStore contract: the file-system and S3 adapters both pass it. */
export function runBlobContract(options: {
  name: string;
  create: () => Promise<{ blobs: BlobStore; cleanup: () => Promise<void> }>;
}): void {
  describe(`BlobStore contract: ${options.name}`, () => {
    let blobs: BlobStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ blobs, cleanup } = await options.create());
    });
    afterEach(async () => {
      await cleanup?.();
    });

    it('put then get returns the same bytes and type; put again replaces them', async () => {
      const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
      await blobs.put('avatars/ann/1.png', { bytes, contentType: 'image/png' });
      expect(await blobs.get('avatars/ann/1.png')).toEqual({ bytes, contentType: 'image/png' });
      await blobs.put('avatars/ann/1.png', { bytes: Buffer.from('x'), contentType: 'image/png' });
      expect((await blobs.get('avatars/ann/1.png'))?.bytes.toString()).toBe('x');
    });

    it('stores a file by its path (putFile), read back as the same bytes; the file is gone after putEncoded', async () => {
      expect(blobs.putFile).toBeTypeOf('function');
      const dir = await mkdtemp(join(tmpdir(), 'blob-contract-'));
      try {
        const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 13) % 256));
        const path = join(dir, 'upload.image');
        await writeFile(path, bytes);
        await putEncoded(blobs, 'media/x1.jpg', { path, size: bytes.length }, 'image/jpeg');
        expect(await blobs.get('media/x1.jpg')).toEqual({ bytes, contentType: 'image/jpeg' });
        await expect(writeFile(path, 'x', { flag: 'wx' })).resolves.toBeUndefined(); // no file was left there
        await expect(blobs.putFile?.('../x.jpg', path, 'image/jpeg')).rejects.toThrow(/bad blob key/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('a missing key reads as null and deletes without error', async () => {
      expect(await blobs.get('avatars/nobody/1.webp')).toBeNull();
      await blobs.delete('avatars/nobody/1.webp');
    });

    it('delete removes the blob', async () => {
      await blobs.put('a/b.jpg', { bytes: Buffer.from('jpeg'), contentType: 'image/jpeg' });
      await blobs.delete('a/b.jpg');
      expect(await blobs.get('a/b.jpg')).toBeNull();
    });

    it('keys that are not blob keys read as missing and cannot be written', async () => {
      for (const key of ['../etc/passwd.png', 'a/../b.png', 'A.png', 'a.gif', '', 'a//b.png', '/a.png']) {
        expect(await blobs.get(key)).toBeNull();
      }
      await expect(blobs.put('../x.png', { bytes: Buffer.from('x'), contentType: 'image/png' })).rejects.toThrow(
        /bad blob key/,
      );
      await expect(blobs.put('x.png', { bytes: Buffer.from('x'), contentType: 'image/jpeg' })).rejects.toThrow(
        /bad blob key/,
      );
    });
  });
}
