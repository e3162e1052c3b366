// What the CDK stack (packages/infra) takes from the server, and the only module of the server it imports
// (`@tweeter/server/deployment`): the table layout, the stage queues and their jobs, the scheduled jobs, and the
// Lambda functions with their entry files. Plain data: the stack loads it at synth time, without the AWS SDK.

import { fileURLToPath } from 'node:url';

export { tableDefinitions, TTL_ATTRIBUTE, type TableNames } from '../adapters/dynamodb/tables.js';
export { JOBS_BY_QUEUE, maxReceiveCount, queueNames } from '../adapters/sqs/stage-queues.js';
export { SCHEDULED_JOBS } from '../jobs/scheduled-jobs.js';
export {
  BINARY_TYPES,
  FUNCTIONS,
  JOB_MAX_ATTEMPTS,
  STAGE_CONSUMERS,
  jobSlug,
  type StageConsumerSpec,
} from '../runtimes/lambda/deployment.js';

/**
 * The folder of the Lambda entry files (FUNCTIONS[...].entry), as TypeScript sources: the stack bundles them with
 * esbuild. The same path whether this module runs from src/ (synth) or from dist/ (tests after a build).
 */
export const LAMBDA_ENTRY_DIR = fileURLToPath(new URL('../../src/runtimes/lambda/', import.meta.url));
