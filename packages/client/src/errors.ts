/** One problem with a request field, as the API reports it (`body.post`, `query.limit`, ...). */
export interface TweeterErrorDetail {
  path: string;
  message: string;
}

/**
 * Any failed call. An error answer of the API, in its one error shape: `status` is the HTTP status and `code` the
 * stable machine code (`validation_failed`, `unauthenticated`, `not_found`, `alias_taken`, ...); an error answer
 * not in that shape (a proxy's 502 page): `http_<status>`. The client adds two of its own: `network` (status 0: no
 * answer, e.g. the server is down or the connection dropped) and `bad_response` (a success answer that is not JSON
 * or fails the client's `validate`).
 */
export class TweeterApiError extends Error {
  override name = 'TweeterApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: TweeterErrorDetail[] = [],
    /** The server's X-Request-Id: quote it when reporting a 500. */
    readonly requestId: string | null = null,
    /** Seconds to wait before trying again (429 rate_limited). */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** The error a failed response stands for; `body` is its parsed JSON, if any. */
  static fromResponse(response: Response, body: unknown): TweeterApiError {
    const error = isErrorBody(body) ? body.error : undefined;
    const retryAfter = Number(response.headers.get('retry-after'));
    return new TweeterApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `the server answered ${response.status} ${response.statusText}`.trim(),
      error?.details ?? [],
      response.headers.get('x-request-id'),
      Number.isFinite(retryAfter) && response.headers.has('retry-after') ? retryAfter : null,
    );
  }
}

function isErrorBody(
  body: unknown,
): body is { error: { code: string; message: string; details?: TweeterErrorDetail[] } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}
