import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { startAwsLocalStack, type AwsLocalStack } from '../../src/dev/aws-local-stack.js';
import { TEST_ENV } from '../support/test-app.js';
import { TestStreamClient } from '../support/ws-client.js';

// `npm run start:aws-local` as one stack in this process (every port 0): dynalite, fauxqs, the local WebSocket
// gateway bound to the Lambda WebSocket handler, and the server over them. A follower's live feed event travels as in
// AWS: the post's fan-out through the SQS stage queues and the DynamoDB store, the push through the apigw Realtime
// adapter (PostToConnection) and the gateway, to a real ws client that found the stream through GET /api/v1/meta.
// No AWS credentials in this process's environment (and no instance metadata to fall back on): the stack must hand
// the emulators' credentials to every SDK client itself, and leave the environment as it found it.
const CREDENTIAL_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];
for (const name of CREDENTIAL_VARIABLES) delete process.env[name];
process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/aws-credentials';
process.env['AWS_CONFIG_FILE'] = '/nonexistent/aws-config';
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
let environmentBefore: Record<string, string | undefined>;

let stack: AwsLocalStack;
let dataDir: string;
const clients: TestStreamClient[] = [];

beforeAll(async () => {
  environmentBefore = { ...process.env };
  dataDir = mkdtempSync(join(tmpdir(), 'tweeter-aws-local-'));
  stack = await startAwsLocalStack({
    configure: (settings) => loadConfig({ ...TEST_ENV, DATA_DIR: dataDir, ...settings }),
    dynamodbPort: 0,
    fauxqsPort: 0,
    streamPort: 0,
  });
}, 60_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await stack?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, token?: string, body?: unknown): Promise<Response> {
  return fetch(`${stack.server.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function register(alias: string): Promise<string> {
  const res = await call('POST', '/api/v1/users', undefined, {
    alias,
    firstName: 'First',
    lastName: 'Last',
    password: 'correct horse',
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe('start:aws-local', () => {
  it('runs on the emulators without AWS credentials in the environment, and leaves the environment untouched', async () => {
    expect({ ...process.env }).toEqual(environmentBefore);
    for (const name of CREDENTIAL_VARIABLES) expect(process.env[name]).toBeUndefined();
    // A write through the DynamoDB store and the SQS queue (the fan-out job), signed with the emulators' credentials.
    const token = await register('nocreds');
    expect((await call('POST', '/api/v1/statuses', token, { post: 'signed without the environment' })).status).toBe(
      201,
    );
    expect((await call('GET', '/healthz')).status).toBe(200);
  });

  it('serves the live stream through the local gateway and the Lambda WebSocket handler', async () => {
    const meta = (await (await call('GET', '/api/v1/meta')).json()) as { streamUrl: string };
    expect(meta.streamUrl).toBe(stack.gateway.url);

    const star = await register('localstar');
    const fan = await register('localfan');
    expect((await call('PUT', '/api/v1/me/followees/localstar', fan)).status).toBeLessThan(300);
    const c = await TestStreamClient.open(meta.streamUrl, fan);
    clients.push(c);
    expect(await c.request({ type: 'subscribe', channel: 'feed' })).toMatchObject({ type: 'ack', channel: 'feed' });
    expect(stack.gateway.connections()).toHaveLength(1);

    const posted = await call('POST', '/api/v1/statuses', star, { post: 'hello from aws-local' });
    expect(posted.status).toBe(201);
    const { id } = (await posted.json()) as { id: string };
    const event = await c.waitFor((f) => f.type === 'feed.status', 0, 60_000);
    expect(event).toMatchObject({ channel: 'feed', data: { id, post: 'hello from aws-local' } });
  });
});
