// The AWS shape on this machine, as one thing to start and stop (`npm run start:aws-local`, and the test that proves
// it): dynalite and fauxqs for the data plane, the local WebSocket gateway in front of the Lambda WebSocket handler
// for the live stream, and the server (HTTP, workers, scheduler) on them with TWEETER_REALTIME=apigw, so a live event
// travels as in AWS: fan-out through SQS and DynamoDB, push through PostToConnection to the gateway.
// Dev tooling only: the emulators are devDependencies and `tweeter serve` never loads this file.

import { mkdirSync } from 'node:fs';
import type { Config } from '../config/config.js';
import { createWebSocketHandler } from '../runtimes/lambda/websocket-handler.js';
import { startServer, type RunningServer } from '../runtimes/node/serve.js';
import type { NodeRuntime } from '../wiring/node-runtime.js';
import { startEmulators, type Emulators } from './emulators.js';
import { startLocalWsGateway, type LocalGateway } from './local-ws-gateway.js';
import { awsLocalSettings, provisionEmulators } from './aws-local-emulators.js';
import { withEmulatorCredentials } from './provision.js';

export interface AwsLocalOptions {
  /**
   * The server's configuration with these settings on top (the caller decides where the rest comes from); the stack
   * hands the emulators' credentials to its SDK clients (withEmulatorCredentials), so none need be in the environment.
   */
  configure(settings: Record<string, string>): Config;
  /** Loopback ports of dynalite, fauxqs and the WebSocket gateway (0: free ports). */
  dynamodbPort: number;
  fauxqsPort: number;
  streamPort: number;
  /** Where dynalite keeps its tables (start:aws-local: DATA_DIR/dynalite); unset: in memory (tests). */
  dynamodbPath?: string;
}

export interface AwsLocalStack {
  server: RunningServer;
  emulators: Emulators;
  gateway: LocalGateway;
  /** The settings that point the CLI (`tweeter dlq ...`) at the same emulators. */
  settings: Record<string, string>;
  /** Stops the server (finishing requests and jobs in flight), then the gateway and the emulators. */
  stop(): Promise<void>;
}

/** Starts the emulators and the gateway, creates what is missing, and runs the server on them. */
export async function startAwsLocalStack(options: AwsLocalOptions): Promise<AwsLocalStack> {
  const { dynamodbPath } = options;
  if (dynamodbPath) mkdirSync(dynamodbPath, { recursive: true });
  const emulators = await startEmulators({
    dynamodbPort: options.dynamodbPort,
    fauxqsPort: options.fauxqsPort,
    ...(dynamodbPath ? { dynamodbPath } : {}),
  });
  // The gateway runs before the server (its endpoints are in the server's config); its routes wait for the server's
  // runtime, as a Lambda invocation waits for its init phase.
  let contextReady: (ctx: NodeRuntime) => void = () => undefined;
  let contextFailed: (err: unknown) => void = () => undefined;
  const ready = new Promise<NodeRuntime>((resolve, reject) => {
    contextReady = resolve;
    contextFailed = reject;
  });
  ready.catch(() => undefined);
  const route = createWebSocketHandler(ready);
  let gateway: LocalGateway | undefined;
  let server: RunningServer | undefined;
  try {
    gateway = await startLocalWsGateway({
      routes: { $connect: route, $disconnect: route, $default: route },
      port: options.streamPort,
      onError: (err, routeKey) => server?.ctx.logger.error({ err, routeKey }, 'aws-local: a WebSocket route failed'),
    });
    const settings: Record<string, string> = {
      ...awsLocalSettings(emulators),
      TWEETER_REALTIME: 'apigw',
      WEBSOCKET_MANAGEMENT_ENDPOINT: gateway.managementEndpoint,
      STREAM_URL: gateway.url,
    };
    const config = withEmulatorCredentials(options.configure(settings));
    await provisionEmulators(emulators, { maxAttempts: config.jobs.maxAttempts });
    server = await startServer(config);
    contextReady(server.ctx);
    const started = { server, gateway };
    let stopping: Promise<void> | undefined;
    return {
      server,
      emulators,
      gateway,
      settings,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await started.gateway.close();
            await started.server.stop();
          } finally {
            await emulators.stop();
          }
        })()),
    };
  } catch (err) {
    contextFailed(err);
    await gateway?.close();
    await emulators.stop();
    throw err;
  }
}
