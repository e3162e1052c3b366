import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/config.js';
import { buildApp } from '../../src/http/app.js';
import { createLambdaHttp, createLambdaJobs, createLambdaWebSocket } from '../../src/wiring/lambda.js';
import { createTestApp, TEST_ENV, type TestApp } from '../support/test-app.js';

// Each Lambda function assembles only what its handler calls: no ws hub, worker pool or scheduler of its own.
let t: TestApp;
let dataDir: string;
let config: Config;

beforeAll(async () => {
  t = await createTestApp();
  dataDir = mkdtempSync(join(tmpdir(), 'tweeter-lambda-parts-'));
  config = loadConfig({ ...TEST_ENV, DATA_DIR: dataDir });
});
afterAll(async () => {
  await t.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the Lambda functions’ parts', () => {
  it('HTTP: no sockets or workers, yet the same document, health and 400 for a plain GET of the stream', async () => {
    const parts = await createLambdaHttp(config);
    expect(parts.hub).toBeNull();
    expect(parts.workers).toBeNull();
    const app = await buildApp(parts);
    try {
      const doc = (await app.inject({ url: '/openapi.json' })).body;
      expect(doc).toBe((await t.app.inject({ url: '/openapi.json' })).body);
      const stream = await app.inject({ url: '/api/v1/stream' });
      expect(stream.statusCode).toBe(400);
      expect(stream.json()).toEqual((await t.app.inject({ url: '/api/v1/stream' })).json());
      expect((await app.inject({ url: '/healthz' })).json()).toEqual({
        ok: true,
        checks: { store: 'ok', queue: 'ok', workers: 'ok' },
      });
    } finally {
      await app.close();
      await parts.store.close();
    }
  });

  it('jobs: the processors alone, the same as the node runtime runs', async () => {
    const parts = await createLambdaJobs(config);
    expect(Object.keys(parts).sort()).toEqual(['jobs', 'logger', 'realtime']);
    expect([...parts.jobs.names].sort()).toEqual([...t.ctx.jobs.names].sort());
  });

  it('WebSocket: refuses to start without API Gateway (TWEETER_REALTIME=apigw)', async () => {
    await expect(createLambdaWebSocket(config)).rejects.toThrow('the WebSocket handler needs TWEETER_REALTIME=apigw');
  });
});
