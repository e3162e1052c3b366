import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config/config.js';
import { startLocalWsGateway, type LocalGateway } from '../../src/dev/local-ws-gateway.js';
import { buildApp } from '../../src/http/app.js';
import { createWebSocketHandler } from '../../src/runtimes/lambda/websocket-handler.js';
import { createNodeRuntime, type NodeOverrides, type NodeRuntime } from '../../src/wiring/node-runtime.js';
import { startAwsLocalShape, testShape } from './aws-local.js';
import { conformanceChecker, type OpenApiDoc } from './openapi-conformance.js';

/** Settings that keep tests fast: cheap scrypt, quick retries, quiet logs, no sign-up limits. */
export const TEST_ENV: Record<string, string> = {
  LOG_LEVEL: 'silent',
  SCRYPT_COST: '1024',
  JOB_BACKOFF_BASE_MS: '10',
  JOB_BACKOFF_MAX_MS: '50',
  JOB_POLL_MS: '20',
  JOB_VISIBILITY_MS: '2000',
  HOST: '127.0.0.1',
  PORT: '0',
  // Tests sign up many users from one address, often all at once, and some fail sign-ins on purpose by the
  // dozen (no held requests: the login limits tests set the delay they check).
  REGISTER_MAX_PER_ADDRESS: '100000',
  PASSWORD_HASH_QUEUE: '10000',
  LOGIN_ALIAS_DELAY_MAX_MS: '0',
  // Jobs on the test's own thread (its manual clock reaches them); the thread layout's tests set JOB_THREADS=1.
  JOB_THREADS: '0',
};

/** The context overrides, and: `workers: false` (no worker runs jobs), `dataDir` (kept after close), `gatewayStream`. */
export type TestAppOverrides = NodeOverrides & { workers?: boolean; dataDir?: string; gatewayStream?: boolean };

export interface TestApp {
  app: FastifyInstance;
  ctx: NodeRuntime;
  config: Config;
  dataDir: string;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Registers a user and returns its token. */
  register(alias: string, extra?: Record<string, unknown>): Promise<string>;
  /** A request with this token. */
  as(token: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Waits until the job queue has nothing left to run. */
  drain(): Promise<void>;
  /** Listens on 127.0.0.1 at a random port (for real WebSocket clients); returns the base URL. */
  listen(): Promise<string>;
  /** Where live-stream clients connect: the local gateway's URL (as GET /api/v1/meta gives it), else /api/v1/stream. */
  streamUrl(): Promise<string>;
  /** On aws-local with `gatewayStream`: the local WebSocket gateway, and errors its route handlers threw. */
  gateway: { gateway: LocalGateway; routeErrors: unknown[] } | null;
  close(): Promise<void>;
}

/**
 * The real app in-process over a temporary SQLite file, workers running. With TWEETER_TEST_SHAPE=aws-local (and no
 * stores override), over DynamoDB, SQS and S3 instead: dynalite and fauxqs started for this app on random ports;
 * with `gatewayStream` there too, the live stream runs as on AWS: the local WebSocket gateway in front of the Lambda
 * WebSocket handler over this app's context, and TWEETER_REALTIME=apigw (as `npm run start:aws-local` does).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  overrides: TestAppOverrides = {},
): Promise<TestApp> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'tweeter-test-'));
  const shape = testShape() === 'aws-local' && !overrides.stores ? await startAwsLocalShape(env) : null;
  const stream = shape && overrides.gatewayStream ? await startStreamGateway() : null;
  const config = loadConfig({ ...TEST_ENV, DATA_DIR: dataDir, ...shape?.env, ...stream?.env, ...env });
  const ctx = await createNodeRuntime(config, overrides);
  stream?.bind(ctx);
  await ctx.verify();
  const app = await buildApp(ctx);
  // As the node runtime runs them, but the scheduler: tests enqueue its jobs with scheduler.runNow().
  ctx.connectionSweep.start();
  if (overrides.workers !== false) ctx.workers.start();
  // Every response a test receives is checked against the document the app serves (see openapi-conformance.ts).
  const checker = conformanceChecker((await app.inject({ url: '/openapi.json' })).json<OpenApiDoc>());
  const inject = async (options: InjectOptions) => {
    const res = await app.inject(options);
    checker.check(options.method ?? 'GET', requestPath(options), res);
    return res;
  };
  const as = (token: string, options: InjectOptions) =>
    inject({ ...options, headers: { ...options.headers, authorization: `Bearer ${token}` } });
  return {
    app,
    ctx,
    config,
    dataDir,
    inject,
    as,
    async register(alias, extra = {}) {
      const res = await inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: { alias, firstName: 'First', lastName: 'Last', password: 'correct horse', ...extra },
      });
      if (res.statusCode !== 201) throw new Error(`register ${alias}: ${res.statusCode} ${res.body}`);
      return (res.json() as { token: string }).token;
    },
    drain: () => ctx.workers.drain(20_000),
    listen: () => app.listen({ port: 0, host: '127.0.0.1' }),
    async streamUrl() {
      if (stream) return (await inject({ url: '/api/v1/meta' })).json<{ streamUrl: string }>().streamUrl;
      return `${(await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http/, 'ws')}/api/v1/stream`;
    },
    gateway: stream ? { gateway: stream.gateway, routeErrors: stream.routeErrors } : null,
    async close() {
      checker.flush();
      await stream?.gateway.close();
      await app.close();
      await ctx.close();
      await shape?.stop();
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The local WebSocket gateway, its routes bound to the Lambda WebSocket handler once the app's context exists. */
async function startStreamGateway(): Promise<{
  gateway: LocalGateway;
  env: Record<string, string>;
  routeErrors: unknown[];
  bind(ctx: NodeRuntime): void;
}> {
  let bind: (ctx: NodeRuntime) => void = () => undefined;
  const route = createWebSocketHandler(new Promise<NodeRuntime>((resolve) => (bind = resolve)));
  const routeErrors: unknown[] = [];
  const gateway = await startLocalWsGateway({
    routes: { $connect: route, $disconnect: route, $default: route },
    onError: (err) => routeErrors.push(err),
  });
  const env = {
    TWEETER_REALTIME: 'apigw',
    WEBSOCKET_MANAGEMENT_ENDPOINT: gateway.managementEndpoint,
    STREAM_URL: gateway.url,
  };
  return { gateway, env, routeErrors, bind: (ctx) => bind(ctx) };
}

/** The path (and query) an inject call asks for, whichever way its options spell it. */
function requestPath(options: InjectOptions): string {
  const url = options.url ?? options.path;
  if (typeof url === 'string') return url;
  return url?.pathname ?? '/';
}

/** Polls `check` until it returns a value that is not undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A 1x1 PNG. */
export const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
