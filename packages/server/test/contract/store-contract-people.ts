import { describe, expect } from 'vitest';
import type { PeopleHit } from '../../src/ports/store.js';
import { aliases, T0, user, type CoreContractHooks } from './store-fixtures.js';

const sorted = (hits: readonly PeopleHit[]) =>
  [...hits].sort((a, b) => `${a.kind} ${a.alias}`.localeCompare(`${b.kind} ${b.alias}`));

/** The Store contract for the people index: normalized prefixes of aliases and names, re-indexing, removal, popular. */
export function runPeopleContract(hooks: CoreContractHooks): void {
  const { test, store } = hooks;

  describe('people index', () => {
    test('an alias prefix and a name-word prefix find the account, case- and accent-insensitively', async () => {
      await store.people.put({ alias: 'zoe_q', firstName: 'Zoë', lastName: 'Ångström-Núñez' });
      await store.people.put({ alias: 'zed', firstName: 'Zed', lastName: 'Other' });
      await expect
        .poll(() => store.people.match({ aliasPrefix: 'zo' }, 10))
        .toEqual([{ alias: 'zoe_q', kind: 'alias' }]);
      expect(sorted(await store.people.match({ namePrefix: 'z' }, 10))).toEqual([
        { alias: 'zed', kind: 'name' },
        { alias: 'zoe_q', kind: 'name' },
      ]);
      expect(await store.people.match({ namePrefix: 'zoe' }, 10)).toEqual([{ alias: 'zoe_q', kind: 'name' }]);
      // Both words of the hyphenated last name, accents gone.
      expect(await store.people.match({ namePrefix: 'angs' }, 10)).toEqual([{ alias: 'zoe_q', kind: 'name' }]);
      expect(await store.people.match({ namePrefix: 'nunez' }, 10)).toEqual([{ alias: 'zoe_q', kind: 'name' }]);
      expect(await store.people.match({ namePrefix: 'zoex' }, 10)).toEqual([]);
      expect(sorted(await store.people.match({ aliasPrefix: 'z', namePrefix: 'other' }, 10))).toEqual([
        { alias: 'zed', kind: 'alias' },
        { alias: 'zoe_q', kind: 'alias' },
        { alias: 'zed', kind: 'name' },
      ]);
    });

    test('an account comes once per kind even when several of its words match', async () => {
      await store.people.put({ alias: 'ann', firstName: 'Mary Maria', lastName: 'Marsh' });
      await expect.poll(() => store.people.match({ namePrefix: 'mar' }, 10)).toEqual([{ alias: 'ann', kind: 'name' }]);
    });

    test('put replaces the terms: an edited name stops matching; put twice changes nothing', async () => {
      await store.people.put({ alias: 'ann', firstName: 'Annabel', lastName: 'Lee' });
      await store.people.put({ alias: 'ann', firstName: 'Annabel', lastName: 'Lee' });
      await expect.poll(() => store.people.match({ namePrefix: 'lee' }, 10)).toEqual([{ alias: 'ann', kind: 'name' }]);
      await store.people.put({ alias: 'ann', firstName: 'Annabel', lastName: 'Poe' });
      await expect.poll(() => store.people.match({ namePrefix: 'lee' }, 10)).toEqual([]);
      expect(await store.people.match({ namePrefix: 'poe' }, 10)).toEqual([{ alias: 'ann', kind: 'name' }]);
      expect(await store.people.match({ namePrefix: 'annab' }, 10)).toEqual([{ alias: 'ann', kind: 'name' }]);
    });

    test('remove takes every term out; removing twice is harmless', async () => {
      await store.people.put({ alias: 'ann', firstName: 'Annabel', lastName: 'Lee' });
      await store.people.remove('ann');
      await store.people.remove('ann');
      await store.people.remove('never_indexed');
      await expect.poll(() => store.people.match({ aliasPrefix: 'ann', namePrefix: 'lee' }, 10)).toEqual([]);
    });

    test('match reads at most limit accounts of each kind, in term order', async () => {
      const names = aliases(7, 'pal');
      await store.people.putMany(names.map((alias) => ({ alias, firstName: 'Pal', lastName: alias })));
      await expect.poll(async () => (await store.people.match({ aliasPrefix: 'pal' }, 100)).length).toBe(7);
      const hits = await store.people.match({ aliasPrefix: 'pal', namePrefix: 'pal' }, 3);
      expect(hits.filter((h) => h.kind === 'alias').map((h) => h.alias)).toEqual(names.slice(0, 3));
      expect(hits.filter((h) => h.kind === 'name')).toHaveLength(3);
    });

    test('candidates are the hits with the account as it is now: names, follower count; no account, no hit', async () => {
      await store.users.createMany([
        user('zoe_q', { firstName: 'Zoë', lastName: 'Quinn', followerCount: 7 }),
        user('zed', { firstName: 'Zed', lastName: 'Zoeller', followerCount: 2 }),
      ]);
      await store.people.putMany([
        { alias: 'zoe_q', firstName: 'Zoë', lastName: 'Quinn' },
        { alias: 'zed', firstName: 'Zed', lastName: 'Zoeller' },
        // Indexed, but its account is not there (deleted before its index.user job ran): never a candidate.
        { alias: 'zoe_gone', firstName: 'Zoe', lastName: 'Gone' },
      ]);
      await expect.poll(async () => (await store.people.match({ namePrefix: 'zo' }, 10)).length).toBe(3);
      const found = await store.people.candidates({ aliasPrefix: 'zo', namePrefix: 'zo' }, 10);
      expect([...found].sort((a, b) => `${a.kind} ${a.alias}`.localeCompare(`${b.kind} ${b.alias}`))).toEqual([
        { alias: 'zoe_q', kind: 'alias', firstName: 'Zoë', lastName: 'Quinn', followerCount: 7 },
        { alias: 'zed', kind: 'name', firstName: 'Zed', lastName: 'Zoeller', followerCount: 2 },
        { alias: 'zoe_q', kind: 'name', firstName: 'Zoë', lastName: 'Quinn', followerCount: 7 },
      ]);
      // At most `limit` accounts of each kind, in term order, as match reads them.
      const one = await store.people.candidates({ aliasPrefix: 'z', namePrefix: 'z' }, 1);
      expect(one.map((c) => `${c.kind} ${c.alias}`)).toEqual(['alias zed', 'name zed']);
    });

    test('popular lists the accounts followed by most, most first', async () => {
      const fans = aliases(12, 'fan');
      await store.users.createMany([user('star'), user('mid'), ...fans.map((a) => user(a))]);
      await store.follows.addMany(
        [
          ...fans.map((f) => ({ follower: f, followee: 'star' })),
          ...fans.slice(0, 10).map((f) => ({ follower: f, followee: 'mid' })),
        ],
        T0,
      );
      await expect.poll(async () => (await store.people.popular(2)).slice(0, 2)).toEqual(['star', 'mid']);
    });
  });
}
