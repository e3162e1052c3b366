import { lambdaContext } from './boot.js';
import { createSqsHandler } from './sqs-handler.js';

/** Lambda entry: an SQS queue's event source → the job processors. */
export const handler = createSqsHandler(lambdaContext());
