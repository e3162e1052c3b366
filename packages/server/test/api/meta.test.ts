import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_VERSION } from '../../src/version.js';
import { testShape } from '../support/aws-local.js';
import type { TestApp } from '../support/test-app.js';
import { useTestApps } from '../support/use-test-app.js';

const apps = useTestApps();
let t: TestApp | undefined;

const meta = async (env: Record<string, string>, headers: Record<string, string> = {}) => {
  t = await apps.start(env, { workers: false });
  const res = await t.inject({ method: 'GET', url: '/api/v1/meta', headers });
  expect(res.statusCode).toBe(200);
  return res.json<{ streamUrl: string; version: string }>();
};

describe('GET /api/v1/meta', () => {
  it('points at the server’s own stream on the host the request came to, without auth', async () => {
    const body = await meta({}, { host: 'tweeter.test:8080' });
    expect(body).toEqual({
      streamUrl: 'ws://tweeter.test:8080/api/v1/stream',
      version: SERVER_VERSION,
      // With S3 blobs (aws-local), files over 4 MiB go straight to S3; the embedded server takes all through the API.
      mediaUpload: {
        ...(testShape() === 'aws-local'
          ? { via: 's3-put', apiMaxBytes: 4 * 1024 * 1024 }
          : { via: 'api', apiMaxBytes: 8 * 1024 * 1024 }),
        maxBytes: 8 * 1024 * 1024,
        types: ['image/png', 'image/jpeg', 'image/webp'],
        perStatus: 4,
        altMax: 1500,
      },
    });
  });

  it('uses PUBLIC_URL with a secure scheme when set', async () => {
    expect((await meta({ PUBLIC_URL: 'https://social.example/' })).streamUrl).toBe(
      'wss://social.example/api/v1/stream',
    );
  });

  it('hands out STREAM_URL as it is (the WebSocket API on AWS)', async () => {
    const streamUrl = 'wss://abc123.execute-api.us-east-1.amazonaws.com/prod';
    expect((await meta({ STREAM_URL: streamUrl, PUBLIC_URL: 'https://social.example' })).streamUrl).toBe(streamUrl);
  });

  it('is in the OpenAPI document, and its version is the package version', async () => {
    t = await apps.start({}, { workers: false });
    const doc = (await t.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths)).toContain('/api/v1/meta');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(SERVER_VERSION).toBe(pkg.version);
  });
});
