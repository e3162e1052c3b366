import { ERROR_STATUS, type ErrorBody, type ErrorCode, type ErrorDetail } from '@tweeter/shared';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, RateLimitedError, UnavailableError, type RateQuota } from '../domain/errors.js';
import { payloadTooLargeMessage, unsupportedMediaTypeMessage } from './content-types.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_MAX_PARAM_LENGTH: 'validation_failed',
  FST_ERR_BAD_URL: 'validation_failed',
  FST_ERR_ASYNC_CONSTRAINT: 'validation_failed',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const CONTEXT_NAMES: Record<string, string> = {
  querystring: 'query',
  params: 'params',
  body: 'body',
  headers: 'headers',
};

/** Errors by which AWS services (after the SDK's own retries) say "slow down": a 503, never a 500. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'StoreBusyError',
]);
const BUSY_RETRY_AFTER_SECONDS = 1;

/** Seconds a client should wait when a store or queue behind us is throttling; null when `err` is not that. */
export function throttledRetryAfter(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const e = err as { name?: unknown; retryAfterSeconds?: unknown; $retryable?: { throttling?: unknown } };
  const throttled = (typeof e.name === 'string' && THROTTLING.has(e.name)) || e.$retryable?.throttling === true;
  if (!throttled) return null;
  return typeof e.retryAfterSeconds === 'number' && e.retryAfterSeconds > 0
    ? Math.ceil(e.retryAfterSeconds)
    : BUSY_RETRY_AFTER_SECONDS;
}

/** Any thrown value as the API's error shape: known errors keep their code, anything else is a logged 500. */
export function toErrorResponse(err: unknown, request: FastifyRequest): { status: number; body: ErrorBody } {
  if (err instanceof AppError) return shape(err.code, err.message, err.details);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = CONTEXT_NAMES[(err as { validationContext?: string }).validationContext ?? ''] ?? 'request';
    const details: ErrorDetail[] = err.validation.flatMap((v) => {
      const path = [where, ...v.instancePath.split('/').filter(Boolean)];
      const message = v.message ?? 'is not valid';
      // Unknown fields come as one issue listing them: one detail per field, each with its own path.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
      if (Array.isArray(keys) && keys.length)
        return keys.map((k) => ({ path: [...path, String(k)].join('.'), message }));
      return [{ path: path.join('.'), message }];
    });
    const first = details[0];
    return shape('validation_failed', first ? `${first.path}: ${first.message}` : 'request is not valid', details);
  }
  const retryAfter = throttledRetryAfter(err);
  if (retryAfter !== null) {
    request.log.warn({ err }, 'throttled by a backing service');
    return shape('unavailable', `we are busy right now; try again in ${retryAfter} s`);
  }
  const fe = err as Partial<FastifyError>;
  const mapped = (fe.code && FASTIFY_CODES[fe.code]) ?? (fe.statusCode ? BY_STATUS[fe.statusCode] : undefined);
  if (mapped && fe.statusCode && fe.statusCode < 500) {
    const message =
      mapped === 'bad_json'
        ? 'body is not valid JSON'
        : fe.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a path parameter is longer than 100 characters'
          : mapped === 'unsupported_media_type'
            ? unsupportedMediaTypeMessage(request)
            : mapped === 'payload_too_large'
              ? payloadTooLargeMessage(request)
              : (fe.message ?? mapped);
    return shape(mapped, message);
  }
  request.log.error({ err }, 'unhandled error');
  return shape('internal', `something went wrong on our side; quote request id ${request.id}`);
}

function shape(code: ErrorCode, message: string, details?: ErrorDetail[]): { status: number; body: ErrorBody } {
  return { status: ERROR_STATUS[code], body: { error: { code, message, ...(details ? { details } : {}) } } };
}

/** Fastify error handler: sends the error shape (with Retry-After on 429 and 503, RateLimit-* on 429). */
export function errorHandler(err: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorResponse(err, request);
  // Errors raised before a route's handler ran (validation, body parsing, 415, 413) have no request id yet.
  reply.header('x-request-id', request.id);
  if (err instanceof RateLimitedError || err instanceof UnavailableError) {
    reply.header('retry-after', String(err.retryAfterSeconds));
  }
  if (err instanceof RateLimitedError && err.quota) reply.headers(rateLimitHeaders(err.quota));
  const busy = throttledRetryAfter(err);
  if (busy !== null) reply.header('retry-after', String(busy));
  void reply.status(status).type('application/json').send(body);
}

/** The IETF draft's `RateLimit-Limit`, `-Remaining`, `-Reset` (seconds) and `RateLimit-Policy` headers. */
function rateLimitHeaders(q: RateQuota): Record<string, string> {
  return {
    'ratelimit-limit': String(q.limit),
    'ratelimit-remaining': String(q.remaining),
    'ratelimit-reset': String(q.resetSeconds),
    'ratelimit-policy': `${q.limit};w=${q.windowSeconds}`,
  };
}
