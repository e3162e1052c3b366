import websocket, { type WebsocketPluginOptions } from '@fastify/websocket';
import { ErrorBody, STREAM_LIMITS } from '@tweeter/shared';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { driveSocket, type SocketDriverDeps } from '../../adapters/ws/socket-driver.js';
import { ValidationError } from '../../domain/errors.js';
import type { Logger } from '../../logger.js';

const StreamQuery = z.object({
  token: z
    .string()
    .min(1)
    .max(STREAM_LIMITS.tokenMax)
    .optional()
    .describe('session token; or send {"type":"auth","token"} as the first frame (keeps it out of URLs)'),
});

// How long a graceful shutdown waits for clients to answer the 1001 close before cutting them off.
const SHUTDOWN_GRACE_MS = 2000;
// A closing handshake the peer never answers (e.g. a slow consumer told 1013) ends after this.
const CLOSE_TIMEOUT_MS = 10_000;

export interface StreamRouteDeps extends SocketDriverDeps {
  logger: Logger;
}

/**
 * `GET /api/v1/stream`: the live-update WebSocket (protocol in docs/api.md), served by the `ws` transport. `deps` is
 * null where no socket reaches this process (the Lambda HTTP function: API Gateway's WebSocket API has its own
 * function): the route is still documented, and a plain GET still answered 400.
 */
export async function streamRoutes(app: FastifyInstance, deps: StreamRouteDeps | null): Promise<void> {
  // In a scope of its own: @fastify/websocket adds an onRequest and an onResponse hook to every route of the scope it
  // is registered in, and every other route of the app would pay for them (a hook runner turn each) for nothing.
  await app.register(async (scope) => {
    if (deps) await registerWebSocket(scope, deps);
    streamRoute(scope, deps);
  });
}

function streamRoute(app: FastifyInstance, deps: StreamRouteDeps | null): void {
  app.withTypeProvider<ZodTypeProvider>().route({
    method: 'GET',
    url: '/api/v1/stream',
    schema: {
      operationId: 'openStream',
      tags: ['stream'],
      summary: 'Live updates over WebSocket (upgrade only)',
      description:
        'A WebSocket: authenticate, subscribe to `feed` or `board:<id>`, receive `{type, channel, data}` events. ' +
        'Frames, close codes and limits: docs/api.md. A plain GET (no upgrade) is answered 400.',
      // The token travels in ?token= or in the first frame, not in an Authorization header.
      security: [],
      querystring: StreamQuery,
      response: { 101: z.undefined().describe('Switching Protocols: the WebSocket is open'), 400: ErrorBody },
    },
    wsHandler: deps ? (socket, req) => driveSocket(socket, req.query.token, deps) : undefined,
    handler: async () => {
      throw new ValidationError('GET /api/v1/stream needs a WebSocket upgrade (Upgrade: websocket)');
    },
  });
}

/** The `ws` server behind the route, closing its sockets gracefully when the app closes. */
async function registerWebSocket(app: FastifyInstance, deps: StreamRouteDeps): Promise<void> {
  // closeTimeout is a ws server option that @types/ws does not list yet.
  const options: NonNullable<WebsocketPluginOptions['options']> & { closeTimeout: number } = {
    maxPayload: STREAM_LIMITS.frameMaxBytes, // bigger frames: ws closes with 1009
    perMessageDeflate: false, // per-connection zlib state would cost far more than the idle budget
    clientTracking: false, // the WsStreamServer tracks connections
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
  await app.register(websocket, {
    options,
    // ws has already closed the socket for protocol errors (1009, 1002...); only a throw of ours is left open.
    errorHandler(err, socket) {
      deps.logger.debug({ err }, 'live stream socket error');
      if (socket.readyState === WebSocket.OPEN) socket.terminate();
    },
    preClose: async () => deps.server.shutdown(SHUTDOWN_GRACE_MS),
  });
}
