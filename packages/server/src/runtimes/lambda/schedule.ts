import { createLambdaJobs } from '../../wiring/lambda.js';
import { boot } from './boot.js';
import { createScheduleHandler } from './schedule-handler.js';

/** Lambda entry: EventBridge schedule rules → one scheduled job each. */
export const handler = createScheduleHandler(boot(createLambdaJobs));
