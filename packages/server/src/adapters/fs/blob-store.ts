import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
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
    async putFile(key: string, path: string, contentType: string): Promise<void> {
      if (blobKeyType(key) !== contentType) throw new Error(`bad blob key ${key}`);
      const file = join(root, key);
      await mkdir(dirname(file), { recursive: true });
      try {
        await rename(path, file); // the same file system: the file moves, nothing is copied
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      }
      // Another file system (the temporary folder elsewhere): the kernel copies it, then the same rename as put.
      const tmp = `${file}.${process.pid}.tmp`;
      await copyFile(path, tmp);
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
