import { Member, MemberRemoved, type Board, type EventFrame } from '@tweeter/shared';
import type { Pages } from './pages.js';

/** A membership change heard on a board's channel: someone joined or got a new role, or someone left. */
export type MembershipChange = { kind: 'updated'; member: Member } | { kind: 'removed'; alias: string };

/** The change a `member.updated` or `member.removed` event carries; null for other events or malformed data. */
export function membershipChange(e: EventFrame): MembershipChange | null {
  if (e.type === 'member.updated') {
    const m = Member.safeParse(e.data);
    return m.success ? { kind: 'updated', member: m.data } : null;
  }
  if (e.type === 'member.removed') {
    const r = MemberRemoved.safeParse(e.data);
    return r.success ? { kind: 'removed', alias: r.data.alias } : null;
  }
  return null;
}

/** The alias a change is about. */
export function changedAlias(change: MembershipChange): string {
  return change.kind === 'updated' ? change.member.user.alias : change.alias;
}

/**
 * The member list (pages by alias, as the server sends them) with the change applied in place. A new member
 * goes where the alias order puts them; one that sorts after every held row is added only when the list is
 * complete, since the next page read brings them otherwise.
 */
export function applyToMembers(data: Pages<Member>, change: MembershipChange): Pages<Member> {
  const alias = changedAlias(change);
  const held = data.pages.some((p) => p.items.some((m) => m.user.alias === alias));
  if (change.kind === 'removed') {
    if (!held) return data;
    return { ...data, pages: data.pages.map((p) => ({ ...p, items: p.items.filter((m) => m.user.alias !== alias) })) };
  }
  const { member } = change;
  if (held) {
    const pages = data.pages.map((p) => ({
      ...p,
      items: p.items.map((m) => (m.user.alias === alias ? member : m)),
    }));
    return { ...data, pages };
  }
  const at = data.pages.findIndex((p) => p.items.some((m) => m.user.alias > alias));
  const last = data.pages.length - 1;
  const target = at >= 0 ? at : data.pages[last]?.nextCursor === null ? last : -1;
  if (target < 0) return data;
  const pages = data.pages.map((p, i) => {
    if (i !== target) return p;
    const before = p.items.filter((m) => m.user.alias < alias);
    const after = p.items.filter((m) => m.user.alias > alias);
    return { ...p, items: [...before, member, ...after] };
  });
  return { ...data, pages };
}

/**
 * The board with a change about `me` applied: my role (null once removed) and, when I was removed, one member
 * fewer. Changes about others leave it as is (their count comes from the server: it alone knows whether the
 * change added someone).
 */
export function applyToBoard(board: Board, change: MembershipChange, me: string): Board {
  if (changedAlias(change) !== me) return board;
  if (change.kind === 'updated') return { ...board, myRole: change.member.role };
  if (board.myRole === null) return board;
  return { ...board, myRole: null, memberCount: Math.max(0, board.memberCount - 1) };
}
