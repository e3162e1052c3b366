import { parseWhole, UsageError } from '@tweeter/server/tooling';
import { scenarioResult, type ScenarioResult } from '../result.js';
import type { TargetOptions } from '../setup.js';
import { runWsScenario } from '../ws-scenario.js';
import { option, type ScenarioDefinition } from './registry.js';

export type WsParams = { subscribers: number; messages: number; via: 'board' | 'feed' };

/** Live delivery: one message to N WebSocket subscribers, and server memory per idle connection. */
export async function runWs(params: WsParams, target: TargetOptions): Promise<ScenarioResult> {
  const run = await runWsScenario({ ...params, ...(target.url === undefined ? {} : { url: target.url }) });
  return scenarioResult('ws', params, run.results);
}

export const wsScenario: ScenarioDefinition<WsParams> = {
  name: 'ws',
  description: 'A board message to N live WebSocket subscribers: delivery latency, and memory per idle connection',
  options: [
    option('subscribers', 'WebSocket connections subscribed to the board (1 to 15,000)', '1000'),
    option('messages', 'board messages to measure (1 to 1,000)', '20'),
    option('via', '`board` (board messages) or `feed` (statuses fanned out to followers)', 'board'),
  ],
  parse(flags) {
    const via = flags.via ?? 'board';
    if (via !== 'board' && via !== 'feed') throw new UsageError('--via must be board or feed');
    return {
      subscribers: parseWhole(flags.subscribers ?? '1000', '--subscribers', 1, 15_000),
      messages: parseWhole(flags.messages ?? '20', '--messages', 1, 1000),
      via,
    };
  },
  run: runWs,
};
