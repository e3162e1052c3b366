import './aws-env.js';
import { startLocalWsGateway, type LocalGateway } from '../../src/dev/local-ws-gateway.js';
import { createWebSocketHandler, type WebSocketEvent } from '../../src/runtimes/lambda/websocket-handler.js';
import type { NodeOverrides } from '../../src/wiring/node-runtime.js';
import { startLocalDynamo, type LocalDynamo } from './dynalite.js';
import { createTestApp, type TestApp } from './test-app.js';

export interface GatewayStack {
  t: TestApp;
  dynamo: LocalDynamo;
  gateway: LocalGateway;
  /** Errors the route handlers threw (a test expects none unless it says so). */
  routeErrors: unknown[];
  close(): Promise<void>;
}

/**
 * The AWS live-stream path locally: dynalite for the connection records, the local WebSocket gateway in
 * front of the Lambda WebSocket handler, and the app (SQLite store, workers running) configured with
 * TWEETER_REALTIME=apigw, so live events travel through PostToConnection.
 */
export async function startGatewayStack(
  env: Record<string, string> = {},
  overrides: NodeOverrides = {},
): Promise<GatewayStack> {
  const dynamo = await startLocalDynamo();
  const routeErrors: unknown[] = [];
  // The gateway must run before the app (its endpoint is in the app's config): routes are bound after.
  const bound: { route?: (event: WebSocketEvent) => Promise<{ statusCode: number; body?: string }> } = {};
  const forward = (event: WebSocketEvent) => {
    if (!bound.route) throw new Error('gateway stack not ready');
    return bound.route(event);
  };
  const gateway = await startLocalWsGateway({
    routes: { $connect: forward, $disconnect: forward, $default: forward },
    onError: (err) => routeErrors.push(err),
  });
  const t = await createTestApp(
    {
      TWEETER_REALTIME: 'apigw',
      AWS_REGION: 'us-east-1',
      WEBSOCKET_MANAGEMENT_ENDPOINT: gateway.managementEndpoint,
      STREAM_URL: gateway.url,
      DYNAMODB_TABLE_MAIN: dynamo.tables.main,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      ...env,
    },
    overrides,
  );
  bound.route = createWebSocketHandler(Promise.resolve(t.ctx));
  return {
    t,
    dynamo,
    gateway,
    routeErrors,
    async close() {
      await gateway.close();
      await t.close();
      await dynamo.close();
    },
  };
}
