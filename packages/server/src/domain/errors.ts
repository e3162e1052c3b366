import { ERROR_STATUS, type ErrorCode, type ErrorDetail } from '@tweeter/shared';

/** Every error the domain throws on purpose: carries a stable code; the HTTP layer maps it. */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }
}

export class ValidationError extends AppError {
  override name = 'ValidationError';
  constructor(message: string, details?: ErrorDetail[]) {
    super('validation_failed', message, details);
  }
}

export class NotFoundError extends AppError {
  override name = 'NotFoundError';
  constructor(message = 'not found') {
    super('not_found', message);
  }
}

/** A reply to a status that was deleted (404 with its own code, so a client can say so). */
export class StatusDeletedError extends AppError {
  override name = 'StatusDeletedError';
  constructor(message: string) {
    super('status_deleted', message);
  }
}

export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
  constructor(message = 'you may not do that') {
    super('forbidden', message);
  }
}

export class UnauthenticatedError extends AppError {
  override name = 'UnauthenticatedError';
  constructor(message = 'sign in first: send Authorization: Bearer <token>') {
    super('unauthenticated', message);
  }
}

export class ConflictError extends AppError {
  override name = 'ConflictError';
  constructor(code: 'conflict' | 'alias_taken' | 'idempotency_key_reused', message: string) {
    super(code, message);
  }
}

/** A budget as the `RateLimit-*` response headers state it. */
export interface RateQuota {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the budget is whole again. */
  resetSeconds: number;
  windowSeconds: number;
}

export class RateLimitedError extends AppError {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    readonly quota?: RateQuota,
  ) {
    super('rate_limited', message);
  }
}

/** The server is busy (e.g. too many password hashes at once): try again after `retryAfterSeconds`. */
export class UnavailableError extends AppError {
  override name = 'UnavailableError';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('unavailable', message);
  }
}

export class PayloadTooLargeError extends AppError {
  override name = 'PayloadTooLargeError';
  constructor(message: string) {
    super('payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  override name = 'UnsupportedMediaTypeError';
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}
