// How live events reach clients, built per runtime: the `ws` transport of the node runtime (its server, metrics and
// sweep of expired logins), and API Gateway's WebSocket API (TWEETER_REALTIME=apigw): the push to its connections,
// and the routes that drive the stream protocol. Both transports speak one protocol (stream/protocol.ts); a runtime
// builds only the transports it runs.

import { ApiGatewayStreamRoutes } from '../adapters/apigw/stream-routes.js';
import type { ApiGatewayTransport } from '../adapters/apigw/realtime.js';
import { ConnectionSweep } from '../adapters/ws/connection-sweep.js';
import { registerWsStreamMetrics } from '../adapters/ws/metrics.js';
import { WsStreamServer } from '../adapters/ws/ws-stream-server.js';
import type { Presence } from '../adapters/ws/presence.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { FollowRepo } from '../ports/store.js';
import type { SessionState } from '../domain/session-state.js';
import type { ChannelAuthorizer } from '../stream/authorize.js';
import { StreamProtocol } from '../stream/protocol.js';

/** This process's `ws` connections (GET /api/v1/stream), reported in `metrics`. */
export function createWsStreamServer(
  config: Config,
  deps: { follows: Pick<FollowRepo, 'existing'>; logger: Logger; metrics: Metrics; presence?: Presence },
): WsStreamServer {
  const server = new WsStreamServer({
    heartbeatMs: config.stream.heartbeatMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
    writeThread: config.stream.writeThread,
    follows: deps.follows,
    ...(deps.presence && { presence: deps.presence }),
    onError: (err) => deps.logger.warn({ err }, 'live push to connected followers failed'),
  });
  registerWsStreamMetrics(deps.metrics.registry, server);
  return server;
}

/** The one frame state machine both transports drive (docs/api.md, "WebSocket"). */
export function createStreamProtocol(
  config: Config,
  deps: {
    authenticate(token: string): Promise<string>;
    sessionState(tokenHash: string): Promise<SessionState>;
    authorizeChannel: ChannelAuthorizer;
    clock: Clock;
    logger: Logger;
  },
): StreamProtocol {
  return new StreamProtocol({ ...deps, limits: config.stream });
}

/** Closes the `ws` connections whose login expired or was signed out elsewhere, every WS_SESSION_CHECK_MS. */
export function createConnectionSweep(
  config: Config,
  deps: {
    server: WsStreamServer;
    protocol: StreamProtocol;
    sessionState(tokenHash: string): Promise<SessionState>;
    logger: Logger;
  },
): ConnectionSweep {
  return new ConnectionSweep({ ...deps, everyMs: config.stream.sessionCheckMs });
}

/** With TWEETER_REALTIME=apigw: API Gateway's connections, kept in DynamoDB; else null. */
export async function openApiGatewayTransport(
  config: Config,
  deps: { clock: Clock; logger: Logger; follows: Pick<FollowRepo, 'existing'> },
): Promise<ApiGatewayTransport | null> {
  if (config.realtime.kind !== 'apigw') return null;
  const { createApiGatewayTransport } = await import('../adapters/apigw/realtime.js');
  return createApiGatewayTransport(config.realtime, deps);
}

/** API Gateway's WebSocket routes ($connect, $disconnect, $default) over the stream protocol. */
export function createApiGatewayStreamRoutes(
  transport: ApiGatewayTransport,
  deps: { protocol: StreamProtocol; clock: Clock },
): ApiGatewayStreamRoutes {
  return new ApiGatewayStreamRoutes({ connections: transport.connections, ...deps });
}
