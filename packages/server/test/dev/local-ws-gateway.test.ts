import '../support/aws-env.js';
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GetConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  startLocalWsGateway,
  type GatewayRouteEvent,
  type GatewayRouteResult,
  type LocalGateway,
} from '../../src/dev/local-ws-gateway.js';
import { eventually } from '../support/test-app.js';

// The local gateway against API Gateway's documented behaviour: route events for connect, message and
// disconnect; a non-2xx from $connect refuses the handshake; the route response goes back to the client;
// the management API (driven here by the real AWS SDK client) answers 410 GoneException for unknown ids.
let gateway: LocalGateway | undefined;
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const s of sockets) s.terminate();
  await gateway?.close();
  gateway = undefined;
});

async function start(connect: (e: GatewayRouteEvent) => GatewayRouteResult = () => ({ statusCode: 200 })) {
  const events: GatewayRouteEvent[] = [];
  gateway = await startLocalWsGateway({
    stage: 'dev',
    routes: {
      $connect: async (e) => (events.push(e), connect(e)),
      $disconnect: async (e) => (events.push(e), { statusCode: 200 }),
      $default: async (e) => (events.push(e), { statusCode: 200, body: `echo:${e.body}` }),
    },
  });
  const management = new ApiGatewayManagementApiClient({
    endpoint: `${gateway.managementEndpoint}/dev`,
    region: 'us-east-1',
  });
  return { events, management, gateway };
}

function open(url: string): Promise<{ ws: WebSocket; frames: string[] }> {
  const ws = new WebSocket(url);
  sockets.push(ws);
  const frames: string[] = [];
  ws.on('message', (data: Buffer) => frames.push(data.toString('utf8')));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, frames }));
    ws.once('error', reject);
  });
}

describe('the local WebSocket gateway', () => {
  it('turns connect, message and close into API Gateway route events', async () => {
    const { events, gateway } = await start();
    const { ws, frames } = await open(`${gateway.url}?token=abc&x=1`);
    ws.send('{"type":"ping"}');
    await eventually(async () => frames.length === 1);
    expect(frames).toEqual(['echo:{"type":"ping"}']);
    ws.close(1000, 'bye');
    await eventually(async () => events.length === 3);

    const [connect, message, disconnect] = events;
    const id = connect?.requestContext.connectionId;
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(connect).toMatchObject({
      requestContext: { routeKey: '$connect', eventType: 'CONNECT', stage: 'dev', messageDirection: 'IN' },
      queryStringParameters: { token: 'abc', x: '1' },
      isBase64Encoded: false,
    });
    expect(connect?.requestContext.domainName).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(message).toMatchObject({
      requestContext: { routeKey: '$default', eventType: 'MESSAGE', connectionId: id },
      body: '{"type":"ping"}',
      isBase64Encoded: false,
    });
    expect(message?.requestContext.messageId).toBeTruthy();
    expect(disconnect).toMatchObject({
      requestContext: {
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        connectionId: id,
        disconnectStatusCode: 1000,
      },
    });
  });

  it('refuses the handshake with the status $connect returned', async () => {
    const { gateway } = await start(() => ({ statusCode: 401 }));
    await expect(open(gateway.url)).rejects.toThrow(/401/);
    expect(gateway.connections()).toEqual([]);
  });

  it('serves POST, GET and DELETE /@connections/{id}, and 410 GoneException for an unknown id', async () => {
    const { events, management, gateway } = await start();
    const { ws, frames } = await open(gateway.url);
    const id = gateway.connections()[0] as string;

    await management.send(new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('{"hello":1}') }));
    await eventually(async () => frames.includes('{"hello":1}'));
    const info = await management.send(new GetConnectionCommand({ ConnectionId: id }));
    expect(info.ConnectedAt).toBeInstanceOf(Date);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');

    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    await management.send(new DeleteConnectionCommand({ ConnectionId: id }));
    expect(await closed).toBe(1000);
    await eventually(async () => events.some((e) => e.requestContext.routeKey === '$disconnect'));

    for (const command of [
      new PostToConnectionCommand({ ConnectionId: id, Data: Buffer.from('late') }),
      new GetConnectionCommand({ ConnectionId: 'never-was' }),
      new DeleteConnectionCommand({ ConnectionId: id }),
    ]) {
      const err = await management.send(command as PostToConnectionCommand).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(GoneException);
      expect((err as GoneException).$metadata.httpStatusCode).toBe(410);
    }
  });
});
