import { describe, expect } from 'vitest';
import type { NotificationWrite } from '../../src/ports/store.js';
import { T0, type CoreContractHooks } from './store-fixtures.js';

const like = (actor: string, at: number, active = true, statusId = 's1'): NotificationWrite => ({
  recipient: 'ann',
  groupKey: `reaction:like:${statusId}`,
  type: 'reaction',
  statusId,
  boardId: null,
  reactionKind: 'like',
  actor,
  at,
  active,
});
const follow = (actor: string, at: number, active = true): NotificationWrite => ({
  recipient: 'ann',
  groupKey: 'follow:2026-01-01',
  type: 'follow',
  statusId: null,
  boardId: null,
  reactionKind: null,
  actor,
  at,
  active,
});

/** The Store contract for notifications: groups, exact counts, idempotent and order-proof events, unread, removal. */
export function runNotificationsContract(hooks: CoreContractHooks): void {
  const { test, store } = hooks;
  const n = () => store.notifications;

  describe('notifications', () => {
    test('events of one group count distinct actors exactly; the 3 newest are listed newest first', async () => {
      for (const [i, actor] of ['bob', 'cat', 'dan', 'eve'].entries()) await n().apply(like(actor, T0 + i));
      const group = await n().get('ann', 'reaction:like:s1');
      expect(group).toMatchObject({ type: 'reaction', statusId: 's1', actorCount: 4, latestAt: T0 + 3, unread: true });
      await expect.poll(async () => (await n().get('ann', 'reaction:like:s1'))?.actors).toEqual(['eve', 'dan', 'cat']);
    });

    test('a replayed event changes nothing; an undo takes the actor out; the last undo removes the group', async () => {
      expect((await n().apply(like('bob', T0))).changed).toBe(true);
      expect((await n().apply(like('bob', T0))).changed).toBe(false);
      // A newer event of an actor already counted (a second emission) moves nothing either.
      expect((await n().apply(like('bob', T0 + 1))).changed).toBe(false);
      await n().apply(like('cat', T0 + 1));
      expect((await n().get('ann', 'reaction:like:s1'))?.actorCount).toBe(2);
      expect((await n().apply(like('bob', T0 + 2, false))).group?.actorCount).toBe(1);
      expect((await n().apply(like('cat', T0 + 3, false))).group).toBeNull();
      expect(await n().get('ann', 'reaction:like:s1')).toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(0);
    });

    test('an undo that arrives before its event wins: the late event is stale', async () => {
      await n().apply(like('bob', T0 + 5, false));
      expect((await n().apply(like('bob', T0))).changed).toBe(false);
      expect(await n().get('ann', 'reaction:like:s1')).toBeNull();
      // Liked again later: counted once more.
      await n().apply(like('bob', T0 + 9));
      expect((await n().get('ann', 'reaction:like:s1'))?.actorCount).toBe(1);
    });

    test('concurrent events on one group keep the count exact', async () => {
      const actors = Array.from({ length: 40 }, (_, i) => `u${String(i).padStart(2, '0')}`);
      await Promise.all(actors.map((a, i) => n().apply(like(a, T0 + i))));
      await Promise.all(actors.map((a, i) => n().apply(like(a, T0 + i)))); // every one replayed
      await Promise.all(actors.slice(0, 10).map((a) => n().apply(like(a, T0 + 100, false))));
      expect((await n().get('ann', 'reaction:like:s1'))?.actorCount).toBe(30);
    });

    test('page lists newest group first, filters by type, pages by position and by the retention cut', async () => {
      await n().apply(like('bob', T0 + 1, true, 's1'));
      await n().apply(follow('cat', T0 + 2));
      await n().apply(like('dan', T0 + 3, true, 's2'));
      const keys = async (options: Parameters<typeof store.notifications.page>[1]) =>
        (await n().page('ann', options)).map((g) => g.groupKey);
      await expect
        .poll(() => keys({ limit: 10, since: 0 }))
        .toEqual(['reaction:like:s2', 'follow:2026-01-01', 'reaction:like:s1']);
      expect(await keys({ limit: 10, since: 0, types: ['follow'] })).toEqual(['follow:2026-01-01']);
      expect(await keys({ limit: 10, since: 0, before: { latestAt: T0 + 3, groupKey: 'reaction:like:s2' } })).toEqual([
        'follow:2026-01-01',
        'reaction:like:s1',
      ]);
      expect(await keys({ limit: 10, since: T0 + 2 })).toEqual(['reaction:like:s2', 'follow:2026-01-01']);
      // A new event moves its group to the top.
      await n().apply(like('eve', T0 + 4, true, 's1'));
      await expect.poll(async () => (await keys({ limit: 1, since: 0 }))[0]).toBe('reaction:like:s1');
    });

    test('unread counts groups exactly; markRead up to a time leaves newer groups unread', async () => {
      await n().apply(like('bob', T0 + 1, true, 's1'));
      await n().apply(like('cat', T0 + 2, true, 's1'));
      await n().apply(like('bob', T0 + 3, true, 's2'));
      await n().apply(follow('dan', T0 + 4));
      expect(await n().unreadCount('ann', 0)).toBe(3);
      expect(await n().unreadCount('ann', T0 + 3)).toBe(2);
      expect(await n().markRead('ann', T0 + 3)).toBe(2);
      expect(await n().unreadCount('ann', 0)).toBe(1);
      expect((await n().get('ann', 'reaction:like:s1'))?.unread).toBe(false);
      // A new event marks its group unread again.
      await n().apply(like('dan', T0 + 5, true, 's1'));
      expect(await n().unreadCount('ann', 0)).toBe(2);
      expect(await n().markRead('ann')).toBe(2);
      expect(await n().unreadCount('ann', 0)).toBe(0);
    });

    test('removeStatus removes the groups about a status and names their recipients', async () => {
      await n().apply(like('bob', T0, true, 's1'));
      await n().apply({ ...like('bob', T0, true, 's1'), recipient: 'cat', groupKey: 'mention:s1', type: 'mention' });
      await n().apply(like('bob', T0, true, 's2'));
      await expect.poll(async () => (await n().removeStatus('s1')).sort()).toEqual(['ann', 'cat']);
      expect(await n().get('ann', 'reaction:like:s1')).toBeNull();
      expect(await n().get('cat', 'mention:s1')).toBeNull();
      expect(await n().get('ann', 'reaction:like:s2')).not.toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(1);
    });

    test('removeActor retracts a deleted account from every group; removeRecipient clears its own', async () => {
      await n().apply(like('bob', T0, true, 's1'));
      await n().apply(like('cat', T0 + 1, true, 's1'));
      await n().apply(follow('bob', T0 + 2));
      await expect.poll(async () => n().removeActor('bob', 100)).toBe(2);
      expect((await n().get('ann', 'reaction:like:s1'))?.actorCount).toBe(1);
      expect(await n().get('ann', 'follow:2026-01-01')).toBeNull();
      expect(await n().removeActor('bob', 100)).toBe(0);
      for (;;) if ((await n().removeRecipient('ann', 2)) < 2) break;
      expect(await n().get('ann', 'reaction:like:s1')).toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(0);
    });
  });
}
