import type { Board, EventFrame, Member, User } from '@tweeter/shared';
import { describe, expect, it } from 'vitest';
import { applyToBoard, applyToMembers, membershipChange, type MembershipChange } from '../src/logic/board-members.js';
import type { Pages } from '../src/logic/pages.js';
import { ADA } from './support.js';

// How the board page applies the live `member.updated` and `member.removed` events to what it holds.
const user = (alias: string): User => ({ alias, firstName: alias, lastName: 'X', imageUrl: null });
const member = (alias: string, role: Member['role'] = 'member'): Member => ({ user: user(alias), role });
const list = (...pages: { aliases: string[]; next: string | null }[]): Pages<Member> => ({
  pages: pages.map((p) => ({ items: p.aliases.map((a) => member(a)), nextCursor: p.next })),
  pageParams: pages.map(() => null),
});
const aliases = (data: Pages<Member>) => data.pages.map((p) => p.items.map((m) => m.user.alias));
const updated = (alias: string, role: Member['role'] = 'member'): MembershipChange => ({
  kind: 'updated',
  member: member(alias, role),
});
const removed = (alias: string): MembershipChange => ({ kind: 'removed', alias });
const event = (type: string, data: unknown) => ({ type, channel: 'board:b1', data }) as EventFrame;

const board: Board = {
  id: 'b1',
  name: 'Design',
  description: '',
  visibility: 'private',
  owner: ADA,
  memberCount: 3,
  myRole: 'member',
  retentionDays: null,
  createdAt: '2026-11-30T04:00:00.000Z',
};

describe('reading membership events', () => {
  it('reads member.updated and member.removed, and nothing else', () => {
    expect(membershipChange(event('member.updated', member('bob', 'moderator')))).toEqual(updated('bob', 'moderator'));
    expect(membershipChange(event('member.removed', { alias: 'bob' }))).toEqual(removed('bob'));
    expect(membershipChange(event('message.created', { id: 'm1' }))).toBeNull();
  });

  it('ignores malformed data rather than corrupting the list', () => {
    expect(membershipChange(event('member.updated', { alias: 'bob' }))).toBeNull();
    expect(membershipChange(event('member.updated', { ...member('bob'), role: 'admin' }))).toBeNull();
    expect(membershipChange(event('member.removed', {}))).toBeNull();
  });
});

describe('the member list', () => {
  it('changes a held member in place', () => {
    const held = list({ aliases: ['ada', 'bob', 'cyd'], next: null });
    const next = applyToMembers(held, updated('bob', 'moderator'));
    expect(aliases(next)).toEqual([['ada', 'bob', 'cyd']]);
    expect(next.pages[0]?.items[1]?.role).toBe('moderator');
    expect(held.pages[0]?.items[1]?.role).toBe('member'); // the cache's old value is left alone
  });

  it('puts a new member where the alias order puts them, in the page that covers it', () => {
    const held = list({ aliases: ['ada', 'cyd'], next: 'cyd' }, { aliases: ['eve', 'gus'], next: null });
    expect(aliases(applyToMembers(held, updated('bob')))).toEqual([
      ['ada', 'bob', 'cyd'],
      ['eve', 'gus'],
    ]);
    expect(aliases(applyToMembers(held, updated('dan')))).toEqual([
      ['ada', 'cyd'],
      ['dan', 'eve', 'gus'],
    ]);
    expect(aliases(applyToMembers(held, updated('zed')))).toEqual([
      ['ada', 'cyd'],
      ['eve', 'gus', 'zed'],
    ]);
  });

  it('leaves a new member past the last page held to the next page read', () => {
    const held = list({ aliases: ['ada', 'cyd'], next: 'cyd' });
    expect(applyToMembers(held, updated('zed'))).toBe(held);
    expect(aliases(applyToMembers(list({ aliases: [], next: null }), updated('bob')))).toEqual([['bob']]);
  });

  it('takes out a removed member, and ignores one it does not hold', () => {
    const held = list({ aliases: ['ada', 'bob'], next: 'bob' }, { aliases: ['cyd'], next: null });
    expect(aliases(applyToMembers(held, removed('bob')))).toEqual([['ada'], ['cyd']]);
    expect(applyToMembers(held, removed('zed'))).toBe(held);
  });

  it('is idempotent: a join heard twice lists the member once', () => {
    const once = applyToMembers(list({ aliases: ['ada'], next: null }), updated('bob'));
    expect(aliases(applyToMembers(once, updated('bob')))).toEqual([['ada', 'bob']]);
  });
});

describe('the board', () => {
  it('takes my role from a change about me, and drops it (and me from the count) when I am removed', () => {
    expect(applyToBoard(board, updated('me', 'moderator'), 'me')).toMatchObject({
      myRole: 'moderator',
      memberCount: 3,
    });
    expect(applyToBoard(board, removed('me'), 'me')).toMatchObject({ myRole: null, memberCount: 2 });
    const gone = applyToBoard(board, removed('me'), 'me');
    expect(applyToBoard(gone, removed('me'), 'me')).toBe(gone); // heard twice: counted once
  });

  it('leaves the board alone for changes about others', () => {
    expect(applyToBoard(board, updated('bob', 'moderator'), 'me')).toBe(board);
    expect(applyToBoard(board, removed('bob'), 'me')).toBe(board);
  });
});
