import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Makes the client's next command matching `hit` fail, once, as if the process died there (crash tests). */
export function faultOnce(doc: DynamoDBDocumentClient, hit: (command: unknown) => boolean): void {
  const send = doc.send.bind(doc);
  let armed = true;
  doc.send = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
    if (armed && hit(command)) {
      armed = false;
      return Promise.reject(new Error('the process died here'));
    }
    return (send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
  }) as typeof doc.send;
}

/** Whether a key attribute is a string with this prefix (e.g. an item's `pk` in a command's input). */
export const startsWith = (value: unknown, prefix: string): boolean =>
  typeof value === 'string' && value.startsWith(prefix);
