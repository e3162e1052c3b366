import {
  DeleteConnectionCommand,
  type ApiGatewayManagementApiClient,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

/** What became of a call on one connection: `gone` is API Gateway's 410 (the client has left). */
export type PostResult = 'sent' | 'gone';

/** The WebSocket API's management endpoint (`/@connections/{id}`), with 410 turned into a value. */
export class ConnectionManagement {
  constructor(private readonly client: ApiGatewayManagementApiClient) {}

  async post(id: string, data: Uint8Array): Promise<PostResult> {
    try {
      await this.client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
      return 'sent';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw err;
    }
  }

  async delete(id: string): Promise<PostResult> {
    try {
      await this.client.send(new DeleteConnectionCommand({ ConnectionId: id }));
      return 'sent';
    } catch (err) {
      if (isGone(err)) return 'gone';
      throw err;
    }
  }
}

function isGone(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return err.name === 'GoneException' || status === 410;
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
