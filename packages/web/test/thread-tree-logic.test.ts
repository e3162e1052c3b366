import type { Status } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { goneText, treeRows } from '../src/logic/thread-tree.js';
import { status } from './support.js';

const reply = (id: string, parent: string): Status => ({
  ...status(id, `text of ${id}`),
  inReplyTo: { id: parent, author: { alias: 'ada', firstName: 'Ada', lastName: 'L', imageUrl: null } },
});

describe('thread tree', () => {
  it('gives each descendant its depth below the status the thread is read from', () => {
    const rows = treeRows('R', [
      reply('a', 'R'),
      reply('a1', 'a'),
      reply('a1x', 'a1'),
      reply('a2', 'a'),
      reply('b', 'R'),
    ]);
    expect(rows.map((r) => [r.status.id, r.depth])).toEqual([
      ['a', 1],
      ['a1', 2],
      ['a1x', 3],
      ['a2', 2],
      ['b', 1],
    ]);
  });

  it('takes a reply whose parent is not listed as a direct reply', () => {
    expect(treeRows('R', [reply('x', 'elsewhere')]).map((r) => r.depth)).toEqual([1]);
  });

  it('says a gone status is unavailable', () => {
    expect(goneText({ deleted: true })).toBe('This status is unavailable.');
    expect(goneText({ deleted: false })).toBe('');
  });
});
