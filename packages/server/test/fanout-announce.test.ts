import type { Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { FanoutDeliverProcessor } from '../src/jobs/fanout-deliver.js';
import { systemClock } from '../src/ports/clock.js';
import type { StatusViews } from '../src/ports/status-views.js';
import type { DeliveryRepo } from '../src/ports/store.js';
import { RecordingRealtime } from './support/social.js';

// Fan-out's last step (announce): the reply check and the live push. A status is hydrated for the push only when one
// of its readers may be connected (Realtime.reaches); the reply check reads only who a reply answers.

class Connected extends RecordingRealtime {
  readonly online = new Set<string>();
  reaches(aliases: readonly string[]): boolean {
    return aliases.some((a) => this.online.has(a));
  }
}

function setup() {
  const hydrated: string[][] = [];
  const removed: { statusId: string; owners: string[] }[] = [];
  const hydrator: StatusViews = {
    byIds: (ids) => {
      hydrated.push([...ids]);
      return Promise.resolve(ids.map((id) => ({ id, post: `text of ${id}` }) as unknown as Status));
    },
    // R1 answers cyd; S1 is no reply.
    replyParents: (ids) => Promise.resolve(new Map(ids.includes('R1') ? [['R1', 'cyd']] : [])),
    users: () => Promise.resolve(new Map()),
  };
  const realtime = new Connected();
  const fanout = new FanoutDeliverProcessor({
    deliveries: {} as DeliveryRepo, // a repost's record only: none here
    hydrator,
    realtime,
    clock: systemClock,
    replies: {
      // Only ann follows cyd.
      follows: { existing: (edges) => Promise.resolve(edges.filter((e) => e.follower === 'ann')) },
      feeds: {
        removeStatus: (statusId, owners) => {
          removed.push({ statusId, owners: [...owners] });
          return Promise.resolve(owners.length);
        },
      },
    },
    batchSize: 10,
    batchPauseMs: 0,
  });
  return { fanout, realtime, hydrated, removed };
}

describe('fan-out announce', () => {
  it('hydrates and pushes nothing when none of the readers is connected, and still checks replies', async () => {
    const { fanout, realtime, hydrated, removed } = setup();
    await fanout.announce([
      { statusId: 'S1', author: 'bob', owners: ['ann', 'dan'] },
      { statusId: 'R1', author: 'bob', owners: ['ann', 'dan'] },
    ]);
    expect(hydrated).toEqual([]);
    expect(realtime.events).toEqual([]);
    // dan does not follow cyd: the reply to cyd leaves his feed.
    expect(removed).toEqual([{ statusId: 'R1', owners: ['dan'] }]);
  });

  it('hydrates once and pushes each status to its readers when one of them is connected', async () => {
    const { fanout, realtime, hydrated } = setup();
    realtime.online.add('ann');
    await fanout.announce([
      { statusId: 'S1', author: 'bob', owners: ['ann', 'dan'] },
      { statusId: 'S2', author: 'bob', owners: ['eve'] }, // nobody connected: left out
      { statusId: 'R1', author: 'bob', owners: ['ann', 'dan'] },
    ]);
    expect(hydrated).toEqual([['S1', 'R1']]);
    expect(realtime.ofType('feed.status').map((e) => [e.to, (e.event.data as Status).id])).toEqual([
      [['ann', 'dan'], 'S1'],
      [['ann'], 'R1'],
    ]);
  });
});
