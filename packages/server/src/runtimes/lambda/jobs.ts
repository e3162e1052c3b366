import { createLambdaJobs } from '../../wiring/lambda.js';
import { boot } from './boot.js';
import { createSqsHandler } from './sqs-handler.js';

/** Lambda entry: an SQS queue's event source → the job processors. */
export const handler = createSqsHandler(boot(createLambdaJobs));
