import { z } from 'zod';
import { EXAMPLES } from './schemas/examples.js';

/** Stable machine codes of the API's error shape, with the HTTP status each maps to. */
export const ERROR_STATUS = {
  validation_failed: 400,
  bad_json: 400,
  unauthenticated: 401,
  forbidden: 403,
  wrong_password: 403,
  not_found: 404,
  status_deleted: 404,
  method_not_allowed: 405,
  conflict: 409,
  alias_taken: 409,
  idempotency_key_reused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  limit_reached: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ErrorDetail = z.object({
  path: z.string().describe('where in the request: body.post, query.limit, params.alias, ...'),
  message: z.string(),
});
export type ErrorDetail = z.infer<typeof ErrorDetail>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.array(ErrorDetail).optional(),
    }),
  })
  .meta({ id: 'Error', examples: [EXAMPLES.error] });
export type ErrorBody = z.infer<typeof ErrorBody>;
