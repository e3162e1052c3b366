import { parseWhole, UsageError } from '@tweeter/server/tooling';
import { scenarioResult, type ScenarioResult } from '../result.js';
import type { TargetOptions } from '../setup.js';
import { receiverThreads } from '../ws-receivers.js';
import { runWsScenario } from '../ws-scenario.js';
import { option, type ScenarioDefinition } from './registry.js';

export type WsParams = {
  subscribers: number;
  messages: number;
  via: 'board' | 'feed';
  receivers: 'raw' | 'ws';
  /** Threads the subscribers are spread over (0: the main thread). */
  receiverThreads: number;
};

/** Live delivery: one message to N WebSocket subscribers, and server memory per idle connection. */
export async function runWs(params: WsParams, target: TargetOptions): Promise<ScenarioResult> {
  const run = await runWsScenario({
    ...params,
    ...(target.url === undefined ? {} : { url: target.url }),
  });
  return scenarioResult('ws', params, run.results);
}

export const wsScenario: ScenarioDefinition<WsParams> = {
  name: 'ws',
  description: 'A board message to N live WebSocket subscribers: delivery latency, and memory per idle connection',
  options: [
    option('subscribers', 'WebSocket connections subscribed to the board (1 to 15,000)', '1000'),
    option('messages', 'board messages to measure (1 to 1,000)', '20'),
    option('via', '`board` (board messages) or `feed` (statuses fanned out to followers)', 'board'),
    option(
      'receivers',
      '`raw` (plain TCP sockets past the upgrade, the cheapest client) or `ws` (the ws library)',
      'raw',
    ),
    option(
      'receiver-threads',
      'threads the subscribers are spread over (0: the main thread; auto: one per core, at most 4)',
      'auto',
    ),
  ],
  parse(flags) {
    const via = flags.via ?? 'board';
    if (via !== 'board' && via !== 'feed') throw new UsageError('--via must be board or feed');
    const receivers = flags.receivers ?? 'raw';
    if (receivers !== 'raw' && receivers !== 'ws') throw new UsageError('--receivers must be raw or ws');
    const threads = flags.receiverThreads ?? 'auto';
    return {
      receivers,
      receiverThreads: threads === 'auto' ? receiverThreads() : parseWhole(threads, '--receiver-threads', 0, 8),
      subscribers: parseWhole(flags.subscribers ?? '1000', '--subscribers', 1, 15_000),
      messages: parseWhole(flags.messages ?? '20', '--messages', 1, 1000),
      via,
    };
  },
  run: runWs,
};
