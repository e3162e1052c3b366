import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo, Server } from 'node:net';
import { createRequire } from 'node:module';
import { tableDefinitions, type TableNames } from '../../src/adapters/dynamodb/tables.js';

// dynalite ships no types: loaded through require with the one call we make typed here.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: { createTableMs: number }) => Server;

export interface LocalDynamo {
  endpoint: string;
  tables: TableNames;
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** dynalite in-process on 127.0.0.1 at a free port, with the tables of `tableDefinitions`. */
export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const tables = { main: 'tweeter-main', feeds: 'tweeter-feeds' };
  for (const definition of tableDefinitions(tables)) await client.send(new CreateTableCommand(definition));
  return {
    endpoint,
    tables,
    doc: DynamoDBDocumentClient.from(client),
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
