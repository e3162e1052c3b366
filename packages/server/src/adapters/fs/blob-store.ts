import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Blob, BlobStore } from '../../ports/blob-store.js';

const KEY = /^[a-z0-9_-]+(\/[a-z0-9_-]+)*\.(png|jpg|webp)$/;
const TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** Blobs as files under a folder; the content type follows from the key's extension. */
export function createFsBlobStore(root: string): BlobStore {
  const path = (key: string): string | null => (KEY.test(key) ? join(root, key) : null);
  return {
    async put(key: string, blob: Blob): Promise<void> {
      const file = path(key);
      if (!file || TYPES[key.split('.').pop() ?? ''] !== blob.contentType) throw new Error(`bad blob key ${key}`);
      await mkdir(dirname(file), { recursive: true });
      // Write then rename: a reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, blob.bytes);
      await rename(tmp, file);
    },
    async get(key: string): Promise<Blob | null> {
      const file = path(key);
      if (!file) return null;
      try {
        return {
          bytes: await readFile(file),
          contentType: TYPES[key.split('.').pop() ?? ''] ?? 'application/octet-stream',
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async delete(key: string): Promise<void> {
      const file = path(key);
      if (file) await rm(file, { force: true });
    },
  };
}
