import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';

// A local stand-in for API Gateway's WebSocket API, for development and tests only (never in the runtime path):
// client connects, frames and closes become the route events API Gateway sends to Lambda, and the management
// API (`/@connections/{id}`) answers as API Gateway's does, 410 GoneException for a connection it does not hold.

/** An API Gateway WebSocket route event, as the route's integration receives it. */
export interface GatewayRouteEvent {
  requestContext: {
    routeKey: '$connect' | '$disconnect' | '$default';
    eventType: 'CONNECT' | 'DISCONNECT' | 'MESSAGE';
    connectionId: string;
    domainName: string;
    stage: string;
    apiId: string;
    requestId: string;
    messageDirection: 'IN';
    connectedAt: number;
    requestTimeEpoch: number;
    identity: { sourceIp: string; userAgent?: string };
    messageId?: string;
    disconnectStatusCode?: number;
    disconnectReason?: string;
  };
  headers?: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  body?: string;
  isBase64Encoded: boolean;
}

/** What an integration returns: on `$connect` a non-2xx refuses the upgrade; on `$default` `body` is the route response. */
export interface GatewayRouteResult {
  statusCode: number;
  body?: string;
}

export type RouteHandler = (event: GatewayRouteEvent) => Promise<GatewayRouteResult>;

export interface LocalGatewayOptions {
  routes: { $connect: RouteHandler; $disconnect: RouteHandler; $default: RouteHandler };
  /** The stage name events carry (`local`). */
  stage?: string;
  host?: string;
  port?: number;
  /** Errors thrown by a route handler (API Gateway logs them and answers the client with an error). */
  onError?: (err: unknown, routeKey: string) => void;
}

export interface LocalGateway {
  /** Where clients connect: `ws://host:port/<stage>`. */
  url: string;
  /** The management endpoint to give the API Gateway Management API client. */
  managementEndpoint: string;
  /** Connections open now. */
  connections(): string[];
  close(): Promise<void>;
}

/** API Gateway's limit on one WebSocket message (frames of 32 KB, messages of 128 KB). */
const MAX_MESSAGE_BYTES = 128 * 1024;
const CONNECTIONS_PATH = /^(?:\/[^/]+)?\/@connections\/([^/?]+)$/;

interface Held {
  socket: WebSocket;
  connectedAt: number;
  lastActiveAt: number;
  sourceIp: string;
  userAgent: string | undefined;
  /** Frames of one connection go to `$default` one at a time, in order. */
  tail: Promise<void>;
}

/** Starts the local gateway on `host:port` (default 127.0.0.1, a free port). */
export async function startLocalWsGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const stage = options.stage ?? 'local';
  const apiId = 'local';
  const held = new Map<string, Held>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const server = createServer((req, res) => void management(req, res));
  let domainName = '127.0.0.1';

  const fail = (err: unknown, routeKey: string): void => options.onError?.(err, routeKey);
  const context = (
    routeKey: GatewayRouteEvent['requestContext']['routeKey'],
    id: string,
    conn: Pick<Held, 'connectedAt' | 'sourceIp' | 'userAgent'>,
  ): GatewayRouteEvent['requestContext'] => ({
    routeKey,
    eventType: routeKey === '$connect' ? 'CONNECT' : routeKey === '$disconnect' ? 'DISCONNECT' : 'MESSAGE',
    connectionId: id,
    domainName,
    stage,
    apiId,
    requestId: randomUUID(),
    messageDirection: 'IN',
    connectedAt: conn.connectedAt,
    requestTimeEpoch: Date.now(),
    identity: { sourceIp: conn.sourceIp, ...(conn.userAgent ? { userAgent: conn.userAgent } : {}) },
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://gateway');
      const id = randomBytes(12).toString('base64url');
      const conn = {
        connectedAt: Date.now(),
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'],
      };
      let result: GatewayRouteResult;
      try {
        result = await options.routes.$connect({
          requestContext: context('$connect', id, conn),
          headers: flatHeaders(req),
          ...(url.searchParams.size > 0 ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
          isBase64Encoded: false,
        });
      } catch (err) {
        fail(err, '$connect');
        result = { statusCode: 500 };
      }
      if (result.statusCode < 200 || result.statusCode > 299) {
        // API Gateway refuses the handshake with the integration's status code.
        socket.end(`HTTP/1.1 ${result.statusCode} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const entry: Held = { socket: ws, ...conn, lastActiveAt: Date.now(), tail: Promise.resolve() };
        held.set(id, entry);
        ws.on('message', (data, isBinary) => {
          entry.lastActiveAt = Date.now();
          entry.tail = entry.tail.then(() => message(id, entry, data, isBinary));
        });
        ws.on('close', (code, reason) => {
          held.delete(id);
          void entry.tail.then(async () => {
            try {
              await options.routes.$disconnect({
                requestContext: {
                  ...context('$disconnect', id, entry),
                  disconnectStatusCode: code,
                  disconnectReason: reason.toString(),
                },
                isBase64Encoded: false,
              });
            } catch (err) {
              fail(err, '$disconnect');
            }
          });
        });
      });
    })();
  });

  async function message(id: string, entry: Held, data: RawData, isBinary: boolean): Promise<void> {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    try {
      const result = await options.routes.$default({
        requestContext: { ...context('$default', id, entry), messageId: randomBytes(8).toString('base64url') },
        body: isBinary ? bytes.toString('base64') : bytes.toString('utf8'),
        isBase64Encoded: isBinary,
      });
      // The route response (a two-way route): its body goes back to the client.
      if (result.body !== undefined && entry.socket.readyState === WebSocket.OPEN) entry.socket.send(result.body);
    } catch (err) {
      fail(err, '$default');
      if (entry.socket.readyState === WebSocket.OPEN) {
        entry.socket.send(JSON.stringify({ message: 'Internal server error', connectionId: id }));
      }
    }
  }

  /** `POST|GET|DELETE /@connections/{id}` (with or without the stage in front). */
  async function management(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = CONNECTIONS_PATH.exec(new URL(req.url ?? '/', 'http://gateway').pathname);
    if (!match) return reply(res, 404, { message: 'Not Found' });
    const id = decodeURIComponent(match[1] as string);
    const body = await readBody(req);
    const entry = held.get(id);
    if (!entry || entry.socket.readyState !== WebSocket.OPEN) {
      return reply(res, 410, { message: `connection ${id} is gone` }, 'GoneException');
    }
    switch (req.method) {
      case 'POST':
        if (body.length > MAX_MESSAGE_BYTES)
          return reply(res, 413, { message: 'message too large' }, 'PayloadTooLargeException');
        entry.socket.send(body.toString('utf8'));
        return reply(res, 200);
      case 'GET':
        return reply(res, 200, {
          connectedAt: new Date(entry.connectedAt).toISOString(),
          lastActiveAt: new Date(entry.lastActiveAt).toISOString(),
          identity: { sourceIp: entry.sourceIp, userAgent: entry.userAgent ?? '' },
        });
      case 'DELETE':
        entry.socket.close(1000, 'closed by the server');
        return reply(res, 204);
      default:
        return reply(res, 405, { message: 'Method Not Allowed' });
    }
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { address, port } = server.address() as AddressInfo;
  domainName = `${address}:${port}`;
  return {
    url: `ws://${domainName}/${stage}`,
    managementEndpoint: `http://${domainName}`,
    connections: () => [...held.keys()],
    async close() {
      for (const entry of held.values()) entry.socket.terminate();
      await Promise.all([...held.values()].map((entry) => entry.tail));
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function reply(res: ServerResponse, status: number, body?: object, errorType?: string): void {
  const headers: Record<string, string> = {};
  if (errorType) headers['x-amzn-errortype'] = errorType;
  if (body) headers['content-type'] = 'application/json';
  res.writeHead(status, headers).end(body ? JSON.stringify(body) : undefined);
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') out[name] = value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
