import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsBlobStore } from '../src/adapters/fs/blob-store.js';
import { createS3BlobStore } from '../src/adapters/s3/blob-store.js';
import { EMULATOR_CREDENTIALS, provisionAwsLocal } from '../src/dev/provision.js';
import { runBlobContract } from './contract/blob-contract.js';
import { useEmulators } from './support/emulators.js';

runBlobContract({
  name: 'files',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tweeter-blobs-'));
    return { blobs: createFsBlobStore(dir), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  },
});

const emulators = useEmulators();
let run = 0;

runBlobContract({
  name: 's3 on fauxqs',
  create: async () => {
    run += 1;
    const bucket = `pictures-${run}`;
    await provisionAwsLocal({
      region: 'us-east-1',
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      sqsEndpoint: emulators.fauxqsEndpoint,
      s3Endpoint: emulators.fauxqsEndpoint,
      tables: { main: `b${run}-main`, feeds: `b${run}-feeds` },
      queuePrefix: `b${run}-`,
      bucket,
      maxAttempts: 3,
    });
    const s3 = new S3Client({
      region: 'us-east-1',
      endpoint: emulators.fauxqsEndpoint,
      forcePathStyle: true,
      credentials: EMULATOR_CREDENTIALS,
    });
    return { blobs: createS3BlobStore({ s3, bucket }), cleanup: async () => s3.destroy() };
  },
});
