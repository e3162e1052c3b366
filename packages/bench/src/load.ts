import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { LeanPool, leanRequest, type LeanRequest } from './lean-http.js';
import { round2, Samples } from './percentiles.js';
import { startPacedThread } from './paced-thread.js';
import type { SelfWatch } from './self-watch.js';

export interface LoadSpec {
  baseUrl: string;
  connections: number;
  /** Seconds; without it the load runs until stop(). */
  durationS?: number;
  /** The request sequence of connection `index` (its token, its paths); cycled. */
  requests(index: number): autocannon.Request[];
  /** Called with each 2xx response's start time (performance.now() clock) and latency. */
  onSample?(startedAt: number, ms: number): void;
}

export interface LoadResult {
  /** 2xx latencies. */
  latencies: Samples;
  /** Open loop only: how late each request was sent after it was due (ms), the load generator's own delay. */
  sendLate?: Samples;
  /** The load generator's own event-loop delay and GC while it ran, where it was watched (the paced thread). */
  generator?: SelfWatch;
  /** The sender's thread ran in the real-time class (paced-thread.ts `realtime`), where it was asked. */
  realtime?: boolean;
  responses: number;
  non2xx: number;
  /** Socket errors and timeouts (autocannon counts timeouts as errors too). */
  socketErrors: number;
  timeouts: number;
  /** non-2xx + socket errors (timeouts included). */
  errors: number;
  seconds: number;
  /** 2xx responses per second. */
  rps: number;
}

export interface LoadRun {
  stop(): void;
  done: Promise<LoadResult>;
}

/** Runs autocannon in this process, recording every response's latency with sub-millisecond precision. */
export function startLoad(spec: LoadSpec): LoadRun {
  const latencies = new Samples();
  let responses = 0;
  let non2xx = 0;
  let nextClient = 0;
  const started = performance.now();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<LoadResult>((resolve, reject) => {
    instance = autocannon(
      {
        url: spec.baseUrl,
        connections: spec.connections,
        // autocannon needs a duration: "until stopped" is a day.
        duration: spec.durationS ?? 86_400,
        timeout: 10,
        setupClient: (client) => client.setRequests(spec.requests(nextClient++)),
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const seconds = (performance.now() - started) / 1000;
        const socketErrors = result.errors;
        resolve({
          latencies,
          responses,
          non2xx,
          socketErrors,
          timeouts: result.timeouts,
          errors: non2xx + socketErrors,
          seconds: round2(seconds),
          rps: round2(latencies.count / seconds),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, ms) => {
      responses += 1;
      if (statusCode < 200 || statusCode > 299) {
        non2xx += 1;
        return;
      }
      latencies.push(ms);
      spec.onSample?.(performance.now() - ms, ms);
    });
  });
  return { stop: () => instance?.stop(), done };
}

/**
 * A closed loop over lean keep-alive sockets (lean-http.ts): connection `i` sends `requests[i]` (serialized once) and
 * sends it again as soon as it is answered, for `durationS` seconds. What autocannon's closed loop measures (each
 * answer's latency from its send, the answers before the deadline), at a fraction of its CPU a request: the load
 * generator shares the two cores with the server it measures (docs/benchmarks.md, `s18-sustained`). Requests still
 * in flight at the deadline are not counted (as autocannon's are not) but are waited for (up to `timeoutS`), so
 * what runs next finds them written.
 */
export function startLeanLoad(spec: {
  baseUrl: string;
  requests: readonly LeanRequest[];
  durationS: number;
  /** Seconds to wait for the requests in flight at the deadline before their sockets are closed. */
  timeoutS?: number;
}): LeanRun {
  const latencies = new Samples();
  const n = spec.requests.length;
  const sentAt = new Float64Array(n);
  let responses = 0;
  let non2xx = 0;
  let socketErrors = 0;
  let inFlight = 0;
  let open = true;
  let settle: (() => void) | undefined;
  const pool = LeanPool.of(spec.baseUrl, n, (tag, ok, status) => {
    inFlight -= 1;
    if (open) {
      if (!ok) socketErrors += 1;
      else {
        responses += 1;
        if (status < 200 || status > 299) non2xx += 1;
        else latencies.push(performance.now() - (sentAt[tag] as number));
      }
      send(tag);
    } else if (inFlight === 0) settle?.();
  });
  const send = (tag: number): void => {
    inFlight += 1;
    sentAt[tag] = performance.now();
    pool.send(spec.requests[tag] as LeanRequest, tag);
  };
  const done = (async (): Promise<LoadResult> => {
    await pool.connectAll();
    const started = performance.now();
    for (let i = 0; i < n; i++) send(i);
    await new Promise((resolve) => setTimeout(resolve, spec.durationS * 1000));
    open = false;
    const seconds = (performance.now() - started) / 1000;
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        settle = resolve;
        setTimeout(resolve, (spec.timeoutS ?? 10) * 1000);
      });
    }
    pool.destroy();
    return {
      latencies,
      responses,
      non2xx,
      socketErrors,
      timeouts: 0,
      errors: non2xx + socketErrors,
      seconds: round2(seconds),
      rps: round2(latencies.count / seconds),
    };
  })();
  return { done };
}

export interface LeanRun {
  done: Promise<LoadResult>;
}

/** A JSON request with a bearer token, for autocannon. */
export function authed(
  token: string,
  request: Omit<autocannon.Request, 'headers'> & { json?: unknown },
): autocannon.Request {
  const { json, ...rest } = request;
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (json === undefined) return { ...rest, headers };
  headers['content-type'] = 'application/json';
  return { ...rest, headers, body: JSON.stringify(json) };
}

/**
 * Feed readers: `tokens[i]` reads its first page of 20. Closed loop with autocannon when `rate` is 0 (each
 * connection asks again as soon as it is answered: capacity), else open loop at `rate` requests/s in total.
 */
export function startFeedReaders(options: {
  baseUrl: string;
  tokens: readonly string[];
  connections: number;
  rate: number;
  durationS?: number;
  /** `lateMs`: open loop, how late the request left (part of `ms`); 0 in a closed loop. */
  onSample?(startedAt: number, ms: number, lateMs: number): void;
}): LoadRun {
  const path = '/api/v1/me/feed?limit=20';
  const token = (i: number): string => options.tokens[i % options.tokens.length] ?? '';
  if (options.rate === 0) {
    const { onSample, ...rest } = options;
    return startLoad({
      ...rest,
      requests: (i) => [authed(token(i), { method: 'GET', path })],
      ...(onSample ? { onSample: (at: number, ms: number) => onSample(at, ms, 0) } : {}),
    });
  }
  // Serialized once per reader and sent over raw keep-alive sockets: the load generator shares the two cores with the
  // server, and Node's http client cost it about half the server's CPU a page (a remote client costs it nothing).
  const lean = options.tokens.map((t) =>
    leanRequest(options.baseUrl, { method: 'GET', path, headers: { authorization: `Bearer ${t}` } }),
  );
  return startPacedThread({ ...options, requests: lean });
}
