import { describe, expect } from 'vitest';
import type { RelationEdge } from '../../src/ports/store.js';
import { aliases, job, T0, type CoreContractHooks } from './store-fixtures.js';

const block = (owner: string, target: string): RelationEdge => ({ owner, kind: 'block', target });
const mute = (owner: string, target: string): RelationEdge => ({ owner, kind: 'mute', target });

/** The Store contract for blocks and mutes: edges, the bound, both directions, batched checks, the outbox. */
export function runRelationsContract(hooks: CoreContractHooks): void {
  const { test, expectJobs, createUsers, store } = hooks;

  describe('relations (block and mute)', () => {
    test('add writes the edge with its jobs once; a second add is "exists" and writes nothing', async (ctx) => {
      await createUsers('ann', 'bob');
      const purge = job('relation.purge', { ...block('ann', 'bob') });
      expect(await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 10, outbox: [purge] })).toBe('added');
      expect(await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 10, outbox: [purge] })).toBe(
        'exists',
      );
      expect(await store.relations.existing([block('ann', 'bob'), block('bob', 'ann'), mute('ann', 'bob')])).toEqual([
        block('ann', 'bob'),
      ]);
      await expectJobs(ctx, [purge]);
    });

    test('blocks and mutes are separate edges, each listed from its owner and its target', async () => {
      await createUsers('ann', 'bob', 'cat');
      await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 10 });
      await store.relations.add(mute('ann', 'cat'), { createdAt: T0, max: 10 });
      await store.relations.add(block('cat', 'bob'), { createdAt: T0, max: 10 });
      expect(await store.relations.targets('ann', 'block', { limit: 10 })).toEqual({ items: ['bob'], next: null });
      expect(await store.relations.targets('ann', 'mute', { limit: 10 })).toEqual({ items: ['cat'], next: null });
      await expect
        .poll(() => store.relations.owners('bob', 'block', { limit: 10 }))
        .toEqual({ items: ['ann', 'cat'], next: null });
      expect(await store.relations.owners('bob', 'mute', { limit: 10 })).toEqual({ items: [], next: null });
    });

    test('existing answers many pairs in one call, in the order asked', async () => {
      await createUsers('ann', 'bob', 'cat');
      await store.relations.add(mute('bob', 'ann'), { createdAt: T0, max: 10 });
      await store.relations.add(block('ann', 'cat'), { createdAt: T0, max: 10 });
      const asked = [mute('cat', 'ann'), block('ann', 'cat'), mute('bob', 'ann'), block('cat', 'ann')];
      expect(await store.relations.existing(asked)).toEqual([block('ann', 'cat'), mute('bob', 'ann')]);
      expect(await store.relations.existing([])).toEqual([]);
    });

    test("ownersAmong answers as existing of the owners' pairs with the target (where the store has it)", async () => {
      const { ownersAmong } = store.relations;
      if (!ownersAmong) return;
      await createUsers('ann', 'bob', 'cat', 'dan');
      await store.relations.add(mute('bob', 'ann'), { createdAt: T0, max: 10 });
      await store.relations.add(mute('dan', 'ann'), { createdAt: T0, max: 10 });
      await store.relations.add(block('cat', 'ann'), { createdAt: T0, max: 10 }); // another kind: not a mute
      await store.relations.add(mute('cat', 'bob'), { createdAt: T0, max: 10 }); // another target
      const among = (target: string, owners: string[]) => ownersAmong.call(store.relations, target, 'mute', owners);
      expect((await among('ann', ['bob', 'cat', 'dan', 'eve'])).sort()).toEqual(['bob', 'dan']);
      expect(await among('ann', ['cat'])).toEqual([]);
      expect(await among('cat', ['ann', 'bob'])).toEqual([]); // no one mutes cat: one seek, no pair read
      expect(await among('bob', ['cat'])).toEqual(['cat']);
      expect(await among('ann', [])).toEqual([]);
    });

    test('around answers as existing of the same pairs: from the viewer (out kinds) and to the viewer (into kinds)', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 10 });
      await store.relations.add(mute('ann', 'cat'), { createdAt: T0, max: 10 });
      await store.relations.add(block('dan', 'ann'), { createdAt: T0, max: 10 });
      await store.relations.add(mute('bob', 'ann'), { createdAt: T0, max: 10 }); // a mute of the viewer: not asked
      await store.relations.add(block('bob', 'cat'), { createdAt: T0, max: 10 }); // between others: never
      const sorted = (edges: RelationEdge[]) => edges.map((e) => `${e.owner} ${e.kind} ${e.target}`).sort();
      const others = ['bob', 'cat', 'dan', 'eve'];
      expect(sorted(await store.relations.around('ann', others, { out: ['block', 'mute'], into: ['block'] }))).toEqual([
        'ann block bob',
        'ann mute cat',
        'dan block ann',
      ]);
      expect(sorted(await store.relations.around('ann', others, { out: ['block'], into: ['block'] }))).toEqual([
        'ann block bob',
        'dan block ann',
      ]);
      expect(sorted(await store.relations.around('ann', others, { out: [], into: ['block', 'mute'] }))).toEqual([
        'bob mute ann',
        'dan block ann',
      ]);
      expect(await store.relations.around('ann', [], { out: ['block'], into: ['block'] })).toEqual([]);
    });

    test('the bound counts one kind: past max edges, add is "full" and writes nothing', async () => {
      await createUsers('ann', 'bob', 'cat', 'dan');
      expect(await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 2 })).toBe('added');
      expect(await store.relations.add(block('ann', 'cat'), { createdAt: T0, max: 2 })).toBe('added');
      expect(await store.relations.add(block('ann', 'dan'), { createdAt: T0, max: 2 })).toBe('full');
      expect(await store.relations.add(mute('ann', 'dan'), { createdAt: T0, max: 2 })).toBe('added');
      expect(await store.relations.existing([block('ann', 'dan')])).toEqual([]);
      // An existing edge is "exists" even at the bound; removing one makes room.
      expect(await store.relations.add(block('ann', 'bob'), { createdAt: T0, max: 2 })).toBe('exists');
      expect(await store.relations.remove(block('ann', 'bob'))).toBe(true);
      expect(await store.relations.add(block('ann', 'dan'), { createdAt: T0, max: 2 })).toBe('added');
      expect(await store.relations.recount('ann', 'block')).toBe(2);
      expect(await store.relations.recount('ann', 'mute')).toBe(1);
    });

    test('remove deletes the edge once; a second remove is false', async () => {
      await createUsers('ann', 'bob');
      await store.relations.add(mute('ann', 'bob'), { createdAt: T0, max: 10 });
      expect(await store.relations.remove(mute('ann', 'bob'))).toBe(true);
      expect(await store.relations.remove(mute('ann', 'bob'))).toBe(false);
      expect(await store.relations.existing([mute('ann', 'bob')])).toEqual([]);
      expect(await store.relations.targets('ann', 'mute', { limit: 10 })).toEqual({ items: [], next: null });
    });

    test('targets and owners page by alias; only the last page has next = null', async () => {
      const others = aliases(7, 'u');
      await createUsers('ann', ...others);
      for (const o of others) await store.relations.add(block('ann', o), { createdAt: T0, max: 100 });
      for (const o of others) await store.relations.add(block(o, 'ann'), { createdAt: T0, max: 100 });
      for (const list of ['targets', 'owners'] as const) {
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; ; pages++) {
          expect(pages).toBeLessThan(10);
          const page = await store.relations[list]('ann', 'block', { after, limit: 3 });
          seen.push(...page.items);
          if (page.next === null) break;
          expect(page.items).toHaveLength(3);
          expect(page.next).toBe(page.items.at(-1));
          after = page.next;
        }
        expect(seen).toEqual(others);
      }
    });
  });
}
