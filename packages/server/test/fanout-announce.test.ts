import type { Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { followAs, postStatus } from './support/status-calls.js';
import { RecordingRealtime } from './support/social.js';
import { useTestApp } from './support/use-test-app.js';

// Fan-out's last step (announce), through the app and its SQLite store: the reply check and the live push. A status
// is pushed (and hydrated for it) only when one of its readers may be connected (Realtime.reaches, which the ws hub
// answers from its presence table); the reply check runs whoever is connected.

class Connected extends RecordingRealtime {
  readonly online = new Set<string>();
  reaches(aliases: readonly string[]): boolean {
    return aliases.some((a) => this.online.has(a));
  }
}

let realtime: Connected;
const t = useTestApp(
  () => {
    realtime = new Connected();
    return { overrides: { realtime } };
  },
  { per: 'test' },
);

const post = (token: string, text: string, inReplyToId?: string): Promise<string> =>
  postStatus(t, token, text, inReplyToId);
const follow = (token: string, alias: string): Promise<void> => followAs(t, token, alias);
const feedIds = async (token: string): Promise<string[]> =>
  (await t.as(token, { method: 'GET', url: '/api/v1/me/feed?limit=50' }))
    .json<{ items: { id: string }[] }>()
    .items.map((i) => i.id);
/** The feed.status pushes: each status id with the readers it went to, sorted. */
const pushed = (): [string, string[]][] =>
  realtime.ofType('feed.status').map((e) => [(e.event.data as Status).id, [...(e.to ?? [])].sort()]);

/** bob, followed by ann and dan; cyd, followed by ann; gus, followed by eve. */
async function people() {
  const ann = await t.register('ann');
  const bob = await t.register('bob');
  const cyd = await t.register('cyd');
  const dan = await t.register('dan');
  const eve = await t.register('eve');
  const gus = await t.register('gus');
  for (const token of [ann, dan]) await follow(token, 'bob');
  await follow(ann, 'cyd');
  await follow(eve, 'gus');
  const c1 = await post(cyd, 'cyd asks');
  await t.drain();
  realtime.events.length = 0;
  return { ann, bob, cyd, dan, eve, gus, c1 };
}

describe('fan-out announce', () => {
  it('pushes nothing when none of the readers is connected, and still takes a reply out of the feeds it skips', async () => {
    const { ann, bob, dan, c1 } = await people();
    const s1 = await post(bob, 'bob says');
    const r1 = await post(bob, 'bob answers cyd', c1);
    await t.drain();
    expect(pushed()).toEqual([]);
    // dan does not follow cyd: the reply to cyd is not his; ann follows both and has it.
    expect(await feedIds(dan)).toEqual([s1]);
    expect(await feedIds(ann)).toEqual([r1, s1, c1]);
  });

  it('pushes each status to its readers when one of them is connected, the reply only where it belongs', async () => {
    const { bob, gus, c1 } = await people();
    realtime.online.add('ann');
    const s1 = await post(bob, 'bob says');
    await post(gus, 'gus says'); // only eve reads gus, and she is not connected: not pushed
    const r1 = await post(bob, 'bob answers cyd', c1);
    await t.drain();
    expect(pushed().sort()).toEqual(
      [
        [s1, ['ann', 'dan']],
        [r1, ['ann']],
      ].sort(),
    );
  });
});
