import type { Realtime } from '../../ports/realtime.js';
import type { ApiGatewayStreamRoutes } from '../../adapters/apigw/stream-routes.js';

/** The fields of an API Gateway WebSocket route event that the handler reads. */
export interface WebSocketEvent {
  requestContext: {
    routeKey: string;
    connectionId: string;
    eventType?: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    domainName?: string;
    stage?: string;
  };
  queryStringParameters?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

/** The route response: on `$connect` a non-2xx refuses the upgrade; on `$default` `body` goes back to the client. */
export interface WebSocketResult {
  statusCode: number;
  body?: string;
}

/**
 * The three routes of the WebSocket API (`$connect`, `$disconnect`, `$default`) in one function, dispatched
 * on `routeKey`, speaking the protocol of `/api/v1/stream` (docs/api.md).
 */
export function createWebSocketHandler(
  ready: Promise<{ gateway: ApiGatewayStreamRoutes | null; realtime: Pick<Realtime, 'flush'> }>,
): (event: WebSocketEvent) => Promise<WebSocketResult> {
  return async (event) => {
    const ctx = await ready;
    const gateway = ctx.gateway;
    if (!gateway) throw new Error('the WebSocket handler needs TWEETER_REALTIME=apigw');
    const { routeKey, connectionId } = event.requestContext;
    try {
      switch (routeKey) {
        case '$connect': {
          const result = await gateway.connect(connectionId, event.queryStringParameters?.token ?? undefined);
          return result.status === 200
            ? { statusCode: 200 }
            : {
                statusCode: 401,
                body: JSON.stringify({ error: { code: 'unauthenticated', message: result.message } }),
              };
        }
        case '$disconnect':
          await gateway.disconnect(connectionId);
          return { statusCode: 200 };
        default: {
          const reply = await gateway.message(connectionId, event.body ?? undefined, event.isBase64Encoded === true);
          return reply === null ? { statusCode: 200 } : { statusCode: 200, body: reply };
        }
      }
    } finally {
      await ctx.realtime.flush();
    }
  };
}
