// The AWS shape's settings and resources on the emulators, written once for everything that runs it locally:
// `npm run start:aws-local` (aws-local-stack.ts), the tests (TWEETER_TEST_SHAPE=aws-local) and the benchmark
// (`bench fanout --shape aws-local`). Dev tooling only, like the emulators themselves.

import type { TableNames } from '../adapters/dynamodb/tables.js';
import type { StageQueueUrls } from '../adapters/sqs/stage-queues.js';
import { startEmulators, type Emulators } from './emulators.js';
import { provisionAwsLocal } from './provision.js';

/** The names the AWS shape uses on the emulators (the config's defaults, except the bucket, which has none). */
export const AWS_LOCAL_NAMES = {
  region: 'us-east-1',
  tables: { main: 'tweeter-main', feeds: 'tweeter-feeds' },
  queuePrefix: 'tweeter-',
  bucket: 'tweeter-pictures',
} as const;

type Endpoints = Pick<Emulators, 'dynamodbEndpoint' | 'fauxqsEndpoint'>;

/** The settings that put a server on these emulators: DynamoDB, SQS and S3 under AWS_LOCAL_NAMES. */
export function awsLocalSettings(emulators: Endpoints): Record<string, string> {
  return {
    TWEETER_STORE: 'dynamodb',
    TWEETER_QUEUE: 'sqs',
    TWEETER_BLOBS: 's3',
    AWS_REGION: AWS_LOCAL_NAMES.region,
    DYNAMODB_ENDPOINT: emulators.dynamodbEndpoint,
    SQS_ENDPOINT: emulators.fauxqsEndpoint,
    S3_ENDPOINT: emulators.fauxqsEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    DYNAMODB_TABLE_MAIN: AWS_LOCAL_NAMES.tables.main,
    DYNAMODB_TABLE_FEEDS: AWS_LOCAL_NAMES.tables.feeds,
    SQS_QUEUE_PREFIX: AWS_LOCAL_NAMES.queuePrefix,
    S3_BUCKET: AWS_LOCAL_NAMES.bucket,
  };
}

/**
 * Creates what is missing on these emulators under AWS_LOCAL_NAMES: the tables (or `tables`, for a second set side
 * by side), the stage queues with their DLQs (`maxAttempts` receives before a job goes to its DLQ) and the bucket.
 */
export function provisionEmulators(
  emulators: Endpoints,
  options: { maxAttempts: number; tables?: TableNames },
): Promise<Record<string, StageQueueUrls>> {
  return provisionAwsLocal({
    region: AWS_LOCAL_NAMES.region,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    sqsEndpoint: emulators.fauxqsEndpoint,
    s3Endpoint: emulators.fauxqsEndpoint,
    tables: options.tables ?? AWS_LOCAL_NAMES.tables,
    queuePrefix: AWS_LOCAL_NAMES.queuePrefix,
    bucket: AWS_LOCAL_NAMES.bucket,
    maxAttempts: options.maxAttempts,
  });
}

export interface AwsLocalEmulators {
  emulators: Emulators;
  /** awsLocalSettings of these emulators. */
  settings: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts dynalite and fauxqs on random loopback ports and provisions them (see provisionEmulators). */
export async function startAwsLocalEmulators(options: {
  maxAttempts: number;
  /** Called with the operation of every request dynalite receives (e.g. `BatchWriteItem`): for counting. */
  onDynamodbRequest?: (operation: string) => void;
}): Promise<AwsLocalEmulators> {
  const emulators = await startEmulators(
    options.onDynamodbRequest ? { onDynamodbRequest: options.onDynamodbRequest } : {},
  );
  try {
    await provisionEmulators(emulators, { maxAttempts: options.maxAttempts });
  } catch (err) {
    await emulators.stop();
    throw err;
  }
  return { emulators, settings: awsLocalSettings(emulators), stop: () => emulators.stop() };
}
