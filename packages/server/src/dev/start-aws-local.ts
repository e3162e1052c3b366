// `npm run start:aws-local`: the AWS shape on this machine. Starts dynalite (persisting under DATA_DIR/dynalite) and
// fauxqs (SQS and S3, in memory) on loopback, creates the tables, the stage queues with their DLQs and the pictures
// bucket if missing, and runs the same server as `npm start` against them: same PORT, HOST and DATA_DIR.
// Dev tooling only: the emulators are devDependencies and `tweeter serve` never loads this file.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnvironment } from '../config/index.js';
import { startServer, stopOnSignals } from '../runtimes/node/serve.js';
import { startEmulators } from './emulators.js';
import { EMULATOR_CREDENTIALS, provisionAwsLocal } from './provision.js';

const REGION = 'us-east-1';
const TABLES = { main: 'tweeter-main', feeds: 'tweeter-feeds' };
const QUEUE_PREFIX = 'tweeter-';
const BUCKET = 'tweeter-pictures';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'dynamodb-port': { type: 'string', default: '4567' },
      'fauxqs-port': { type: 'string', default: '4566' },
    },
  });
  const base = configFromEnvironment();
  const dynamodbPath = join(base.dataDir, 'dynalite');
  mkdirSync(dynamodbPath, { recursive: true });
  const emulators = await startEmulators({
    dynamodbPort: Number(values['dynamodb-port']),
    fauxqsPort: Number(values['fauxqs-port']),
    dynamodbPath,
  });
  // The SDK reads credentials from the environment; the emulators accept any.
  process.env['AWS_ACCESS_KEY_ID'] ??= EMULATOR_CREDENTIALS.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] ??= EMULATOR_CREDENTIALS.secretAccessKey;
  const settings = {
    TWEETER_STORE: 'dynamodb',
    TWEETER_QUEUE: 'sqs',
    TWEETER_BLOBS: 's3',
    AWS_REGION: REGION,
    DYNAMODB_ENDPOINT: emulators.dynamodbEndpoint,
    SQS_ENDPOINT: emulators.fauxqsEndpoint,
    S3_ENDPOINT: emulators.fauxqsEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    DYNAMODB_TABLE_MAIN: TABLES.main,
    DYNAMODB_TABLE_FEEDS: TABLES.feeds,
    SQS_QUEUE_PREFIX: QUEUE_PREFIX,
    S3_BUCKET: BUCKET,
  };
  const config = configFromEnvironment(settings);
  await provisionAwsLocal({
    region: REGION,
    dynamodbEndpoint: emulators.dynamodbEndpoint,
    sqsEndpoint: emulators.fauxqsEndpoint,
    s3Endpoint: emulators.fauxqsEndpoint,
    tables: TABLES,
    queuePrefix: QUEUE_PREFIX,
    bucket: BUCKET,
    maxAttempts: config.jobs.maxAttempts,
  });
  const server = await startServer(config);
  server.ctx.logger.info(
    { dynamodb: emulators.dynamodbEndpoint, sqsAndS3: emulators.fauxqsEndpoint, dynamodbPath },
    'aws-local: emulators on loopback; for the CLI (e.g. tweeter dlq list) set ' +
      Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
  );
  stopOnSignals(server);
}

main().catch((err: unknown) => {
  console.error(`start:aws-local: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
