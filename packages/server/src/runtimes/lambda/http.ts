import { createLambdaHttp } from '../../wiring/lambda.js';
import { boot } from './boot.js';
import { createHttpHandler } from './http-handler.js';

/** Lambda entry: API Gateway (REST API proxy) → the Fastify app. */
export const handler = createHttpHandler(boot(createLambdaHttp));
