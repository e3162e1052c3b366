import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/adapters/sqlite/database.js';
import { ReadySignal } from '../src/adapters/sqlite/jobs-table.js';
import { createSqliteStore } from '../src/adapters/sqlite/store.js';
import { Visibility } from '../src/domain/visibility.js';
import { systemClock } from '../src/ports/clock.js';
import type { RelationEdge, Store } from '../src/ports/store.js';
import { T0, user } from './contract/store-fixtures.js';

// The one visibility rule over a real SQLite store: each question, both directions of a block, a mute one way.

let dir: string;
let store: Store;
let visibility: Visibility;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tweeter-visibility-'));
  const db = openDatabase(join(dir, 'tweeter.db'));
  store = createSqliteStore(db, { clock: systemClock, signal: new ReadySignal() });
  visibility = new Visibility({ relations: store.relations });
  await store.users.createMany(['ann', 'bob', 'cat', 'dan', 'eve'].map((a) => user(a)));
  const edges: RelationEdge[] = [
    { owner: 'ann', kind: 'block', target: 'bob' }, // ann blocks bob
    { owner: 'cat', kind: 'block', target: 'ann' }, // cat blocks ann
    { owner: 'ann', kind: 'mute', target: 'dan' }, // ann mutes dan
    { owner: 'eve', kind: 'mute', target: 'ann' }, // eve mutes ann
  ];
  for (const edge of edges) await store.relations.add(edge, { createdAt: T0, max: 10 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('Visibility', () => {
  it('blocked: a block either way, never a mute, never oneself', async () => {
    expect(await visibility.blocked('ann', ['bob', 'cat', 'dan', 'eve', 'ann'])).toEqual(new Set(['bob', 'cat']));
    expect(await visibility.blocked('bob', ['ann', 'cat'])).toEqual(new Set(['ann']));
    expect(await visibility.isBlocked('cat', 'ann')).toBe(true);
    expect(await visibility.isBlocked('dan', 'ann')).toBe(false);
    expect(await visibility.blocked('ann', [])).toEqual(new Set());
  });

  it('feedHidden: blocks either way and my mutes, not who mutes me', async () => {
    expect(await visibility.feedHidden('ann', ['bob', 'cat', 'dan', 'eve'])).toEqual(new Set(['bob', 'cat', 'dan']));
    // eve mutes ann: ann's statuses leave eve's feed; dan sees ann as before (the muted are not affected).
    expect(await visibility.feedHidden('eve', ['ann'])).toEqual(new Set(['ann']));
    expect(await visibility.feedHidden('dan', ['ann'])).toEqual(new Set());
  });

  it('feedHiddenAndBlocked: feedHidden of the feed authors and blocked of the others, as the two questions give', async () => {
    // dan is muted: hidden as a feed author, shown as a quoted one; bob and cat are blocked either way.
    const both = await visibility.feedHiddenAndBlocked(
      'ann',
      ['dan', 'eve', 'ann'],
      ['bob', 'cat', 'dan', 'eve', 'ann'],
    );
    expect(both.feedHidden).toEqual(await visibility.feedHidden('ann', ['dan', 'eve', 'ann']));
    expect(both.feedHidden).toEqual(new Set(['dan']));
    expect(both.blocked).toEqual(await visibility.blocked('ann', ['bob', 'cat', 'dan', 'eve', 'ann']));
    expect(both.blocked).toEqual(new Set(['bob', 'cat']));
    expect(await visibility.feedHiddenAndBlocked('ann', ['bob'], [])).toEqual({
      feedHidden: new Set(['bob']),
      blocked: new Set(),
    });
    expect(await visibility.feedHiddenAndBlocked('ann', [], [])).toEqual({ feedHidden: new Set(), blocked: new Set() });
  });

  it('hiddenReaders and silencedMentions: the same rule from the author', async () => {
    expect(await visibility.hiddenReaders('ann', ['bob', 'cat', 'dan', 'eve'])).toEqual(new Set(['bob', 'cat', 'eve']));
    expect(await visibility.silencedMentions('dan', ['ann', 'eve'])).toEqual(new Set(['ann']));
  });

  it('muting: the pairs where the reader mutes the author', async () => {
    const pairs = [
      { reader: 'ann', author: 'dan' },
      { reader: 'dan', author: 'ann' },
      { reader: 'eve', author: 'ann' },
      { reader: 'ann', author: 'bob' }, // a block is not a mute
    ];
    expect(await visibility.muting(pairs)).toEqual(new Set(['ann dan', 'eve ann']));
  });
});
