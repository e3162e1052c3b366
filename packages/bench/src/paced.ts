import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { round2, Samples } from './percentiles.js';
import type { LoadResult, LoadRun } from './load.js';
import { LeanPool, type LeanRequest } from './lean-http.js';

export interface PacedRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PacedSpec {
  baseUrl: string;
  /** Sockets (at most this many requests in flight; more wait for a free socket, and that wait counts). */
  connections: number;
  /** Requests per second offered, evenly spaced, whatever the answers' speed (open loop). */
  rate: number;
  /** Seconds; without it the load runs until stop(). */
  durationS?: number;
  /** The n-th request (n counts from 0); build them beforehand where possible (this runs in the measured loop). */
  request(n: number): PacedRequest;
  /**
   * Instead of `request`: the n-th request serialized beforehand (lean-http.ts), sent over raw keep-alive sockets
   * (a request's bytes as built by leanRequest; the load generator's CPU per request is a fraction of Node's http client's).
   */
  lean?(n: number): LeanRequest;
  /** `lateMs`: how late that request left this thread (sent minus due), counted in `ms`. */
  onSample?(startedAt: number, ms: number, lateMs: number): void;
  /** Lean only: connect every socket before the first request is due (connecting is set-up, not the server's time). */
  preconnect?: boolean;
  /** Called once, just before the first request is due (after connecting): set-up that must not be measured. */
  beforeStart?(): void;
}

/** Lean requests in flight at once, at most (answered or waiting for a socket): 65 s of a stalled server at 1,000/s. */
const IN_FLIGHT_MAX = 65_536;

/**
 * Open-loop load: requests are due at a fixed rate and each latency runs from the moment it was due, so a
 * stalled server is charged for the requests it delayed (no coordinated omission). autocannon's rate option
 * sends each connection's quota in a burst at the start of every second instead.
 */
export function startPaced(spec: PacedSpec): LoadRun {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  // The load generator shares the machine's cores with the server: the URL is parsed once, not per request.
  const base = new URL(spec.baseUrl);
  const target = { protocol: base.protocol, hostname: base.hostname, port: base.port, agent, timeout: 10_000 };
  const latencies = new Samples();
  // How late each request left this process (sent minus due): the load generator's own stalls, not the server's.
  const sendLate = new Samples();
  const counts = { responses: 0, non2xx: 0, socketErrors: 0, timeouts: 0 };
  const interval = 1000 / spec.rate;
  // The clock starts with the first request (after connecting, where asked).
  let started = performance.now();
  let endAt = Infinity;
  let stopped = false;
  let sent = 0;
  let inFlight = 0;
  let finish: (() => void) | null = null;
  // A slow load's next tick may be a due time away: stop() runs it now (its answers in flight are still awaited).
  let wakeNow = (): void => {};

  const settle = (ok: boolean, status: number, dueAt: number, lateMs: number): void => {
    inFlight -= 1;
    const ms = performance.now() - dueAt;
    if (ok) {
      counts.responses += 1;
      if (status >= 200 && status <= 299) {
        latencies.push(ms);
        spec.onSample?.(dueAt, ms, lateMs);
      } else counts.non2xx += 1;
    }
    if (inFlight === 0 && finish) finish();
  };

  // Lean: a request in flight is its number; its due time and lateness wait in two rings indexed by it (no closure
  // or object a request, so the sender's heap grows only by what Node's socket writes allocate).
  const dues = new Float64Array(IN_FLIGHT_MAX);
  const lates = new Float64Array(IN_FLIGHT_MAX);
  const pool = spec.lean
    ? LeanPool.of(spec.baseUrl, spec.connections, (tag, ok, status) => {
        if (!ok) counts.socketErrors += 1;
        const at = tag % IN_FLIGHT_MAX;
        settle(ok, status, dues[at] as number, lates[at] as number);
      })
    : null;

  const send = (n: number, dueAt: number, lateMs: number): void => {
    inFlight += 1;
    if (pool && spec.lean) {
      if (inFlight > IN_FLIGHT_MAX) throw new Error(`more than ${IN_FLIGHT_MAX} requests in flight`);
      dues[n % IN_FLIGHT_MAX] = dueAt;
      lates[n % IN_FLIGHT_MAX] = lateMs;
      pool.send(spec.lean(n), n);
      return;
    }
    let settled = false;
    const done = (ok: boolean, status: number): void => {
      if (settled) return;
      settled = true;
      settle(ok, status, dueAt, lateMs);
    };
    const r = spec.request(n);
    const req = request({ ...target, method: r.method, path: r.path, headers: r.headers });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => done(true, res.statusCode ?? 0));
      res.on('error', () => {
        counts.socketErrors += 1;
        done(false, 0);
      });
    });
    req.on('timeout', () => {
      counts.timeouts += 1;
      req.destroy(new Error('timeout'));
    });
    req.on('error', () => {
      counts.socketErrors += 1;
      done(false, 0);
    });
    req.end(r.body);
  };

  const done = new Promise<LoadResult>((resolve) => {
    // One timer for the whole load, every millisecond (setTimeout's granularity): a new Timeout a tick was garbage.
    // A slower load (2 ms or more between requests: the unread-count reads, one every 5 ms) is woken at each due
    // time instead: a tick every millisecond woke its thread four times in five for nothing (~800 wake-ups a second
    // for 200 requests), each a wait for a core or, in the real-time class, a preemption of the server.
    let timer: ReturnType<typeof setInterval> | null = null;
    let next: ReturnType<typeof setTimeout> | null = null;
    const everyTick = interval < 2;
    wakeNow = () => {
      if (next === null) return;
      clearTimeout(next);
      next = null;
      setImmediate(tick);
    };
    const tick = (): void => {
      next = null;
      const now = performance.now();
      const until = Math.min(now, endAt);
      // Catch up on every request due by now: a late timer must not lower the offered rate.
      while (!stopped && started + sent * interval <= until) {
        const dueAt = started + sent * interval;
        sendLate.push(now - dueAt);
        send(sent, dueAt, now - dueAt);
        sent += 1;
      }
      if (!stopped && now < endAt) {
        // Due times are on performance.now()'s clock and timers on libuv's whole milliseconds: rounding up wakes the
        // thread at or just after the due time, never before it for nothing.
        if (!everyTick) next = setTimeout(tick, Math.max(1, Math.ceil(started + sent * interval - performance.now())));
        return;
      }
      if (timer !== null) clearInterval(timer);
      timer = null;
      if (finish) return;
      finish = () => {
        agent.destroy();
        pool?.destroy();
        const seconds = (performance.now() - started) / 1000;
        resolve({
          latencies,
          sendLate,
          responses: counts.responses,
          non2xx: counts.non2xx,
          socketErrors: counts.socketErrors,
          timeouts: counts.timeouts,
          errors: counts.non2xx + counts.socketErrors,
          seconds: round2(seconds),
          rps: round2(latencies.count / seconds),
        });
      };
      if (inFlight === 0) finish();
    };
    const start = (): void => {
      spec.beforeStart?.();
      started = performance.now();
      endAt = spec.durationS === undefined ? Infinity : started + spec.durationS * 1000;
      if (everyTick) timer = setInterval(tick, 1);
      tick();
    };
    if (pool && spec.preconnect) void pool.connectAll().then(start);
    else start();
  });
  return {
    stop: () => {
      stopped = true;
      wakeNow();
    },
    done,
  };
}
