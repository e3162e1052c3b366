import type { BoardRole, BoardVisibility } from '@tweeter/shared';
import { ConflictError, ForbiddenError } from './errors.js';

// Who may do what on a board (the permission table of docs/api.md, "Who may do what on a board"). Pure: callers pass the roles they read.

export type Role = BoardRole | null;

/** Public boards are readable by anyone signed in; private ones by their members only. */
export function canRead(visibility: BoardVisibility, role: Role): boolean {
  return visibility === 'public' || role !== null;
}

export function isModerator(role: Role): role is 'owner' | 'moderator' {
  return role === 'owner' || role === 'moderator';
}

export function assertCanRead(visibility: BoardVisibility, role: Role): void {
  if (!canRead(visibility, role)) throw new ForbiddenError('this board is private: only its members may see it');
}

/** Posting and reacting: members only, whatever the visibility. */
export function assertMember(visibility: BoardVisibility, role: Role): void {
  assertCanRead(visibility, role);
  if (role === null) throw new ForbiddenError('only members may do that: join the board first');
}

export interface MemberChange {
  visibility: BoardVisibility;
  actor: string;
  actorRole: Role;
  target: string;
  targetRole: Role;
}

/**
 * PUT member: the owner and moderators add members; only the owner grants or revokes moderator; anyone may
 * join a public board as a member; the owner's role never changes.
 */
export function assertMayPutMember(c: MemberChange, role: 'member' | 'moderator'): void {
  assertCanRead(c.visibility, c.actorRole);
  const self = c.actor === c.target;
  if (!self && !isModerator(c.actorRole)) throw new ForbiddenError('only the owner and moderators may add members');
  if (c.targetRole === 'owner') throw new ConflictError('conflict', 'the owner’s role cannot change');
  if ((role === 'moderator' || c.targetRole === 'moderator') && c.actorRole !== 'owner') {
    throw new ForbiddenError('only the owner may make or unmake moderators');
  }
  // Left: a self-join as member (public boards only, as a private one is unreadable to non-members).
}

/** DELETE member: oneself, or the owner/a moderator; only the owner removes a moderator; the owner stays. */
export function assertMayRemoveMember(c: MemberChange): void {
  assertCanRead(c.visibility, c.actorRole);
  const self = c.actor === c.target;
  if (!self && !isModerator(c.actorRole)) throw new ForbiddenError('only the owner and moderators may remove members');
  if (c.targetRole === 'owner') throw new ConflictError('conflict', 'the owner cannot leave or be removed');
  if (!self && c.targetRole === 'moderator' && c.actorRole !== 'owner') {
    throw new ForbiddenError('only the owner may remove a moderator');
  }
}

/** Deleting a message: its author, a moderator or the owner. */
export function assertMayDeleteMessage(visibility: BoardVisibility, role: Role, actor: string, author: string): void {
  assertCanRead(visibility, role);
  if (actor !== author && !isModerator(role)) {
    throw new ForbiddenError('only the author, a moderator or the owner may delete a message');
  }
}
