import { lambdaContext } from './boot.js';
import { createHttpHandler } from './http-handler.js';

/** Lambda entry: API Gateway (REST API proxy) → the Fastify app. */
export const handler = createHttpHandler(lambdaContext());
