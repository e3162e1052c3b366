// `npm run start:aws-local`: the AWS shape on this machine (aws-local-stack.ts). Starts dynalite (persisting under
// DATA_DIR/dynalite), fauxqs (SQS and S3, in memory) and the local WebSocket gateway (the live stream through the
// Lambda WebSocket handler) on loopback, creates the tables, the stage queues with their DLQs and the pictures bucket
// if missing, and runs the same server as `npm start` against them: same PORT, HOST and DATA_DIR.
// Dev tooling only: the emulators are devDependencies and `tweeter serve` never loads this file.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configFromEnvironment } from '../config/index.js';
import { stopOnSignals } from '../runtimes/node/serve.js';
import { startAwsLocalStack } from './aws-local-stack.js';
import { EMULATOR_CREDENTIALS } from './provision.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'dynamodb-port': { type: 'string', default: '4567' },
      'fauxqs-port': { type: 'string', default: '4566' },
      'stream-port': { type: 'string', default: '4568' },
    },
  });
  const stack = await startAwsLocalStack({
    configure: configFromEnvironment,
    dynamodbPort: Number(values['dynamodb-port']),
    fauxqsPort: Number(values['fauxqs-port']),
    streamPort: Number(values['stream-port']),
    dynamodbPath: join(configFromEnvironment().dataDir, 'dynalite'),
  });
  stack.server.ctx.logger.info(
    {
      url: stack.server.url,
      streamUrl: stack.gateway.url,
      dynamodb: stack.emulators.dynamodbEndpoint,
      sqsAndS3: stack.emulators.fauxqsEndpoint,
    },
    `aws-local: live stream at ${stack.gateway.url} (local WebSocket gateway → the Lambda WebSocket handler); ` +
      'for the CLI (e.g. tweeter dlq list) set ' +
      Object.entries(stack.settings)
        .filter(([key]) => !key.startsWith('WEBSOCKET_') && key !== 'STREAM_URL' && key !== 'TWEETER_REALTIME')
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') +
      // The CLI is its own process: its SDK clients take credentials from the environment, and the emulators accept any.
      ` AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.accessKeyId} AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secretAccessKey}`,
  );
  stopOnSignals({ ...stack.server, stop: stack.stop });
}

main().catch((err: unknown) => {
  console.error(`start:aws-local: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
