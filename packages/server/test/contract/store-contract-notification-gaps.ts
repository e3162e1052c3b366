import { describe, expect } from 'vitest';
import type { NotificationWrite } from '../../src/ports/store.js';
import { job, status, T0, type CoreContractHooks } from './store-fixtures.js';

const KEY = 'reaction:like:s1';
const like = (actor: string, at: number, active = true, recipient = 'ann'): NotificationWrite => ({
  recipient,
  groupKey: KEY,
  type: 'reaction',
  statusId: 's1',
  boardId: null,
  reactionKind: 'like',
  actor,
  at,
  active,
});

/**
 * The Store contract for what the notify stage's batches, recounts and later blocks need: `applyMany`, `recount`
 * (after a crash between an entry and its group, or an undo whose entry TTL removed), `retractActorFor`,
 * `removeGroup`, and reactions that carry their notification jobs in their own write.
 */
export function runNotificationGapsContract(hooks: CoreContractHooks): void {
  const { test, store } = hooks;
  const n = () => store.notifications;
  const faults = () => {
    const f = hooks.faults();
    if (!f) throw new Error('this case needs the adapter harness to give notificationFaults');
    return f;
  };

  describe('notifications: batches, recounts, retractions', () => {
    test('applyMany counts a batch of one group exactly, replays and undos inside it, answering in order', async () => {
      const batch = [
        like('bob', T0),
        like('cat', T0 + 1),
        like('bob', T0),
        like('dan', T0 + 2),
        like('cat', T0 + 3, false),
      ];
      const applied = await n().applyMany(batch);
      expect(applied.map((a) => a.changed)).toEqual([true, true, false, true, true]);
      for (const a of applied) expect(a.group).toMatchObject({ actorCount: 2, latestAt: T0 + 2, unread: true });
      // A second batch replaying the first changes nothing.
      expect((await n().applyMany(batch)).map((a) => a.changed)).toEqual([false, false, false, false, false]);
      expect((await n().get('ann', KEY))?.actorCount).toBe(2);
      expect(await n().unreadCount('ann', 0)).toBe(1);
    });

    test('applyMany over several recipients and groups, the last undo removing its group', async () => {
      const applied = await n().applyMany([
        like('bob', T0, true, 'ann'),
        like('bob', T0, true, 'eve'),
        { ...like('cat', T0 + 1), groupKey: 'reaction:like:s2', statusId: 's2' },
        like('bob', T0 + 5, false, 'eve'),
      ]);
      expect(applied.map((a) => a.group?.actorCount ?? null)).toEqual([1, null, 1, null]);
      expect(await n().get('eve', KEY)).toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(2);
    });

    test('applyChanges writes as applyMany does, answering only whether each write changed', async () => {
      const batch = [like('bob', T0), like('cat', T0 + 1), like('bob', T0), like('cat', T0 + 3, false)];
      expect(await n().applyChanges(batch)).toEqual([true, true, false, true]);
      expect(await n().applyChanges(batch)).toEqual([false, false, false, false]);
      expect(await n().get('ann', KEY)).toMatchObject({ actorCount: 1, latestAt: T0 + 1, unread: true });
      // A late replay of cat's like (older than the undo) stays out; a newer like brings cat back.
      expect(await n().applyChanges([like('cat', T0 + 2), like('cat', T0 + 4)])).toEqual([false, true]);
      expect((await n().get('ann', KEY))?.actorCount).toBe(2);
      expect(await n().applyChanges([like('bob', T0 + 5, false), like('cat', T0 + 5, false)])).toEqual([true, true]);
      expect(await n().get('ann', KEY)).toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(0);
    });

    test('recount sets a group to its active entries after its count was left off', async () => {
      await n().applyMany([like('bob', T0), like('cat', T0 + 1), like('dan', T0 + 2), like('dan', T0 + 3, false)]);
      await faults().skewCount('ann', KEY, 1); // a crash between an entry write and the group's update
      expect((await n().get('ann', KEY))?.actorCount).toBe(3);
      expect(await n().recount('ann', KEY)).toBe(2);
      expect((await n().get('ann', KEY))?.actorCount).toBe(2);
      expect(await n().recount('ann', 'reaction:like:none')).toBeNull();
      // A group whose entries are all gone goes too.
      await n().apply(like('bob', T0 + 9, false));
      await faults().dropEntry('ann', KEY, 'cat');
      expect(await n().recount('ann', KEY)).toBe(0);
      expect(await n().get('ann', KEY)).toBeNull();
    });

    test('an undo whose entry was removed (DynamoDB TTL on an old entry of a live group) recounts the group', async () => {
      await n().applyMany([like('bob', T0), like('cat', T0 + 1), like('dan', T0 + 2)]);
      await faults().dropEntry('ann', KEY, 'bob');
      await n().apply(like('bob', T0 + 10, false));
      expect((await n().get('ann', KEY))?.actorCount).toBe(2);
    });

    test('retractActorFor takes an actor out of one recipient’s groups only; a group of only them goes', async () => {
      await n().applyMany([
        like('bob', T0),
        like('cat', T0 + 1),
        { ...like('bob', T0 + 2), groupKey: 'follow:2026-01-01', type: 'follow', statusId: null, reactionKind: null },
        like('bob', T0 + 3, true, 'eve'),
      ]);
      await expect.poll(() => n().retractActorFor('ann', 'bob', 100)).toBe(2);
      expect((await n().get('ann', KEY))?.actorCount).toBe(1);
      expect(await n().get('ann', 'follow:2026-01-01')).toBeNull();
      expect(await n().unreadCount('ann', 0)).toBe(1);
      expect((await n().get('eve', KEY))?.actorCount).toBe(1);
      expect(await n().retractActorFor('ann', 'bob', 100)).toBe(0);
    });

    test('removeGroup removes one group and its entries; a later event starts it afresh', async () => {
      await n().applyMany([like('bob', T0), like('cat', T0 + 1), like('bob', T0 + 2, true, 'eve')]);
      expect(await n().removeGroup('ann', KEY)).toBe(true);
      expect(await n().get('ann', KEY)).toBeNull();
      expect(await n().removeGroup('ann', KEY)).toBe(false);
      expect((await n().get('eve', KEY))?.actorCount).toBe(1);
      await n().apply(like('bob', T0 + 5));
      expect((await n().get('ann', KEY))?.actorCount).toBe(1);
    });
  });

  describe('reactions: the notification in the write’s outbox', () => {
    test('a reaction and its undo queue their jobs only when they change something, leaving nothing pending', async (ctx) => {
      await hooks.createUsers('ann', 'bob');
      const s = status(1, 'ann');
      await store.statuses.create(s, { audience: 0 });
      const on = job('notify.event', { actorId: 'bob', active: true });
      const off = job('notify.event', { actorId: 'bob', active: false });
      expect((await store.reactions.add('status', s.id, 'bob', 'like', T0, { outbox: [on] }))?.changed).toBe(true);
      expect((await store.reactions.add('status', s.id, 'bob', 'like', T0, { outbox: [on] }))?.changed).toBe(false);
      expect((await store.reactions.remove('status', s.id, 'bob', 'like', { outbox: [off] })).changed).toBe(true);
      const again = await store.reactions.remove('status', s.id, 'bob', 'like', { outbox: [off] });
      expect(again).toMatchObject({ changed: false, counts: { like: 0, heart: 0 } });
      // Where the store answers `mine` with the write (SQLite), it is what is left: nothing.
      if (again.mine !== undefined) expect(again.mine).toEqual([]);
      expect(await store.resendPending(Date.now() + 120_000, 100)).toBe(0);
      await hooks.expectJobs(ctx, [on, off]);
    });

    test('an add with unlessBlockedWith writes nothing across a block either way, where the store checks blocks', async () => {
      // A store without checksBlocks leaves the check to its caller (services/reactions.ts reads it before the write).
      if (store.reactions.checksBlocks !== true) return;
      await hooks.createUsers('ann', 'bob', 'cat', 'dan');
      const s = status(1, 'ann');
      await store.statuses.create(s, { audience: 0 });
      const like = (who: string) =>
        store.reactions.add('status', s.id, who, 'like', T0, {
          outbox: [job('notify.event', { actorId: who, active: true })],
          unlessBlockedWith: 'ann',
        });
      await store.relations.add({ owner: 'ann', kind: 'block', target: 'bob' }, { createdAt: T0, max: 10 });
      await store.relations.add({ owner: 'cat', kind: 'block', target: 'ann' }, { createdAt: T0, max: 10 });
      await store.relations.add({ owner: 'ann', kind: 'mute', target: 'dan' }, { createdAt: T0, max: 10 });
      expect(await like('bob')).toBeNull(); // ann blocks bob
      expect(await like('cat')).toBeNull(); // cat blocks ann
      expect((await like('dan'))?.changed).toBe(true); // a mute is no block
      expect((await store.reactions.counts('status', [s.id])).get(s.id)).toEqual({ like: 1, heart: 0 });
      expect(await store.reactions.mine('status', 'bob', [s.id])).toEqual(new Map());
      await store.relations.remove({ owner: 'ann', kind: 'block', target: 'bob' });
      expect((await like('bob'))?.changed).toBe(true);
    });

    test('a reaction’s own notification: written with it (notified) where the store can, else queued', async (ctx) => {
      await hooks.createUsers('ann', 'bob', 'cat');
      const s = status(1, 'ann');
      await store.statuses.create(s, { audience: 0 });
      await store.relations.add({ owner: 'ann', kind: 'mute', target: 'cat' }, { createdAt: T0, max: 10 });
      const event = (actorId: string, active: boolean, at: number) =>
        job('notify.event', {
          type: 'reaction',
          actorId,
          recipientId: 'ann',
          statusId: s.id,
          reactionKind: 'like',
          at,
          active,
        });
      const [bobOn, catOn, bobOff] = [event('bob', true, T0), event('cat', true, T0), event('bob', false, T0 + 1)];
      const bob = await store.reactions.add('status', s.id, 'bob', 'like', T0, { outbox: [bobOn] });
      const cat = await store.reactions.add('status', s.id, 'cat', 'like', T0, { outbox: [catOn] });
      const key = `reaction:like:${s.id}`;
      if (bob?.notified === undefined) {
        // Through the notify stage (DynamoDB): the jobs are queued with the writes, nothing is grouped yet.
        await store.reactions.remove('status', s.id, 'bob', 'like', { outbox: [bobOff] });
        expect(await store.notifications.get('ann', key)).toBeNull();
        await hooks.expectJobs(ctx, [bobOn, catOn, bobOff]);
        return;
      }
      // In the write's transaction (SQLite): bob counted at once, cat (muted by ann) not; the undo takes bob out.
      expect(bob.notified).toEqual([{ recipient: 'ann', groupKey: key, show: true }]);
      expect(cat?.notified).toEqual([]);
      expect(await store.notifications.get('ann', key)).toMatchObject({ actorCount: 1, actors: ['bob'], unread: true });
      expect(await store.notifications.unreadCount('ann', 0)).toBe(1);
      const undo = await store.reactions.remove('status', s.id, 'bob', 'like', { outbox: [bobOff] });
      expect(undo.notified).toEqual([{ recipient: 'ann', groupKey: key, show: false }]);
      expect(await store.notifications.get('ann', key)).toBeNull();
      await hooks.expectJobs(ctx, []);
    });

    test('a member added carries its "added you" job in the write; a role change or a re-add queues nothing', async (ctx) => {
      await hooks.createUsers('ann', 'bob');
      await store.boards.create({
        id: 'b1',
        name: 'b',
        description: '',
        visibility: 'public',
        owner: 'ann',
        memberCount: 1,
        retentionDays: null,
        createdAt: T0,
      });
      const added = job('notify.event', { type: 'board.added', recipientId: 'bob' });
      const member = { boardId: 'b1', alias: 'bob', role: 'member' as const, joinedAt: T0 };
      expect(await store.members.put(member, { outboxIfAdded: [added] })).toEqual({ previous: null, changed: true });
      expect((await store.members.put({ ...member, role: 'moderator' }, { outboxIfAdded: [added] })).changed).toBe(
        true,
      );
      expect((await store.members.put({ ...member, role: 'moderator' }, { outboxIfAdded: [added] })).changed).toBe(
        false,
      );
      expect(await store.resendPending(Date.now() + 120_000, 100)).toBe(0);
      await hooks.expectJobs(ctx, [added]);
    });
  });
}
