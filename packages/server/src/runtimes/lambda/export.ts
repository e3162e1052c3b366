import type {} from 'aws-lambda'; // the `awslambda` global of the Node.js Lambda runtime (response streaming)
import { createLambdaExport } from '../../wiring/lambda.js';
import { boot } from './boot.js';
import { createExportHandler } from './export-handler.js';

if (typeof awslambda === 'undefined') {
  throw new Error('the export function runs only in the Lambda runtime (response streaming)');
}

/** Lambda entry: GET /api/v1/me/export, streamed (API Gateway REST, ResponseTransferMode STREAM). */
export const handler = awslambda.streamifyResponse(
  createExportHandler(boot(createLambdaExport), (stream, metadata) =>
    awslambda.HttpResponseStream.from(stream, { ...metadata }),
  ),
);
