// Open-source emulators of the AWS shape, for development and tests only (devDependencies, loaded lazily; `serve`
// never imports this): dynalite for DynamoDB, fauxqs for SQS and S3, both on loopback.

import { createRequire } from 'node:module';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  /** LevelDB folder; in memory when absent. */
  path?: string;
}
type DynaliteFactory = (options: DynaliteOptions) => Server;

export interface Emulators {
  /** DynamoDB (dynalite) endpoint, e.g. http://127.0.0.1:4567. */
  dynamodbEndpoint: string;
  /** SQS and S3 (fauxqs) endpoint. */
  fauxqsEndpoint: string;
  stop(): Promise<void>;
}

/** dynalite alone on 127.0.0.1 (port 0: a random port), in memory or persisting under `path`. */
export async function startDynalite(
  options: {
    port?: number;
    path?: string;
    host?: string;
    /** Called with the operation of every request dynalite receives (e.g. `BatchWriteItem`): for counting. */
    onRequest?: (operation: string) => void;
  } = {},
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  // dynalite ships no types; its factory is all we use.
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.path ? { path: options.path } : {}),
  });
  const onRequest = options.onRequest;
  if (onRequest) {
    server.on('request', (req: IncomingMessage) => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') onRequest(target.slice(target.indexOf('.') + 1));
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  return {
    endpoint: `http://${host}:${(server.address() as AddressInfo).port}`,
    async stop() {
      // Idle keep-alive connections of SDK clients would hold close() open until they time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts dynalite and fauxqs on 127.0.0.1 (port 0: random ports); dynalite persists under `dynamodbPath` if given. */
export async function startEmulators(
  options: {
    dynamodbPort?: number;
    fauxqsPort?: number;
    dynamodbPath?: string;
    host?: string;
    /** Called with the operation of every request dynalite receives (e.g. `BatchWriteItem`): for counting. */
    onDynamodbRequest?: (operation: string) => void;
  } = {},
): Promise<Emulators> {
  const host = options.host ?? '127.0.0.1';
  const { startFauxqs } = await import('fauxqs');
  const dynamo = await startDynalite({
    host,
    ...(options.dynamodbPort !== undefined ? { port: options.dynamodbPort } : {}),
    ...(options.dynamodbPath ? { path: options.dynamodbPath } : {}),
    ...(options.onDynamodbRequest ? { onRequest: options.onDynamodbRequest } : {}),
  });
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  try {
    fauxqs = await startFauxqs({ port: options.fauxqsPort ?? 0, host, logger: false });
  } catch (err) {
    await dynamo.stop();
    throw err;
  }
  return {
    dynamodbEndpoint: dynamo.endpoint,
    fauxqsEndpoint: `http://${host}:${fauxqs.port}`,
    async stop() {
      await fauxqs.stop();
      await dynamo.stop();
    },
  };
}
