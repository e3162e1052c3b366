// Pictures in an S3 bucket. The API keeps serving them at /media/<key> (see docs/aws.md, "Pictures"): the bucket
// stays private, URLs never expire, and the one-year immutable cache header lets a CDN in front answer repeats.

import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { blobKeyType, type BlobStore } from '../../ports/blob-store.js';

/** Blobs as objects in one bucket, optionally under a key prefix. */
export function createS3BlobStore(options: { s3: S3Client; bucket: string; prefix?: string }): BlobStore {
  const { s3, bucket } = options;
  const objectKey = (key: string): string => `${options.prefix ?? ''}${key}`;
  return {
    async put(key, blob) {
      if (blobKeyType(key) !== blob.contentType) throw new Error(`bad blob key ${key}`);
      // A PUT replaces the whole object at once: a reader never sees half a picture.
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey(key),
          Body: blob.bytes,
          ContentType: blob.contentType,
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
    },
    async putFile(key, path, contentType) {
      if (blobKeyType(key) !== contentType) throw new Error(`bad blob key ${key}`);
      // Streamed from the file (its length given, so the SDK sends it as one PUT without buffering it).
      const { size } = await stat(path);
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: objectKey(key),
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: contentType,
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
    },
    async get(key) {
      const contentType = blobKeyType(key);
      if (!contentType) return null;
      try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
        if (!res.Body) return null;
        return { bytes: Buffer.from(await res.Body.transformToByteArray()), contentType };
      } catch (err) {
        if (isMissing(err)) return null;
        throw err;
      }
    },
    async delete(key) {
      // S3 answers a delete of a missing object with success, as the port wants.
      if (blobKeyType(key)) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(key) }));
    },
    async signPut(key, c) {
      // A staged upload's key need not name its type: the bytes decide it when they are decoded.
      if (!blobKeyType(key)) throw new Error(`bad blob key ${key}`);
      const command = new PutObjectCommand({
        Bucket: bucket,
        Key: objectKey(key),
        ContentType: c.contentType,
        ContentLength: c.contentLength,
      });
      // Both headers signed (not hoisted to the query): S3 refuses a PUT of another length or type.
      const url = await getSignedUrl(s3, command, {
        expiresIn: c.expiresInSeconds,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return { url, headers: { 'Content-Type': c.contentType, 'Content-Length': String(c.contentLength) } };
    },
  } satisfies BlobStore;
}

function isMissing(err: unknown): boolean {
  const name = typeof err === 'object' && err !== null && 'name' in err ? String(err.name) : '';
  return name === 'NoSuchKey' || name === 'NotFound';
}
