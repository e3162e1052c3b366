// The AWS shape's half of opening stores: the DynamoDB store, the SQS queue and S3 pictures built from the config,
// and the start-up check that names the setting behind a missing table, queue or bucket, an unreachable endpoint
// or a wrong region. Only stores.ts imports this (on demand); no AWS type crosses it.

import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '../adapters/dynamodb/client.js';
import { createDynamoStore } from '../adapters/dynamodb/store.js';
import { createS3BlobStore } from '../adapters/s3/blob-store.js';
import { createSqsJobQueue } from '../adapters/sqs/job-queue.js';
import { resolveQueueUrls } from '../adapters/sqs/provision.js';
import type { AwsConfig, Config, StaticCredentials } from '../config/config.js';
import { StartupError } from '../runtimes/node/startup-error.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { Opened, StoreAndQueue } from './stores.js';

/** The DynamoDB store with the SQS queue its outbox relays through. */
export function openDynamoAndSqs(config: Config, clock: Clock): Opened<StoreAndQueue> {
  const aws = required(config.aws);
  const doc = createDocumentClient({
    ...clientSettings(aws),
    ...(aws.endpoints.dynamodb ? { endpoint: aws.endpoints.dynamodb } : {}),
  });
  const sqs = new SQSClient({ ...clientSettings(aws), ...(aws.endpoints.sqs ? { endpoint: aws.endpoints.sqs } : {}) });
  // Queue URLs carry the account id, so they are looked up once; verify() surfaces a failure at start.
  const urls = resolveQueueUrls(sqs, aws.queuePrefix);
  urls.catch(() => undefined);
  const queue = createSqsJobQueue({
    sqs,
    dynamo: doc,
    table: aws.tables.main,
    queues: urls,
    clock,
    retry: {
      maxAttempts: config.jobs.maxAttempts,
      backoffBaseMs: config.jobs.backoffBaseMs,
      maxBackoffMs: config.jobs.backoffMaxMs,
    },
  });
  const store = createDynamoStore({
    doc,
    tables: aws.tables,
    queue,
    clock,
    notificationRetentionMs: config.notificationRetentionMs,
    ...(aws.writeBudget === null ? {} : { writeBudget: aws.writeBudget }),
  });
  return {
    value: { store, queue },
    async verify() {
      for (const [table, setting] of [
        [aws.tables.main, 'DYNAMODB_TABLE_MAIN'],
        [aws.tables.feeds, 'DYNAMODB_TABLE_FEEDS'],
      ] as const) {
        await check(aws, 'dynamodb', () => doc.send(new DescribeTableCommand({ TableName: table })), {
          ResourceNotFoundException: `DynamoDB table "${table}" does not exist in ${aws.region} (${setting}, AWS_REGION)`,
        });
      }
      await check(aws, 'sqs', () => urls, {});
    },
    async close() {
      sqs.destroy();
    },
  };
}

/** Pictures in S3. */
export function openS3Blobs(config: Config): Opened<BlobStore> {
  const aws = required(config.aws);
  const bucket = aws.bucket ?? '';
  const s3 = new S3Client({
    ...clientSettings(aws),
    forcePathStyle: aws.s3ForcePathStyle,
    ...(aws.endpoints.s3 ? { endpoint: aws.endpoints.s3 } : {}),
  });
  return {
    value: createS3BlobStore({ s3, bucket }),
    async verify() {
      await check(aws, 's3', () => s3.send(new HeadBucketCommand({ Bucket: bucket })), {
        NotFound: `S3 bucket "${bucket}" does not exist (S3_BUCKET)`,
        NoSuchBucket: `S3 bucket "${bucket}" does not exist (S3_BUCKET)`,
        PermanentRedirect: `S3 bucket "${bucket}" is in another region than ${aws.region} (AWS_REGION)`,
        Forbidden: `S3 bucket "${bucket}" is not ours to use: access denied (S3_BUCKET, AWS credentials)`,
      });
    },
    async close() {
      s3.destroy();
    },
  };
}

const ENDPOINT_SETTING = { dynamodb: 'DYNAMODB_ENDPOINT', sqs: 'SQS_ENDPOINT', s3: 'S3_ENDPOINT' } as const;
const SERVICE_NAME = { dynamodb: 'DynamoDB', sqs: 'SQS', s3: 'S3' } as const;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']);
const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

/** Runs one start-up call; turns what can go wrong into one message naming the setting. */
async function check(
  aws: AwsConfig,
  service: keyof typeof ENDPOINT_SETTING,
  call: () => Promise<unknown>,
  known: Record<string, string>,
): Promise<void> {
  try {
    await call();
  } catch (err) {
    const name = errorField(err, 'name');
    const code = errorField(err, 'code');
    const where = aws.endpoints[service] ?? `the ${aws.region} endpoint`;
    let message: string | undefined = known[name];
    if (!message && err instanceof Error && err.message.includes('(SQS_QUEUE_PREFIX')) message = err.message;
    if (!message && (NETWORK_CODES.has(code) || NETWORK_CODES.has(name))) {
      message = `cannot reach ${SERVICE_NAME[service]} at ${where} (${ENDPOINT_SETTING[service]}, AWS_REGION): ${code || name}`;
    }
    if (!message && CREDENTIAL_ERRORS.has(name)) {
      message = `${SERVICE_NAME[service]} refused our AWS credentials (${name}): set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY`;
    }
    throw new StartupError(
      message ??
        `${SERVICE_NAME[service]} at ${where} failed the start-up check (${ENDPOINT_SETTING[service]}): ${name}`,
      { cause: err },
    );
  }
}

function errorField(err: unknown, field: 'name' | 'code'): string {
  if (typeof err !== 'object' || err === null) return '';
  const value = (err as Record<string, unknown>)[field];
  if (typeof value === 'string') return value;
  const cause = (err as { cause?: unknown }).cause;
  return cause ? errorField(cause, field) : '';
}

/** What every SDK client of the shape shares: the region, and fixed credentials where the config has them. */
function clientSettings(aws: AwsConfig): { region: string; credentials?: StaticCredentials } {
  return { region: aws.region, ...(aws.credentials ? { credentials: aws.credentials } : {}) };
}

function required(aws: AwsConfig | null): AwsConfig {
  if (!aws) throw new Error('the AWS shape needs AWS settings (config.aws is null)');
  return aws;
}
