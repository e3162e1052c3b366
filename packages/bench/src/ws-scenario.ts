import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { TweeterApiError } from '@tweeter/client';
import { ApiClient } from './api-client.js';
import { metricValue } from './metrics-sampler.js';
import { round2, summarize } from './percentiles.js';
import { attachServer, BenchError, startChildServer, type BenchServer } from './server.js';
import { receiverThreads, WsReceivers, type ReceiverKind } from './ws-receivers.js';
import { seedFeedAudience } from './ws-seed.js';
import { CpuTally } from './cpu-tally.js';

export interface WsScenarioOptions {
  subscribers: number;
  messages: number;
  /** A running server to measure instead of starting one (it must serve boards). */
  url?: string;
  /** Broadcasts before the measured ones, not counted (default 2). */
  warmup?: number;
  /** `board` (default): board messages; `feed`: statuses of a user every subscriber follows, fan-out included. */
  via?: 'board' | 'feed';
  /** Threads the subscribers are spread over (default one per core, at most 4; 0: all on the main thread). */
  receiverThreads?: number;
  /** The subscribers' client (default `raw`: plain TCP sockets, the cheapest; `ws`: the `ws` library). */
  receivers?: ReceiverKind;
}

export interface WsScenarioResult {
  scenario: 'ws';
  params: Record<string, number>;
  results: {
    delivery_ms: { p50: number; p95: number; p99: number; max: number };
    subscribers: number;
    idle_conn_kb: number;
    rss_mb_peak: number;
    errors: number;
    /** The server's side alone: ms writing one message's frames, and ms from queued to its last socket write. */
    server_write_ms_per_broadcast?: number;
    server_span_ms_per_broadcast?: number;
    /**
     * CPU ms per measured broadcast (Linux /proc, 10 ms ticks summed over the messages), from the send to the last
     * receipt: the server process, its main (HTTP and socket) thread, and this process (the receiving threads).
     */
    server_cpu_ms_per_broadcast?: number;
    server_main_thread_cpu_ms_per_broadcast?: number;
    receivers_cpu_ms_per_broadcast?: number;
  };
}

/** How one message is sent to every subscriber: a board message, or a status fanned out to followers. */
interface Broadcast {
  channel: string;
  /** 1 for a board message (the issue's scenario), 0 for a status reaching followers' feeds. */
  board: number;
  tokenOf(i: number): string;
  send(text: string): Promise<void>;
}

const PASSWORD = 'bench-password';
const RECEIPT_TIMEOUT_MS = 10_000;
const SETTLE_MS = 2000;
const PAUSE_BETWEEN_MESSAGES_MS = 200;
// Broadcasts before the measured ones (JIT, first-use allocations, fresh TCP connections): not counted.
const WARMUP_MESSAGES = 2;
// Memory per connection is the slope between this share of the connections and all of them, so that what
// the first connection costs once (code paths compiled, heap grown) is not charged to each connection.
const BASELINE_SHARE = 0.1;

/**
 * "A board message reaches 10,000 live WebSocket subscribers within 200 ms (p99)": opens `subscribers`
 * connections, measures the server's resident memory per idle connection, then sends `messages` messages and
 * times each one from the send to every subscriber's receipt. Sends board messages (or, with `via: 'feed'` or on
 * a server without boards, statuses of a user every subscriber follows: their time includes the fan-out writes).
 */
export async function runWsScenario(opts: WsScenarioOptions): Promise<WsScenarioResult> {
  const dataDir = opts.url === undefined ? mkdtempSync(join(tmpdir(), 'tweeter-ws-bench-')) : null;
  let clients: WsReceivers | undefined;
  const threads = opts.receiverThreads ?? receiverThreads();
  let server: BenchServer | undefined;
  try {
    let broadcast: Broadcast;
    if (dataDir !== null) {
      const audience = await seedFeedAudience(dataDir, opts.subscribers, PASSWORD);
      server = await startChildServer({ dataDir });
      const { url } = server;
      const tokenOf = (i: number) => audience.followerTokens[i] ?? '';
      const api = new ApiClient(url);
      const board = opts.via === 'feed' ? null : await boardBroadcast(api, audience.authorToken, tokenOf);
      broadcast = board ?? {
        channel: 'feed',
        board: 0,
        tokenOf,
        send: (text) => api.post(audience.authorToken, text).then(() => {}),
      };
    } else {
      server = await attachServer(opts.url ?? '', null);
      const suffix = randomBytes(4).toString('hex');
      const api = new ApiClient(server.url);
      const author = await api.register(`wsb_a_${suffix}`, PASSWORD);
      const listener = await api.register(`wsb_l_${suffix}`, PASSWORD);
      const found = await boardBroadcast(api, author, () => listener);
      if (!found) throw new BenchError('the server at --url does not serve boards: run without --url');
      broadcast = found;
    }
    const base = server.url;
    const streamUrl = `${base.replace(/^http/, 'ws')}/api/v1/stream`;
    const baseline = Math.max(1, Math.floor(opts.subscribers * BASELINE_SHARE));
    clients = new WsReceivers(streamUrl, broadcast.channel, threads, opts.receivers ?? 'raw');
    await clients.open(0, baseline, broadcast.tokenOf);
    await sleep(SETTLE_MS);
    const rssBaseline = await rss(base);
    const connectedBaseline = clients.size;
    await clients.open(baseline, opts.subscribers, broadcast.tokenOf);
    await sleep(SETTLE_MS);
    const rssIdle = await rss(base);
    let rssPeak = Math.max(rssBaseline, rssIdle);

    // Memory is read between broadcasts, not during: a /metrics scrape with 10,000 sockets open walks every
    // file descriptor and handle (~10 ms of event loop), which would land in the delivery times.
    let missing = 0;
    const warmup = opts.warmup ?? WARMUP_MESSAGES;
    // The server's broadcast totals once the warm-up messages are written: the measured messages' share after.
    let writesBefore = warmup === 0 ? await broadcastWrites(base) : null;
    const serverCpu = new CpuTally(server.pid);
    const receiversCpu = new CpuTally(process.pid);
    const tallies = [serverCpu, receiversCpu];
    for (let i = -warmup; i < opts.messages; i++) {
      const marker = `wsbench-${i}-${randomBytes(6).toString('hex')}`;
      const measured = i >= 0;
      if (measured) for (const tally of tallies) tally.start();
      const lost: number = await clients.expect(i, marker, () => broadcast.send(marker), RECEIPT_TIMEOUT_MS);
      if (measured) for (const tally of tallies) tally.stop();
      if (i < 0) clients.delays.length = 0;
      else missing += lost;
      if (i === -1) writesBefore = await broadcastWrites(base);
      rssPeak = Math.max(rssPeak, await rss(base));
      await sleep(PAUSE_BETWEEN_MESSAGES_MS);
    }
    const delivery = summarize(clients.delays);
    const writes = perBroadcast(writesBefore, await broadcastWrites(base));
    return {
      scenario: 'ws',
      params: {
        subscribers: opts.subscribers,
        messages: opts.messages,
        warmup_messages: warmup,
        board: broadcast.board,
        receiver_threads: threads,
        raw_receivers: opts.receivers === 'ws' ? 0 : 1,
      },
      results: {
        delivery_ms: { p50: delivery.p50, p95: delivery.p95, p99: delivery.p99, max: delivery.max },
        subscribers: clients.size,
        idle_conn_kb: round2((rssIdle - rssBaseline) / 1024 / Math.max(1, clients.size - connectedBaseline)),
        rss_mb_peak: round2(rssPeak / 1024 / 1024),
        errors: missing + clients.errors + clients.unexpectedCloses,
        ...writes,
        ...cpuPerBroadcast(serverCpu, receiversCpu, server.pid, opts.messages),
      },
    };
  } finally {
    await clients?.close();
    await server?.stop();
    if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A public board owned by `ownerToken` that subscribers may read; null when the server has no boards. */
async function boardBroadcast(
  api: ApiClient,
  ownerToken: string,
  tokenOf: (i: number) => string,
): Promise<Broadcast | null> {
  let id: string;
  try {
    id = (await api.createBoard(ownerToken, 'ws bench')).id;
  } catch (err) {
    if (err instanceof TweeterApiError && err.status === 404) return null;
    throw new BenchError(`cannot create a board: ${(err as Error).message}`);
  }
  return {
    channel: `board:${id}`,
    board: 1,
    tokenOf,
    send: (text) => api.postMessage(ownerToken, id, text).then(() => {}),
  };
}

/** The server's broadcast totals (tweeter_ws_broadcast_*): the writing side alone, without the receivers. */
interface BroadcastWrites {
  broadcasts: number;
  writeS: number;
  spanS: number;
}

async function broadcastWrites(base: string): Promise<BroadcastWrites | null> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const broadcasts = metricValue(text, 'tweeter_ws_broadcasts_total');
  const writeS = metricValue(text, 'tweeter_ws_broadcast_write_seconds_total');
  const spanS = metricValue(text, 'tweeter_ws_broadcast_span_seconds_total');
  if (broadcasts === undefined || writeS === undefined || spanS === undefined) return null;
  return { broadcasts, writeS, spanS };
}

/**
 * Per broadcast of the measured messages, on the server: ms spent writing frames to sockets, and ms from queued
 * to the last socket written (what the delivery figure includes before the receivers read). Empty for a server
 * without these metrics.
 */
function perBroadcast(
  before: BroadcastWrites | null,
  after: BroadcastWrites | null,
): { server_write_ms_per_broadcast?: number; server_span_ms_per_broadcast?: number } {
  if (before === null || after === null || after.broadcasts <= before.broadcasts) return {};
  const n = after.broadcasts - before.broadcasts;
  return {
    server_write_ms_per_broadcast: round2(((after.writeS - before.writeS) * 1000) / n),
    server_span_ms_per_broadcast: round2(((after.spanS - before.spanS) * 1000) / n),
  };
}

/** Per broadcast: server process, its main thread (keyed by its pid), the receiving process; empty without /proc. */
function cpuPerBroadcast(
  server: CpuTally,
  receivers: CpuTally,
  serverPid: number | null,
  messages: number,
): Pick<
  WsScenarioResult['results'],
  'server_cpu_ms_per_broadcast' | 'server_main_thread_cpu_ms_per_broadcast' | 'receivers_cpu_ms_per_broadcast'
> {
  if (server.ms.size === 0 || receivers.ms.size === 0) return {};
  const main = [...server.ms].find(([thread]) => thread.startsWith(`${serverPid} `))?.[1] ?? 0;
  return {
    server_cpu_ms_per_broadcast: round2(server.total() / messages),
    server_main_thread_cpu_ms_per_broadcast: round2(main / messages),
    receivers_cpu_ms_per_broadcast: round2(receivers.total() / messages),
  };
}

async function rss(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = metricValue(text, 'process_resident_memory_bytes');
  if (value === undefined) throw new BenchError('/metrics has no process_resident_memory_bytes');
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `node packages/bench/dist/ws-scenario.js --subscribers 10000 --messages 20 [--url http://...]`: prints the JSON. */
async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      subscribers: { type: 'string', default: '1000' },
      messages: { type: 'string', default: '20' },
      url: { type: 'string' },
      via: { type: 'string', default: 'board' },
      warmup: { type: 'string', default: String(WARMUP_MESSAGES) },
    },
  });
  const whole = (s: string, name: string) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < (name === 'warmup' ? 0 : 1)) throw new BenchError(`--${name}: not a valid count`);
    return n;
  };
  const result = await runWsScenario({
    subscribers: whole(values.subscribers, 'subscribers'),
    messages: whole(values.messages, 'messages'),
    warmup: whole(values.warmup, 'warmup'),
    via: values.via === 'feed' ? 'feed' : 'board',
    ...(values.url === undefined ? {} : { url: values.url }),
  });
  console.log(JSON.stringify(result, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
