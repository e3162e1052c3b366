import {
  AuthResponse,
  Board,
  Comment,
  Delivery,
  ErrorBody,
  Member,
  Message,
  Meta,
  Profile,
  Reactions,
  Status,
  User,
  pageOf,
  type BoardRole,
  type CreateBoardRequest,
  type ImageType,
  type Page,
  type ReactionKind,
} from '@tweeter/shared';
import type { z } from 'zod';

/** A failed call, carrying the API's `error.code` and its human `error.message`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The human message of anything thrown: the API's own message, never `[object Object]`. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'string' && err) return err;
  return 'something went wrong';
}

export interface ApiOptions {
  /** Origin of the server; '' means the page's own origin. */
  baseUrl?: string;
  getToken(): string | null;
  /** Called when the server says the token is no longer good (401 on an authenticated call). */
  onUnauthenticated?(): void;
  fetch?: typeof fetch;
}

const pages = {
  status: pageOf(Status),
  user: pageOf(User),
  comment: pageOf(Comment),
  board: pageOf(Board),
  member: pageOf(Member),
  message: pageOf(Message),
};

type Query = Record<string, string | number | undefined | null>;

/** The typed Tweeter API client: every response is checked against the shared zod schemas. */
export function createApi(options: ApiOptions) {
  const base = `${options.baseUrl ?? ''}/api/v1`;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  async function call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S | null,
    init: { body?: unknown; query?: Query; headers?: Record<string, string>; auth?: boolean } = {},
  ): Promise<z.output<S>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(init.query ?? {})) if (v !== undefined && v !== null) qs.set(k, String(v));
    const url = `${base}${path}${qs.size ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const token = init.auth === false ? null : options.getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await doFetch(url, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    } catch (err) {
      throw new ApiError(0, 'network', `could not reach the server (${errorMessage(err)})`);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new ApiError(
          res.status,
          'bad_response',
          `the server answered ${res.status} with something that is not JSON`,
        );
      }
    }
    if (!res.ok) {
      const body = ErrorBody.safeParse(json);
      const err = body.success
        ? new ApiError(res.status, body.data.error.code, body.data.error.message)
        : new ApiError(res.status, 'http_error', `the server answered ${res.status} ${res.statusText}`.trim());
      if (res.status === 401 && token) options.onUnauthenticated?.();
      throw err;
    }
    if (!schema) return undefined as z.output<S>;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        res.status,
        'bad_response',
        `unexpected response from the server: ${parsed.error.issues[0]?.message ?? ''}`,
      );
    }
    return parsed.data;
  }

  const page = (q: { cursor?: string | null; limit?: number }): Query => ({ cursor: q.cursor, limit: q.limit });
  const seg = encodeURIComponent;

  return {
    meta: () => call('GET', '/meta', Meta, { auth: false }),

    login: (alias: string, password: string) =>
      call('POST', '/sessions', AuthResponse, { body: { alias, password }, auth: false }),
    register: (req: {
      alias: string;
      firstName: string;
      lastName: string;
      password: string;
      image?: { type: ImageType; data: string };
    }) => call('POST', '/users', AuthResponse, { body: req, auth: false }),
    logout: () => call('DELETE', '/sessions/current', null),

    me: () => call('GET', '/me', Profile),
    user: (alias: string) => call('GET', `/users/${seg(alias)}`, Profile),
    followers: (alias: string, cursor?: string | null): Promise<Page<User>> =>
      call('GET', `/users/${seg(alias)}/followers`, pages.user, { query: page({ cursor }) }),
    followees: (alias: string, cursor?: string | null): Promise<Page<User>> =>
      call('GET', `/users/${seg(alias)}/followees`, pages.user, { query: page({ cursor }) }),
    follow: (alias: string) => call('PUT', `/me/followees/${seg(alias)}`, Profile),
    unfollow: (alias: string) => call('DELETE', `/me/followees/${seg(alias)}`, Profile),

    postStatus: (post: string, idempotencyKey?: string) =>
      call('POST', '/statuses', Status, {
        body: { post },
        headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {},
      }),
    status: (id: string) => call('GET', `/statuses/${seg(id)}`, Status),
    deleteStatus: (id: string) => call('DELETE', `/statuses/${seg(id)}`, null),
    delivery: (id: string) => call('GET', `/statuses/${seg(id)}/delivery`, Delivery),
    story: (alias: string, cursor?: string | null): Promise<Page<Status>> =>
      call('GET', `/users/${seg(alias)}/story`, pages.status, { query: page({ cursor }) }),
    feed: (cursor?: string | null): Promise<Page<Status>> =>
      call('GET', '/me/feed', pages.status, { query: page({ cursor }) }),
    reactToStatus: (id: string, kind: ReactionKind, on: boolean) =>
      call(on ? 'PUT' : 'DELETE', `/statuses/${seg(id)}/reactions/${kind}`, Reactions),

    comments: (statusId: string, cursor?: string | null): Promise<Page<Comment>> =>
      call('GET', `/statuses/${seg(statusId)}/comments`, pages.comment, { query: page({ cursor }) }),
    addComment: (statusId: string, text: string) =>
      call('POST', `/statuses/${seg(statusId)}/comments`, Comment, { body: { text } }),
    deleteComment: (id: string) => call('DELETE', `/comments/${seg(id)}`, null),

    boards: (cursor?: string | null): Promise<Page<Board>> =>
      call('GET', '/boards', pages.board, { query: page({ cursor }) }),
    board: (id: string) => call('GET', `/boards/${seg(id)}`, Board),
    createBoard: (req: CreateBoardRequest) => call('POST', '/boards', Board, { body: req }),
    members: (id: string, cursor?: string | null): Promise<Page<Member>> =>
      call('GET', `/boards/${seg(id)}/members`, pages.member, { query: page({ cursor }) }),
    setMember: (id: string, alias: string, role: Exclude<BoardRole, 'owner'>) =>
      call('PUT', `/boards/${seg(id)}/members/${seg(alias)}`, Member, { body: { role } }),
    removeMember: (id: string, alias: string) => call('DELETE', `/boards/${seg(id)}/members/${seg(alias)}`, null),
    messages: (id: string, q: { before?: string | null; after?: string | null } = {}): Promise<Page<Message>> =>
      call('GET', `/boards/${seg(id)}/messages`, pages.message, { query: { before: q.before, after: q.after } }),
    postMessage: (id: string, text: string) => call('POST', `/boards/${seg(id)}/messages`, Message, { body: { text } }),
    deleteMessage: (id: string, messageId: string) =>
      call('DELETE', `/boards/${seg(id)}/messages/${seg(messageId)}`, null),
    reactToMessage: (id: string, messageId: string, kind: ReactionKind, on: boolean) =>
      call(on ? 'PUT' : 'DELETE', `/boards/${seg(id)}/messages/${seg(messageId)}/reactions/${kind}`, Reactions),
  };
}

export type Api = ReturnType<typeof createApi>;
