// Creates what the AWS shape expects to find, idempotently, on the emulators (the CDK stack does it in AWS):
// the DynamoDB tables from tableDefinitions, every stage queue with its DLQ, and the pictures bucket.

import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config/config.js';
import { ensureQueues } from '../adapters/sqs/provision.js';
import type { StageQueueUrls } from '../adapters/sqs/stage-queues.js';
import { tableDefinitions, type TableNames } from '../adapters/dynamodb/tables.js';

/** Credentials the emulators accept (they check none); never used against AWS. */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * Dev tooling only: the config with the emulators' dummy credentials handed to every SDK client it builds (the AWS
 * ports and the API Gateway stream), so a server on the emulators needs no AWS credentials and this process's
 * environment is left as it is. The emulators accept any credentials.
 */
export function withEmulatorCredentials(config: Config): Config {
  const credentials = EMULATOR_CREDENTIALS;
  return {
    ...config,
    aws: config.aws && { ...config.aws, credentials },
    realtime: config.realtime.kind === 'apigw' ? { ...config.realtime, credentials } : config.realtime,
  };
}

export interface ProvisionOptions {
  region: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  s3Endpoint: string;
  tables: TableNames;
  queuePrefix: string;
  bucket: string;
  maxAttempts: number;
}

/** Creates the tables, queues and bucket that are missing; leaves existing ones as they are. */
export async function provisionAwsLocal(options: ProvisionOptions): Promise<Record<string, StageQueueUrls>> {
  const common = { region: options.region, credentials: EMULATOR_CREDENTIALS };
  const dynamo = new DynamoDBClient({ ...common, endpoint: options.dynamodbEndpoint });
  const sqs = new SQSClient({ ...common, endpoint: options.sqsEndpoint });
  const s3 = new S3Client({ ...common, endpoint: options.s3Endpoint, forcePathStyle: true });
  try {
    for (const definition of tableDefinitions(options.tables)) {
      try {
        await dynamo.send(new CreateTableCommand(definition));
      } catch (err) {
        if (errorName(err) !== 'ResourceInUseException') throw err;
      }
    }
    try {
      await s3.send(new CreateBucketCommand({ Bucket: options.bucket }));
    } catch (err) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(err))) throw err;
    }
    return await ensureQueues(sqs, options.queuePrefix, options.maxAttempts);
  } finally {
    dynamo.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && 'name' in err && typeof err.name === 'string' ? err.name : '';
}
