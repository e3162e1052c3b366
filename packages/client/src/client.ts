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

type InitArgs<Id extends OperationId> =
  object extends OperationInit<Id> ? [init?: OperationInit<Id>] : [init: OperationInit<Id>];

export interface TweeterClientOptions {
  /** Where the server is, e.g. `https://tweeter.example` (the API lives under /api/v1 there). */
  baseUrl: string;
  /** A session token from registerUser or createSession; change it later with setToken. */
  token?: string | null;
  /** How often a request that may safely repeat is retried after a network failure (default 2). */
  retries?: number;
  /** A fetch to use instead of the global one. */
  fetch?: (request: Request) => Promise<Response>;
}

const SAFE_TO_REPEAT = new Set(['GET', 'PUT', 'DELETE']);

/**
 * A typed client for the Tweeter API. Every operation is called by its operationId (`postStatus`, `getHomeFeed`,
 * ...) with options and results typed from the OpenAPI document. It sends the bearer token, throws a
 * TweeterApiError for every error answer, walks cursors with `pages`/`items`, and retries after a network failure
 * only what may safely repeat: GET, PUT and DELETE, and operations that take an Idempotency-Key, for which it
 * makes one key per call (unless given) and sends the same key on every attempt.
 */
export class TweeterClient {
  /** The underlying openapi-fetch client (typed by path), with the token already applied. */
  readonly raw: Client<paths>;
  private token: string | null;
  private readonly retries: number;

  constructor(options: TweeterClientOptions) {
    this.token = options.token ?? null;
    this.retries = options.retries ?? 2;
    this.raw = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), fetch: options.fetch });
    this.raw.use({
      onRequest: ({ request }) => {
        if (this.token && !request.headers.has('authorization')) {
          request.headers.set('authorization', `Bearer ${this.token}`);
        }
        return request;
      },
    });
  }

  /** Uses this token from now on (null: none). */
  setToken(token: string | null): void {
    this.token = token;
  }

  /** Calls one operation; resolves with its success body, or throws a TweeterApiError. */
  async call<Id extends OperationId>(id: Id, ...[init]: InitArgs<Id>): Promise<OperationResult<Id>> {
    const operation = OPERATIONS[id];
    const options = { ...(init ?? {}) } as { params?: { header?: Record<string, unknown> } } & Record<string, unknown>;
    if (operation.idempotencyKey && options.params?.header?.['idempotency-key'] === undefined) {
      options.params = { ...options.params, header: { ...options.params?.header, 'idempotency-key': randomKey() } };
    }
    const repeatable = operation.idempotencyKey || SAFE_TO_REPEAT.has(operation.method);
    for (let attempt = 0; ; attempt++) {
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        // One call site for every operation: the types were checked against `Id` above.
        result = await this.raw.request(operation.method as never, operation.path as never, options as never);
      } catch (err) {
        if (!repeatable || attempt >= this.retries) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
        continue;
      }
      if (!result.response.ok) throw TweeterApiError.fromResponse(result.response, result.error);
      return result.data as OperationResult<Id>;
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
      body: (bytes instanceof Uint8Array ? new Blob([bytes]) : bytes) as unknown as string,
      bodySerializer: (body: unknown) => body,
      headers: { 'content-type': contentType },
    } as OperationInit<'putAvatar'>);
  }
}

function randomKey(): string {
  return globalThis.crypto.randomUUID();
}

/** A client for the API at `baseUrl` (see TweeterClient). */
export function createTweeterClient(options: TweeterClientOptions): TweeterClient {
  return new TweeterClient(options);
}
