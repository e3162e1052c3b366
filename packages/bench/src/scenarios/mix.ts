import type autocannon from 'autocannon';
import { userAlias, randomIndex, sampleDistinct, seededRandom, parseWhole } from '@tweeter/server/tooling';
import { ApiClient } from '../api-client.js';
import { authed, startLoad, type LoadResult } from '../load.js';
import { round2 } from '../percentiles.js';
import {
  feedFigure,
  latencyFigure,
  postFigure,
  scenarioResult,
  serverFigures,
  type ScenarioResult,
} from '../result.js';
import { startSampler, withServer, type TargetOptions } from '../setup.js';
import { boundedWhole, option, type ScenarioDefinition } from './registry.js';
import { FEED_GRAPH } from './feed.js';

export type MixParams = {
  users: number;
  connections: number;
  durationS: number;
};

type Kind = 'feed' | 'story' | 'post' | 'follow';

/** Shares of connections per kind of request: 80% feed reads, 10% story reads, 5% posts, 5% follow/unfollow. */
export const MIX: Record<Kind, number> = { feed: 0.8, story: 0.1, post: 0.05, follow: 0.05 };

/**
 * Four autocannon instances side by side, one per kind of request, with the connections split 80/10/5/5 (each
 * at least one). Every connection is a different signed-in user and runs closed-loop, so the shares of requests
 * follow the shares of connections as long as the kinds take similar time; the achieved shares are reported.
 */
export async function runMixScenario(params: MixParams, target: TargetOptions): Promise<ScenarioResult> {
  const plan = { users: params.users, celebrity: 'celebrity', followers: 0, ...FEED_GRAPH };
  return withServer(target, plan, async (server) => {
    const api = new ApiClient(server.url);
    const split = splitConnections(params.connections);
    const total = Object.values(split).reduce((a, b) => a + b, 0);
    const random = seededRandom(target.seed + 4);
    const users = sampleDistinct(random, params.users, Math.min(total, params.users), 0);
    target.log(`signing in ${users.length} users`);
    const tokens = await api.loginAll(users.map(userAlias), target.password);
    const someone = (self: number): string => {
      const j = randomIndex(random, params.users - 1) + 1;
      return userAlias(j >= self ? j + 1 : j);
    };

    let offset = 0;
    const requestsOf: Record<Kind, (i: number) => autocannon.Request[]> = {
      feed: (i) => [authed(tokens[i] ?? '', { method: 'GET', path: '/api/v1/me/feed?limit=20' })],
      story: (i) => [
        authed(tokens[i] ?? '', {
          method: 'GET',
          path: '/api/v1/users/user_000001/story?limit=20',
          setupRequest: (req) => ({ ...req, path: `/api/v1/users/${someone(0)}/story?limit=20` }),
        }),
      ],
      post: (i) => [
        authed(tokens[i] ?? '', { method: 'POST', path: '/api/v1/statuses', json: { post: 'Mixed load' } }),
      ],
      follow: (i) => {
        const self = users[i] ?? 0;
        // The follow picks a new target each round and the unfollow undoes it (context lives for one round).
        const follow = authed(tokens[i] ?? '', {
          method: 'PUT',
          path: `/api/v1/me/followees/${someone(self)}`,
          setupRequest: (req, context) => {
            const alias = someone(self);
            (context as { alias?: string }).alias = alias;
            return { ...req, path: `/api/v1/me/followees/${alias}` };
          },
        });
        const unfollow = authed(tokens[i] ?? '', {
          method: 'DELETE',
          path: `/api/v1/me/followees/${someone(self)}`,
          setupRequest: (req, context) => {
            const alias = (context as { alias?: string }).alias ?? someone(self);
            return { ...req, path: `/api/v1/me/followees/${alias}` };
          },
        });
        return [follow, unfollow];
      },
    };
    const sampler = await startSampler(server.url, server.pid);
    target.log(`mixed load with ${total} connections for ${params.durationS} s`);
    const runs = (Object.keys(MIX) as Kind[]).map((kind) => {
      const first = offset;
      offset += split[kind];
      return startLoad({
        baseUrl: server.url,
        connections: split[kind],
        durationS: params.durationS,
        requests: (i) => requestsOf[kind](first + i),
      });
    });

    const [feed, story, post, follow] = (await Promise.all(runs.map((r) => r.done))) as [
      LoadResult,
      LoadResult,
      LoadResult,
      LoadResult,
    ];
    const memory = await sampler.stop();
    const all = [feed, story, post, follow];
    const ok = all.reduce((sum, r) => sum + r.latencies.count, 0);
    const share = (r: LoadResult): number => round2((100 * r.latencies.count) / Math.max(ok, 1));
    const feedSummary = feed.latencies.summary();
    return scenarioResult('mix', params, {
      feed_ms: feedFigure(feedSummary),
      feed_rps: feed.rps,
      post_ms: postFigure(post.latencies.summary()),
      story_ms: latencyFigure(story.latencies.summary()),
      follow_ms: latencyFigure(follow.latencies.summary()),
      total_rps: round2(all.reduce((sum, r) => sum + r.rps, 0)),
      share_pct: { feed: share(feed), story: share(story), post: share(post), follow: share(follow) },
      connections: { ...split },
      ...serverFigures(memory, { heap: true, requests: all.reduce((n, r) => n + r.responses, 0) }),
      errors: all.reduce((sum, r) => sum + r.errors, 0),
    });
  });
}

/** Connections per kind: the shares of MIX rounded, at least one each. */
export function splitConnections(connections: number): Record<Kind, number> {
  const at = (kind: Kind): number => Math.max(1, Math.round(connections * MIX[kind]));
  const story = at('story');
  const post = at('post');
  const follow = at('follow');
  return { feed: Math.max(1, connections - story - post - follow), story, post, follow };
}

export const mixScenario: ScenarioDefinition<MixParams> = {
  name: 'mix',
  description: 'Mixed load: 80% feed reads, 10% story reads, 5% posts, 5% follow/unfollow',
  options: [
    option('users', 'generated users (each follows 20 who posted 2 statuses)', '10000'),
    option('connections', 'concurrent clients, split 80/10/5/5 (at least one each)', '40'),
    option('duration', 'seconds of measurement', '30'),
  ],
  parse(flags, given) {
    const users = parseWhole(flags.users ?? '', '--users', FEED_GRAPH.followeesEach + 1, 10_000_000);
    return {
      users,
      connections: boundedWhole(flags, given, 'connections', '--connections', 4, Math.min(1000, users)),
      durationS: parseWhole(flags.duration ?? '', '--duration', 1, 3600),
    };
  },
  run: runMixScenario,
};
