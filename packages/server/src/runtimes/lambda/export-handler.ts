import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '../../domain/errors.js';
import type { Services } from '../../services/use-cases.js';

/** The status and headers of a streamed response, sent before its first byte (Lambda's HttpResponseStream.from). */
export interface StreamMetadata {
  statusCode: number;
  headers: Record<string, string>;
}

/** Lambda's `awslambda.HttpResponseStream.from`: the response stream, once it has been given its metadata. */
export type WithMetadata = (responseStream: Writable, metadata: StreamMetadata) => Writable;

export type ExportHandler = (event: APIGatewayProxyEvent, responseStream: Writable, context: Context) => Promise<void>;

/**
 * GET /api/v1/me/export on the AWS shape: its own function, invoked by API Gateway in response-streaming mode
 * (ResponseTransferMode STREAM), so the document is written as it is read, as the embedded server writes it, and
 * never meets the 6 MB limit of a buffered Lambda response. The stream's backpressure paces the store reads.
 */
export function createExportHandler(
  ready: Promise<{ services: Pick<Services, 'sessions' | 'exports'> }>,
  withMetadata: WithMetadata,
): ExportHandler {
  return async (event, responseStream) => {
    const { services } = await ready;
    let chunks: AsyncGenerator<string>;
    let me: string;
    try {
      me = await services.sessions.authenticate(bearer(event.headers));
      chunks = await services.exports.open(me);
    } catch (err) {
      // Before the first byte, errors answer in the API's error shape, as the Fastify error mapper would.
      const known = err instanceof AppError;
      const body = {
        error: known ? { code: err.code, message: err.message } : { code: 'internal', message: 'internal error' },
      };
      const out = withMetadata(responseStream, {
        statusCode: known ? err.status : 500,
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      out.end(JSON.stringify(body));
      if (!known) throw err;
      return;
    }
    const date = new Date().toISOString().slice(0, 10);
    const out = withMetadata(responseStream, {
      statusCode: 200,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'content-disposition': `attachment; filename="tweeter-${me}-${date}.json"`,
        'cache-control': 'no-store',
      },
    });
    // A failure mid-way ends the stream with an error: the client gets a truncated (invalid) document, never a valid
    // partial one.
    await pipeline(Readable.from(chunks, { objectMode: false }), out);
  };
}

function bearer(headers: APIGatewayProxyEvent['headers']): string | undefined {
  const header = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  return header ? /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] : undefined;
}
