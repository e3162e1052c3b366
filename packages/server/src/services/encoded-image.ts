import { readFile, rm } from 'node:fs/promises';
import type { BlobStore } from '../ports/blob-store.js';

/** An encoded image written to a file by the image child (next to the spooled upload), not held in memory here. */
export interface EncodedFile {
  path: string;
  size: number;
}

/** An encoded image (the pipeline's output): bytes in memory, or a file. */
export type Encoded = Buffer | EncodedFile;

/**
 * Stores an encoded image as `key`. A file goes by path (the store renames or streams it: its bytes never pass through
 * this thread) and is removed after, stored or not.
 */
export async function putEncoded(blobs: BlobStore, key: string, encoded: Encoded, contentType: string): Promise<void> {
  if (Buffer.isBuffer(encoded)) return blobs.put(key, { bytes: encoded, contentType });
  try {
    if (blobs.putFile) await blobs.putFile(key, encoded.path, contentType);
    else await blobs.put(key, { bytes: await readFile(encoded.path), contentType });
  } finally {
    await rm(encoded.path, { force: true });
  }
}

/**
 * Where the image child writes the outputs of a spooled upload at `input`: beside it, in the same temporary folder,
 * so what a failed request leaves behind goes with the upload (http/upload-spool.ts removes these too).
 */
export function outputPaths(input: string): { image: string; preview: string } {
  return { image: `${input}.image`, preview: `${input}.preview` };
}

/** Removes what of an output is a file (an upload refused after its decode). */
export async function discardEncoded(...encoded: Encoded[]): Promise<void> {
  await Promise.all(encoded.map((e) => (Buffer.isBuffer(e) ? undefined : rm(e.path, { force: true }))));
}
