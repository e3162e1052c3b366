import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinitions, type TableNames } from '../../src/adapters/dynamodb/tables.js';
import { startDynalite } from '../../src/dev/emulators.js';
import { AWS_LOCAL_NAMES } from '../../src/dev/aws-local-emulators.js';
import { EMULATOR_CREDENTIALS } from '../../src/dev/provision.js';

export interface LocalDynamo {
  endpoint: string;
  tables: TableNames;
  doc: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** dynalite in-process on 127.0.0.1 at a free port, with the tables of `tableDefinitions`. */
export async function startLocalDynamo(): Promise<LocalDynamo> {
  const dynalite = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: AWS_LOCAL_NAMES.region,
    credentials: EMULATOR_CREDENTIALS,
  });
  const tables = { ...AWS_LOCAL_NAMES.tables };
  for (const definition of tableDefinitions(tables)) await client.send(new CreateTableCommand(definition));
  return {
    endpoint: dynalite.endpoint,
    tables,
    doc: DynamoDBDocumentClient.from(client),
    async close() {
      client.destroy();
      await dynalite.stop();
    },
  };
}
