import { lambdaContext } from './boot.js';
import { createScheduleHandler } from './schedule-handler.js';

/** Lambda entry: EventBridge schedule rules → one scheduled job each. */
export const handler = createScheduleHandler(lambdaContext());
