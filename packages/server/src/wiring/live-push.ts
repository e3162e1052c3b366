// How live events reach clients, built per runtime: the `ws` server of the node runtime (the hub, its metrics and its
// sweep of expired logins), and API Gateway's WebSocket API (TWEETER_REALTIME=apigw): the push to its connections,
// and the frame protocol its routes speak. A runtime builds only the transports it runs.

import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Clock } from '../ports/clock.js';
import type { LiveConnections } from '../ports/live-connections.js';
import type { Realtime } from '../ports/realtime.js';
import type { FollowRepo } from '../ports/store.js';
import type { ChannelAuthorizer } from '../realtime/authorize.js';
import { GatewaySession } from '../realtime/gateway-session.js';
import { registerHubMetrics } from '../realtime/metrics.js';
import { SessionSweep } from '../realtime/session-sweep.js';
import { WsHub } from '../realtime/ws-hub.js';
import type { SessionState } from '../services/sessions.js';

/** This process's `ws` connections (GET /api/v1/stream), reported in `metrics`. */
export function createWsHub(
  config: Config,
  deps: { follows: Pick<FollowRepo, 'existing'>; logger: Logger; metrics: Metrics },
): WsHub {
  const hub = new WsHub({
    heartbeatMs: config.stream.heartbeatMs,
    maxBufferedBytes: config.stream.maxBufferedBytes,
    follows: deps.follows,
    onError: (err) => deps.logger.warn({ err }, 'live push to connected followers failed'),
  });
  registerHubMetrics(deps.metrics.registry, hub);
  return hub;
}

/** Closes the hub's connections whose login expired or was signed out elsewhere, every WS_SESSION_CHECK_MS. */
export function createLoginSweep(
  config: Config,
  deps: { hub: WsHub; sessionState(tokenHash: string): Promise<SessionState>; logger: Logger },
): SessionSweep {
  return new SessionSweep({ ...deps, everyMs: config.stream.sessionCheckMs });
}

/** API Gateway's connections: the push to them, and their records. */
export interface ApiGatewayStream {
  realtime: Realtime & { closeSession(tokenHash: string): void };
  connections: LiveConnections;
}

/** With TWEETER_REALTIME=apigw: API Gateway's connections, kept in DynamoDB; else null. */
export async function openApiGatewayStream(
  config: Config,
  deps: { clock: Clock; logger: Logger; follows: Pick<FollowRepo, 'existing'> },
): Promise<ApiGatewayStream | null> {
  if (config.realtime.kind !== 'apigw') return null;
  const { createApiGatewayStream } = await import('../adapters/apigw/realtime.js');
  return createApiGatewayStream(config.realtime, deps);
}

/** The live-stream protocol for API Gateway's WebSocket routes ($connect, $disconnect, $default). */
export function createGatewaySession(
  config: Config,
  stream: ApiGatewayStream,
  deps: {
    authenticate(token: string): Promise<string>;
    authorizeChannel: ChannelAuthorizer;
    clock: Clock;
    logger: Logger;
  },
): GatewaySession {
  return new GatewaySession({ connections: stream.connections, ...deps, limits: config.stream });
}
