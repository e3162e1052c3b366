import { performance } from 'node:perf_hooks';
import { BenchError } from './server.js';

const API = '/api/v1';
const TIMEOUT_MS = 10_000;

export interface Timed<T> {
  value: T;
  ms: number;
}

/** The few API calls the scenarios make outside autocannon, timed; any failure throws ApiCallError. */
export class ApiClient {
  constructor(private readonly baseUrl: string) {}

  /** Signs in; a failure here is a broken setup, not a measurement. */
  async login(alias: string, password: string): Promise<string> {
    try {
      const { value } = await this.call<{ token: string }>('POST', '/sessions', undefined, { alias, password });
      return value.token;
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

  post(token: string, post: string): Promise<Timed<{ id: string }>> {
    return this.call('POST', '/statuses', token, { post });
  }

  delivery(token: string, id: string): Promise<Timed<{ state: string; audience: number; delivered: number }>> {
    return this.call('GET', `/statuses/${id}/delivery`, token);
  }

  feed(token: string, limit = 20): Promise<Timed<{ items: { id: string }[] }>> {
    return this.call('GET', `/me/feed?limit=${limit}`, token);
  }

  /** The newest statuses of `alias` (their story), newest first. */
  story(token: string, alias: string, limit = 1): Promise<Timed<{ items: { id: string }[] }>> {
    return this.call('GET', `/users/${alias}/story?limit=${limit}`, token);
  }

  private async call<T>(method: string, path: string, token?: string, body?: unknown): Promise<Timed<T>> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    const res = await fetch(`${this.baseUrl}${API}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new ApiCallError(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return { value: JSON.parse(text) as T, ms };
  }
}

/** A measured API call that failed (non-2xx, timeout, socket error): counted as an error by scenarios. */
export class ApiCallError extends Error {
  override name = 'ApiCallError';
}
