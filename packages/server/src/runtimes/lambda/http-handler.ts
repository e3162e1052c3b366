import awsLambdaFastify from '@fastify/aws-lambda';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildApp, type HttpParts } from '../../http/app.js';
import type { Realtime } from '../../ports/realtime.js';
import { BINARY_TYPES } from './deployment.js';

export type HttpEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export interface HttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
}

/**
 * The whole HTTP API behind API Gateway (REST v1 or HTTP API v2 events): the same Fastify app as the
 * embedded server, driven through @fastify/aws-lambda. The app is built once per function instance.
 */
export function createHttpHandler(
  ready: Promise<HttpParts & { realtime: Pick<Realtime, 'flush'> }>,
): (event: HttpEvent, context: Context) => Promise<HttpResult> {
  const proxy = ready.then(async (ctx) => {
    const app = await buildApp(ctx);
    // v2 events would split `?a=x,y` into an array otherwise; our query strings are plain strings.
    const handle = awsLambdaFastify(app, {
      binaryMimeTypes: [...BINARY_TYPES],
      decorateRequest: false,
      parseCommaSeparatedQueryParams: false,
    });
    return { ctx, handle };
  });
  proxy.catch(() => undefined);
  return async (event, context) => {
    const { ctx, handle } = await proxy;
    const result = await handle(event, context);
    // Live events a request produced (a board message) must be sent before the function freezes.
    await ctx.realtime.flush();
    return result;
  };
}
