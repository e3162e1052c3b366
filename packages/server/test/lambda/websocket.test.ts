import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startGatewayStack, type GatewayStack } from '../support/gateway-stack.js';
import { socialApi } from '../support/social.js';
import { eventually } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

// The AWS live stream end to end: a real ws client → local API Gateway → Lambda WebSocket handler →
// connection records in dynalite; fan-out jobs push through the apigw Realtime adapter (PostToConnection).
let s: GatewayStack;
const clients: TestStreamClient[] = [];

beforeAll(async () => {
  s = await startGatewayStack({ WS_AUTH_TIMEOUT_MS: '60000', WS_MAX_SUBSCRIPTIONS: '2' });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await s?.close();
});

async function connect(token?: string): Promise<TestStreamClient> {
  const c = await TestStreamClient.open(s.gateway.url, token);
  clients.push(c);
  return c;
}

const item = async (pk: string, sk: string) =>
  (await s.dynamo.doc.send(new GetCommand({ TableName: s.dynamo.tables.main, Key: { pk, sk } }))).Item;

describe('the WebSocket API through the Lambda handlers', () => {
  it('delivers feed.status to a follower connected with ?token= when someone they follow posts', async () => {
    const star = await s.t.register('wsstar');
    const fan = await s.t.register('wsfan');
    await s.t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/wsstar' });
    const c = await connect(fan);
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack', channel: 'feed' });

    const posted = await s.t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'hello cloud' } });
    expect(posted.statusCode).toBe(201);
    const event = await c.waitFor((f) => f.type === 'feed.status');
    expect(event).toMatchObject({
      channel: 'feed',
      data: { id: posted.json<{ id: string }>().id, post: 'hello cloud' },
    });
    expect(s.routeErrors).toEqual([]);
  });

  it('accepts a first-frame auth, and answers frames before it with unauthenticated', async () => {
    const token = await s.t.register('wsframe');
    const c = await connect();
    expect(await c.request({ type: 'ping' })).toMatchObject({ type: 'ack', op: 'ping' });
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({
      type: 'error',
      code: 'unauthenticated',
    });
    expect(await c.request({ type: 'auth', token })).toMatchObject({ type: 'ack', op: 'auth' });
    expect(await c.request({ type: 'auth', token })).toMatchObject({ type: 'error', code: 'validation_failed' });
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
    expect(await c.request({ type: 'nonsense' })).toMatchObject({ type: 'error', code: 'validation_failed' });
    c.send('{not json');
    await c.waitFor((f) => f.type === 'error' && f.code === 'bad_json');
  });

  it('refuses the upgrade for a bad ?token=, and closes after a bad auth frame', async () => {
    const refused = new WebSocket(`${s.gateway.url}?token=nope`);
    const status = await new Promise<string>((resolve) => refused.once('error', (err) => resolve(err.message)));
    expect(status).toMatch(/401/);

    const c = await connect();
    c.send({ type: 'auth', token: 'not-a-token', id: 1 });
    await c.waitFor((f) => f.type === 'error' && f.code === 'unauthenticated');
    await c.closed;
  });

  it('authorizes board channels, broadcasts board messages and limits subscriptions', async () => {
    const owner = await s.t.register('wsowner');
    const outsider = await s.t.register('wsout');
    const api = socialApi(s.t);
    const secret = await api.createBoard(owner, { name: 'secret', visibility: 'private' });
    const open = await api.createBoard(owner, { name: 'open', visibility: 'public' });

    const o = await connect(outsider);
    expect(await o.request({ type: 'subscribe', channel: `board:${secret.id}` })).toMatchObject({ type: 'error' });
    const c = await connect(owner);
    expect(await c.request({ type: 'subscribe', channel: `board:${open.id}` })).toMatchObject({ type: 'ack' });
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
    expect(await c.request({ type: 'subscribe', channel: `board:${secret.id}` })).toMatchObject({
      type: 'error',
      code: 'validation_failed',
    });
    await api.postOk(owner, open.id, 'to the room');
    const created = await c.waitFor((f) => f.type === 'message.created');
    expect(created).toMatchObject({ channel: `board:${open.id}`, data: { text: 'to the room' } });
    expect(await c.request({ type: 'unsubscribe', channel: `board:${open.id}` })).toMatchObject({ type: 'ack' });
    expect(await c.request({ type: 'subscribe', channel: `board:${secret.id}` })).toMatchObject({ type: 'ack' });
  });

  it('revokes a private board channel from a removed member at once', async () => {
    const owner = await s.t.register('wsrevoker');
    const member = await s.t.register('wsrevoked');
    const api = socialApi(s.t);
    const board = await api.createBoard(owner, { name: 'inner', visibility: 'private' });
    await api.putMember(owner, board.id, 'wsrevoked');
    const c = await connect(member);
    const channel = `board:${board.id}`;
    expect(await c.request({ type: 'subscribe', channel })).toMatchObject({ type: 'ack' });
    await api.postOk(owner, board.id, 'before');
    await c.waitFor((f) => f.type === 'message.created');

    await api.removeMember(owner, board.id, 'wsrevoked');
    const revoked = await c.waitFor((f) => f.type === 'error' && f.code === 'forbidden');
    expect(revoked).toMatchObject({ message: expect.stringContaining(channel), channel });
    expect(revoked).not.toHaveProperty('id');
    await api.postOk(owner, board.id, 'after');
    // A later event on the member's own feed proves the pipe works and nothing of the board came first.
    const star = await s.t.register('wsrevstar');
    await s.t.as(member, { method: 'PUT', url: '/api/v1/me/followees/wsrevstar' });
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack' });
    await s.t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'marker' } });
    await c.waitFor((f) => f.type === 'feed.status');
    expect(c.events('message.created')).toHaveLength(1);
  });

  it('removes a connection that vanished without $disconnect when a push gets 410', async () => {
    const star = await s.t.register('ghoststar');
    const fan = await s.t.register('ghostfan');
    await s.t.as(fan, { method: 'PUT', url: '/api/v1/me/followees/ghoststar' });
    // The records of a connection the gateway no longer holds (its $disconnect was lost).
    const gateway = s.t.ctx.gateway;
    if (!gateway) throw new Error('no gateway session');
    expect(await gateway.connect('ghost', fan)).toEqual({ status: 200 });
    expect(await gateway.message('ghost', JSON.stringify({ type: 'subscribe', channel: 'feed' }), false)).toContain(
      'ack',
    );
    expect(await item('CONN#ghost', 'CONN')).toBeDefined();

    await s.t.as(star, { method: 'POST', url: '/api/v1/statuses', payload: { post: 'anyone there?' } });
    await eventually(async () => (await item('CONN#ghost', 'CONN')) === undefined);
    const live = await item('LIVE#ghostfan', 'CHAN#feed');
    expect([...((live?.conns as Set<string> | undefined) ?? [])].some((m) => m.startsWith('ghost|'))).toBe(false);
  });

  it('forgets a connection and its subscriptions on $disconnect', async () => {
    const owner = await s.t.register('wsleaver');
    const board = await socialApi(s.t).createBoard(owner, { name: 'leaving', visibility: 'public' });
    const c = await connect(owner);
    await c.request({ type: 'subscribe', channel: `board:${board.id}` });
    const subscribers = async () =>
      (
        await s.dynamo.doc.send(
          new QueryCommand({
            TableName: s.dynamo.tables.main,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `CHAN#board:${board.id}` },
          }),
        )
      ).Items ?? [];
    expect(await subscribers()).toHaveLength(1);
    const id = String((await subscribers())[0]?.sk).slice('CONN#'.length);
    expect(await item(`CONN#${id}`, 'CONN')).toMatchObject({ alias: 'wsleaver' });
    c.close();
    await eventually(
      async () => (await subscribers()).length === 0 && (await item(`CONN#${id}`, 'CONN')) === undefined,
    );
  });

  it('closes live connections when their session signs out', async () => {
    const token = await s.t.register('wssignout');
    const c = await connect(token);
    await c.request({ type: 'subscribe', channel: 'feed' });
    await s.t.as(token, { method: 'DELETE', url: '/api/v1/sessions/current' });
    await c.closed;
  });
});
