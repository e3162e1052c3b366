// Open-source emulators of the AWS shape, for development and tests only (devDependencies, loaded lazily; `serve`
// never imports this): dynalite for DynamoDB, fauxqs for SQS and S3, both on loopback.

import { createRequire } from 'node:module';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

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
  // dynalite ships no types; its factory is all we use.
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  const { startFauxqs } = await import('fauxqs');
  const dynamo = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dynamodbPath ? { path: options.dynamodbPath } : {}),
  });
  const onRequest = options.onDynamodbRequest;
  if (onRequest) {
    dynamo.on('request', (req: IncomingMessage) => {
      const target = req.headers['x-amz-target'];
      if (typeof target === 'string') onRequest(target.slice(target.indexOf('.') + 1));
    });
  }
  await new Promise<void>((resolve, reject) => {
    dynamo.once('error', reject);
    dynamo.listen(options.dynamodbPort ?? 0, host, () => resolve());
  });
  let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
  try {
    fauxqs = await startFauxqs({ port: options.fauxqsPort ?? 0, host, logger: false });
  } catch (err) {
    await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    throw err;
  }
  const dynamoPort = (dynamo.address() as AddressInfo).port;
  return {
    dynamodbEndpoint: `http://${host}:${dynamoPort}`,
    fauxqsEndpoint: `http://${host}:${fauxqs.port}`,
    async stop() {
      await fauxqs.stop();
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
    },
  };
}
