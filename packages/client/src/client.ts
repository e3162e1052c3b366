import createClient, { type Client, type FetchOptions, type FetchResponse } from 'openapi-fetch';
import { TweeterApiError } from './errors.js';
import type { operations, paths } from './generated/openapi.js';
import { OPERATIONS } from './generated/operations.js';

export type OperationId = keyof typeof OPERATIONS & keyof operations;

/** The options of an operation: `params` (`path`, `query`, `header`) and `body`, typed from the document. */
export type OperationInit<Id extends OperationId> = FetchOptions<operations[Id]>;

/** What an operation answers on success (undefined for 204). */
export type OperationResult<Id extends OperationId> = Exclude<
  FetchResponse<operations[Id], unknown, `${string}/${string}`>['data'],
  undefined
>;

/** Operations that answer a page `{ items, nextCursor }` and take `?cursor=`. */
export type PagedOperationId = {
  [Id in OperationId]: OperationResult<Id> extends { items: unknown[]; nextCursor: string | null } ? Id : never;
}[OperationId];
export type PageItem<Id extends PagedOperationId> = OperationResult<Id> extends { items: (infer T)[] } ? T : never;

/** The arguments after the operationId: the init is optional when the operation needs no parameters or body. */
export type InitArgs<Id extends OperationId> =
  object extends OperationInit<Id> ? [init?: OperationInit<Id>] : [init: OperationInit<Id>];

/**
 * Checks (and may convert) a success body before `call` resolves with it, e.g. with your own schemas; whatever it
 * throws becomes a TweeterApiError with the code `bad_response`.
 */
export type ResponseValidator = (operationId: OperationId, body: unknown) => unknown;

export interface TweeterClientOptions {
  /** Where the server is, e.g. `https://tweeter.example` (the API lives under /api/v1 there). */
  baseUrl: string;
  /**
   * A session token from registerUser or createSession (change it later with setToken), or a function asked on
   * every call (for an app whose session lives elsewhere).
   */
  token?: string | null | (() => string | null);
  /** How often a request that may safely repeat is retried after a network failure (default 2). */
  retries?: number;
  /** A fetch to use instead of the global one. */
  fetch?: (request: Request) => Promise<Response>;
  /** Called when the server refuses the token (401 on an operation that needs one): it expired or was revoked. */
  onUnauthenticated?: (error: TweeterApiError) => void;
  /** Checks every success body (see ResponseValidator). */
  validate?: ResponseValidator;
}

const SAFE_TO_REPEAT = new Set(['GET', 'PUT', 'DELETE']);
const PUBLIC = new Set(
  Object.values(OPERATIONS)
    .filter((operation) => !operation.auth)
    .map((operation) => `${operation.method} ${operation.path}`),
);

/** Thrown inside the fetch (the request never got an answer), as opposed to an answer the client could not read. */
class NetworkFailure extends Error {}

/**
 * A typed client for the Tweeter API. Every operation is called by its operationId (`postStatus`, `getHomeFeed`,
 * ...) with options and results typed from the OpenAPI document. It sends the bearer token to the operations that
 * need it, throws a TweeterApiError for every failure (an error answer, an answer that is not JSON or fails
 * `validate`, or no answer at all: `network`), walks cursors with `pages`/`items`, and retries after a network
 * failure only what may safely repeat: GET, PUT and DELETE, and operations that take an Idempotency-Key, for which
 * it makes one key per call (unless given) and sends the same key on every attempt.
 */
export class TweeterClient {
  /** The underlying openapi-fetch client (typed by path), with the token already applied. */
  readonly raw: Client<paths>;
  private token: string | null | (() => string | null);
  private readonly retries: number;
  private readonly onUnauthenticated: ((error: TweeterApiError) => void) | undefined;
  private readonly validate: ResponseValidator | undefined;

  constructor(options: TweeterClientOptions) {
    this.token = options.token ?? null;
    this.retries = options.retries ?? 2;
    this.onUnauthenticated = options.onUnauthenticated;
    this.validate = options.validate;
    this.raw = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: options.fetch });
    this.raw.use({
      onRequest: ({ request, schemaPath }) => {
        // Public operations go without the token: a stale one must not turn a sign-in into a sign-out.
        const token = PUBLIC.has(`${request.method} ${schemaPath}`) ? null : this.currentToken();
        if (token && !request.headers.has('authorization')) {
          request.headers.set('authorization', `Bearer ${token}`);
        }
        return request;
      },
      // Marks a failure to get any answer, so `call` retries it and not, say, a body it could not parse.
      onError: ({ error }) =>
        isAbort(error) ? undefined : new NetworkFailure(error instanceof Error ? error.message : String(error)),
    });
  }

  /** Uses this token from now on (null: none). */
  setToken(token: string | null | (() => string | null)): void {
    this.token = token;
  }

  private currentToken(): string | null {
    return typeof this.token === 'function' ? this.token() : this.token;
  }

  /** Calls one operation; resolves with its success body, or throws a TweeterApiError. */
  async call<Id extends OperationId>(id: Id, ...[init]: InitArgs<Id>): Promise<OperationResult<Id>> {
    const operation = OPERATIONS[id];
    const options = { ...(init ?? {}) } as {
      params?: { header?: Record<string, unknown> };
      parseAs?: string;
    } & Record<string, unknown>;
    if (operation.idempotencyKey && options.params?.header?.['idempotency-key'] === undefined) {
      options.params = { ...options.params, header: { ...options.params?.header, 'idempotency-key': randomKey() } };
    }
    const token = operation.auth ? this.currentToken() : null;
    // The body is read as text and parsed here, so an answer that is not JSON is reported with its status.
    const parseAs = options.parseAs ?? 'json';
    options.parseAs = parseAs === 'json' ? 'text' : parseAs;
    const repeatable = operation.idempotencyKey || SAFE_TO_REPEAT.has(operation.method);
    for (let attempt = 0; ; attempt++) {
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        // One call site for every operation: the types were checked against `Id` above.
        result = await this.raw.request(operation.method as never, operation.path as never, options as never);
      } catch (err) {
        if (!(err instanceof NetworkFailure)) throw err;
        if (!repeatable || attempt >= this.retries) {
          throw new TweeterApiError(0, 'network', `could not reach the server (${err.message})`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      const { response } = result;
      if (!response.ok) {
        const error = TweeterApiError.fromResponse(response, result.error);
        if (response.status === 401 && token) this.onUnauthenticated?.(error);
        throw error;
      }
      if (parseAs !== 'json') return result.data as OperationResult<Id>;
      return this.readBody(id, response, result.data as string | undefined) as OperationResult<Id>;
    }
  }

  private readBody(id: OperationId, response: Response, text: string | undefined): unknown {
    const bad = (message: string) =>
      new TweeterApiError(response.status, 'bad_response', message, [], response.headers.get('x-request-id'));
    let body: unknown = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        throw bad(`the server answered ${response.status} with something that is not JSON`);
      }
    }
    if (!this.validate || body === undefined) return body;
    try {
      return this.validate(id, body);
    } catch (err) {
      throw bad(`unexpected response from the server to ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Every page of a list, following `nextCursor` from the page given in `init` (or the first) to the last. */
  async *pages<Id extends PagedOperationId>(id: Id, ...[init]: InitArgs<Id>): AsyncGenerator<OperationResult<Id>> {
    const base = (init ?? {}) as { params?: { query?: Record<string, unknown> } };
    let cursor = base.params?.query?.cursor as string | undefined;
    for (;;) {
      const params = { ...base.params, query: { ...base.params?.query, ...(cursor ? { cursor } : {}) } };
      const page = (await this.call(id, ...([{ ...base, params }] as unknown as InitArgs<Id>))) as {
        items: unknown[];
        nextCursor: string | null;
      };
      yield page as OperationResult<Id>;
      if (page.nextCursor === null || page.items.length === 0) return;
      cursor = page.nextCursor;
    }
  }

  /** Every item of a list, across pages (see `pages`). */
  async *items<Id extends PagedOperationId>(id: Id, ...args: InitArgs<Id>): AsyncGenerator<PageItem<Id>> {
    for await (const page of this.pages(id, ...args)) {
      yield* (page as { items: PageItem<Id>[] }).items;
    }
  }

  /** Replaces my profile image with these bytes (PNG, JPEG or WebP, at most 1 MiB). */
  async putAvatar(
    bytes: Uint8Array | Blob,
    contentType: 'image/png' | 'image/jpeg' | 'image/webp',
  ): Promise<OperationResult<'putAvatar'>> {
    return this.call('putAvatar', {
      // The document types a binary body as a string; openapi-fetch sends a Blob or bytes as they are.
      body: (bytes instanceof Uint8Array ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : bytes) as unknown as string,
      bodySerializer: (body: unknown) => body,
      headers: { 'content-type': contentType },
    } as OperationInit<'putAvatar'>);
  }

  /** Uploads an image (PNG, JPEG or WebP, at most 8 MiB) to attach to a status by its id within a day. */
  async uploadMedia(
    bytes: Uint8Array | Blob,
    contentType: 'image/png' | 'image/jpeg' | 'image/webp',
    alt?: string,
  ): Promise<OperationResult<'createMedia'>> {
    return this.call('createMedia', {
      body: (bytes instanceof Uint8Array ? new Blob([bytes as Uint8Array<ArrayBuffer>]) : bytes) as unknown as string,
      bodySerializer: (body: unknown) => body,
      headers: { 'content-type': contentType },
      ...(alt === undefined ? {} : { params: { query: { alt } } }),
    } as OperationInit<'createMedia'>);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** A version 4 UUID; randomUUID exists only in secure contexts, getRandomValues everywhere. */
function randomKey(): string {
  const crypto = globalThis.crypto;
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A client for the API at `baseUrl` (see TweeterClient). */
export function createTweeterClient(options: TweeterClientOptions): TweeterClient {
  return new TweeterClient(options);
}
