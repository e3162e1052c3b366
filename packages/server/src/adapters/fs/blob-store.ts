import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { blobKeyType, type Blob, type BlobStore } from '../../ports/blob-store.js';

/** Blobs as files under a folder; the content type follows from the key's extension. */
export function createFsBlobStore(root: string): BlobStore {
  return {
    async put(key: string, blob: Blob): Promise<void> {
      if (blobKeyType(key) !== blob.contentType) throw new Error(`bad blob key ${key}`);
      const file = join(root, key);
      await mkdir(dirname(file), { recursive: true });
      // Write then rename: a reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, blob.bytes);
      await rename(tmp, file);
    },
    async get(key: string): Promise<Blob | null> {
      const contentType = blobKeyType(key);
      if (!contentType) return null;
      try {
        return { bytes: await readFile(join(root, key)), contentType };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key: string): Promise<void> {
      if (blobKeyType(key)) await rm(join(root, key), { force: true });
    },
  };
}
