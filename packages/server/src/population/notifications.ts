import { groupingOf } from '../domain/notification-groups.js';
import { followEdges, type PopulationPlan } from './graph.js';
import { silentProgress, type Progress } from './progress.js';
import type { PopulateDeps } from './populate.js';

const EDGE_BATCH = 500;

/**
 * The follow notifications of the generated follows (`--notifications`), written as the notify job writes them:
 * each standing edge is one event into its followee's group of the day. Idempotent: a second run finds every entry as new as
 * its event and writes nothing.
 */
export async function addFollowNotifications(plan: PopulationPlan, deps: PopulateDeps): Promise<number> {
  if (!plan.notifications) return 0;
  const { store, clock } = deps;
  const progress: Progress = deps.progress ?? silentProgress;
  const writeBatch = deps.writeBatch ?? ((work) => work());
  const at = clock.now();
  let added = 0;
  progress.start('notifications', plan.followers + plan.users * plan.followeesEach);
  for (const batch of followEdges(plan, EDGE_BATCH)) {
    // Only the follows that stand (a generated block ended some), and none from an account the followee mutes.
    const standing = await store.follows.existing(batch);
    const muted = await store.relations.existing(
      standing.map((e) => ({ owner: e.followee, kind: 'mute' as const, target: e.follower })),
    );
    const mutedKeys = new Set(muted.map((m) => `${m.owner} ${m.target}`));
    const notify = standing.filter((e) => !mutedKeys.has(`${e.followee} ${e.follower}`));
    await writeBatch(async () => {
      for (const { follower, followee } of notify) {
        const event = { type: 'follow' as const, actorId: follower, recipientId: followee };
        const grouping = groupingOf(event, at);
        const write = { recipient: followee, actor: follower, type: event.type, at, active: true, ...grouping };
        if ((await store.notifications.apply(write)).changed) added += 1;
      }
    });
    progress.advance(batch.length);
  }
  progress.done();
  return added;
}
