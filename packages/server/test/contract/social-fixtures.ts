import type { TestContext } from 'vitest';
import type {
  AuditRecord,
  BoardRecord,
  CommentRecord,
  MemberRecord,
  MessageDraft,
  Store,
} from '../../src/ports/store.js';

/** What runStoreContract hands the social part of the contract. */
export interface SocialContractHooks {
  /** Defines a test (honouring the adapter's skip list). */
  test: (title: string, fn: (ctx: TestContext) => Promise<void>) => void;
  /** The fresh store of the running test. */
  store: () => Store;
}

export const T0 = 1_700_000_000_000;

// Ids sort by their number, as ULIDs sort by time.
export const bid = (n: number): string => `01B${String(n).padStart(8, '0')}`;
export const cid = (n: number): string => `01C${String(n).padStart(8, '0')}`;
export const aid = (n: number): string => `01A${String(n).padStart(8, '0')}`;

export function board(n: number, overrides: Partial<BoardRecord> = {}): BoardRecord {
  return {
    id: bid(n),
    name: `board ${n}`,
    description: '',
    visibility: 'public',
    owner: 'ann',
    memberCount: 1,
    retentionDays: null,
    createdAt: T0 + n,
    ...overrides,
  };
}

export function member(
  n: number,
  alias: string,
  role: 'member' | 'moderator' = 'member',
): MemberRecord & {
  role: 'member' | 'moderator';
} {
  return { boardId: bid(n), alias, role, joinedAt: T0 };
}

/** Message n before the store gives it an id. */
export function message(n: number, boardN = 1, overrides: Partial<MessageDraft> = {}): MessageDraft {
  return {
    boardId: bid(boardN),
    author: 'ann',
    topic: n % 2 === 0 ? 'even' : null,
    text: `message ${n}`,
    createdAt: T0 + n,
    deleted: false,
    ...overrides,
  };
}

/** Writes statuses with these ids (reactions and comments need their status to exist). */
export async function statuses(store: Store, ...ids: string[]): Promise<void> {
  for (const [i, id] of ids.entries()) {
    await store.statuses.create({ id, author: 'ann', post: id, segments: [], createdAt: T0 + i }, { audience: 0 });
  }
}

export function comment(n: number, statusId = 'S1', author = 'bob'): CommentRecord {
  return { id: cid(n), statusId, author, text: `comment ${n}`, createdAt: T0 + n, deleted: false };
}

export function audit(n: number, scope = `board:${bid(1)}`, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    scope,
    id: aid(n),
    actor: 'ann',
    action: 'member.add',
    target: 'bob',
    detail: { role: 'member' },
    createdAt: T0 + n,
    ...overrides,
  };
}

export const range = (from: number, to: number, id: (n: number) => string): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => id(from + i));

/** The Store contract for boards, members, messages, reactions, comments and the audit log. */
