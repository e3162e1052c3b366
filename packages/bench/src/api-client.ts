import { createTweeterClient, type OperationResult, type TweeterClient } from '@tweeter/client';
import { performance } from 'node:perf_hooks';
import { BenchError } from './server.js';

const TIMEOUT_MS = 10_000;
/** A sign-in is one scrypt at the production cost: seconds each on a loaded machine, so set-up waits longer. */
const SIGN_IN_TIMEOUT_MS = 60_000;

export interface Timed<T> {
  value: T;
  ms: number;
}

/**
 * The API calls the scenarios make outside autocannon, through the typed client (@tweeter/client), timed. A
 * measurement: no retries, and a call with no answer within 10 s (a sign-in: 60 s) fails. Any failure throws (a TweeterApiError).
 */
export class ApiClient {
  private readonly client: TweeterClient;

  constructor(baseUrl: string) {
    this.client = createTweeterClient({
      baseUrl,
      retries: 0,
      fetch: (request) => {
        const signIn = request.method === 'POST' && new URL(request.url).pathname === '/api/v1/sessions';
        return fetch(request, { signal: AbortSignal.timeout(signIn ? SIGN_IN_TIMEOUT_MS : TIMEOUT_MS) });
      },
    });
  }

  /** Signs in; a failure here is a broken setup, not a measurement. */
  async login(alias: string, password: string): Promise<string> {
    try {
      return (await this.client.call('createSession', { body: { alias, password } })).token;
    } catch (err) {
      throw new BenchError(
        `cannot sign in as @${alias} (was the graph populated with this --password?): ${(err as Error).message}`,
      );
    }
  }

  /** Signs in every alias, `concurrency` at a time (each login is one scrypt on the server). */
  async loginAll(aliases: readonly string[], password: string, concurrency = 2): Promise<string[]> {
    const tokens = new Array<string>(aliases.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < aliases.length) {
        const i = next++;
        tokens[i] = await this.login(aliases[i] as string, password);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, aliases.length) }, worker));
    return tokens;
  }

  /** Registers a user; returns its token. */
  async register(alias: string, password: string): Promise<string> {
    const body = { alias, firstName: 'Bench', lastName: 'User', password };
    return (await this.client.call('registerUser', { body })).token;
  }

  post(token: string, post: string): Promise<Timed<OperationResult<'postStatus'>>> {
    return timed(() => this.client.call('postStatus', { body: { post }, headers: bearer(token) }));
  }

  /** A reply to status `inReplyToId` (the thread-context scenario builds its thread with it). */
  reply(token: string, post: string, inReplyToId: string): Promise<Timed<OperationResult<'postStatus'>>> {
    return timed(() => this.client.call('postStatus', { body: { post, inReplyToId }, headers: bearer(token) }));
  }

  /** The thread around a status. */
  context(token: string, id: string): Promise<Timed<OperationResult<'getStatusContext'>>> {
    return timed(() => this.client.call('getStatusContext', { params: { path: { id } }, headers: bearer(token) }));
  }

  delivery(token: string, id: string): Promise<Timed<OperationResult<'getStatusDelivery'>>> {
    return timed(() => this.client.call('getStatusDelivery', { params: { path: { id } }, headers: bearer(token) }));
  }

  feed(token: string, limit = 20): Promise<Timed<OperationResult<'getHomeFeed'>>> {
    return timed(() => this.client.call('getHomeFeed', { params: { query: { limit } }, headers: bearer(token) }));
  }

  /** Reposts a status (the repost scenario). */
  repost(token: string, id: string): Promise<Timed<OperationResult<'putStatusRepost'>>> {
    return timed(() => this.client.call('putStatusRepost', { params: { path: { id } }, headers: bearer(token) }));
  }

  /** Blocks `alias` (the block scenario). */
  block(token: string, alias: string): Promise<Timed<OperationResult<'blockUser'>>> {
    return timed(() => this.client.call('blockUser', { params: { path: { alias } }, headers: bearer(token) }));
  }

  /** One status as `token`'s user sees it. */
  status(token: string, id: string): Promise<Timed<OperationResult<'getStatus'>>> {
    return timed(() => this.client.call('getStatus', { params: { path: { id } }, headers: bearer(token) }));
  }

  /** The newest statuses of `alias` (their story), newest first. */
  story(token: string, alias: string, limit = 1): Promise<Timed<OperationResult<'getStory'>>> {
    return timed(() =>
      this.client.call('getStory', { params: { path: { alias }, query: { limit } }, headers: bearer(token) }),
    );
  }

  /** People search (GET /search/users). */
  searchPeople(token: string, q: string, limit = 20): Promise<Timed<OperationResult<'listUsersMatching'>>> {
    return timed(() =>
      this.client.call('listUsersMatching', { params: { query: { q, limit } }, headers: bearer(token) }),
    );
  }

  /** Who to follow (GET /me/suggestions). */
  suggestions(token: string, limit = 20): Promise<Timed<OperationResult<'listSuggestions'>>> {
    return timed(() => this.client.call('listSuggestions', { params: { query: { limit } }, headers: bearer(token) }));
  }

  /** A public board owned by the token's user. */
  createBoard(token: string, name: string): Promise<OperationResult<'createBoard'>> {
    return this.client.call('createBoard', { body: { name, visibility: 'public' }, headers: bearer(token) });
  }

  postMessage(token: string, boardId: string, text: string): Promise<OperationResult<'postMessage'>> {
    return this.client.call('postMessage', {
      params: { path: { id: boardId } },
      body: { text },
      headers: bearer(token),
    });
  }
}

/** Each call names its user: the scenarios act as many users through one client. */
function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

async function timed<T>(call: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  const value = await call();
  return { value, ms: performance.now() - started };
}
