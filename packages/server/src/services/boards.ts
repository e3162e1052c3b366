import type {
  AuditEntry,
  Board,
  CreateBoardRequest,
  Member,
  Page,
  PageQuery,
  UpdateBoardRequest,
  User,
} from '@tweeter/shared';
import * as policy from '../domain/board-policy.js';
import { decodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import type { Visibility } from '../domain/visibility.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { AuditRecord, AuditRepo, BoardRecord, BoardRepo, MemberRepo, UserRepo } from '../ports/store.js';
import { channelOf } from './messages.js';
import type { UserPresenter } from './user-presenter.js';
import type { NotifyEvents } from './notify-events.js';

/** A board as one viewer sees it: the record and the viewer's role (null: not a member). */
export interface BoardAccess {
  board: BoardRecord;
  role: policy.Role;
}

/** Boards, their members and their audit log. */
export class BoardService {
  constructor(
    private readonly deps: {
      boards: BoardRepo;
      members: MemberRepo;
      audit: AuditRepo;
      users: UserRepo;
      userPresenter: UserPresenter;
      clock: Clock;
      realtime: Pick<Realtime, 'revoke' | 'toChannel'>;
      visibility: Pick<Visibility, 'isBlocked'>;
      notify: NotifyEvents;
    },
  ) {}

  /** Creates a board owned by the viewer (its first member). */
  async create(viewer: string, request: CreateBoardRequest): Promise<Board> {
    const now = this.deps.clock.now();
    const board: BoardRecord = {
      id: newId(now),
      name: request.name,
      description: request.description ?? '',
      visibility: request.visibility,
      owner: viewer,
      memberCount: 1,
      retentionDays: request.retentionDays ?? null,
      createdAt: now,
    };
    await this.deps.boards.create(board);
    return this.present(board, 'owner');
  }

  /** Boards the viewer can see (public ones and those they are a member of), newest first. */
  async list(viewer: string, query: PageQuery): Promise<Page<Board>> {
    const before = decodeCursor(query.cursor, KeyCursor)?.k;
    // Two newest-first key ranges merged: the first `limit` of their union lie within the first limit + 1 of each.
    const range = { before, limit: query.limit + 1 };
    const [publicBoards, mine] = await Promise.all([
      this.deps.boards.publicBoards(range),
      this.deps.members.boardsOf(viewer, range),
    ]);
    const known = new Map(publicBoards.map((b) => [b.id, b]));
    const missing = mine.filter((id) => !known.has(id));
    for (const [id, b] of await this.deps.boards.getMany(missing)) known.set(id, b);
    const ids = [...new Set([...publicBoards.map((b) => b.id), ...mine])].sort().reverse();
    const page = keysetPage(ids, query.limit, (id) => id);
    const boards = page.rows.flatMap((id) => known.get(id) ?? []);
    const roles = await this.deps.members.rolesOf(viewer, page.rows);
    return { items: await this.presentMany(boards, roles), nextCursor: page.nextCursor };
  }

  /** One board, if the viewer may see it. */
  async get(viewer: string, boardId: string): Promise<Board> {
    const { board, role } = await this.readable(viewer, boardId);
    return this.present(board, role);
  }

  /** Renames, re-describes or changes the retention of a board: the owner only. Retention changes are audited. */
  async update(viewer: string, boardId: string, request: UpdateBoardRequest): Promise<Board> {
    const { board, role } = await this.readable(viewer, boardId);
    if (role !== 'owner') throw new ForbiddenError('only the owner may change a board');
    const retention = request.retentionDays;
    const audit =
      retention !== undefined && retention !== board.retentionDays
        ? this.auditEntry(boardId, viewer, 'board.retention', boardId, { from: board.retentionDays, to: retention })
        : undefined;
    const before = await this.deps.boards.update(boardId, request, { audit });
    if (!before) throw new NotFoundError(`no board ${boardId}`);
    return this.get(viewer, boardId);
  }

  /** The board's members by alias, if the viewer may see the board. */
  async members(viewer: string, boardId: string, query: PageQuery): Promise<Page<Member>> {
    await this.readable(viewer, boardId);
    const after = decodeCursor(query.cursor, KeyCursor)?.k;
    const rows = await this.deps.members.list(boardId, { after, limit: query.limit + 1 });
    const page = keysetPage(rows, query.limit, (m) => m.alias);
    const users = await this.users(page.rows.map((m) => m.alias));
    const items = page.rows.flatMap((m) => {
      const user = users.get(m.alias);
      return user ? [{ user, role: m.role }] : [];
    });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * Adds a member or changes their role (see board-policy); changes made to others are audited. A change that
   * wrote something is pushed to the board's live subscribers as `member.updated`.
   */
  async putMember(viewer: string, boardId: string, alias: string, role: 'member' | 'moderator'): Promise<Member> {
    const change = await this.memberChange(viewer, boardId, alias);
    policy.assertMayPutMember(change, role);
    // Nobody adds someone they block or who blocks them (the same answer either way: it tells no more than blocksMe).
    if (viewer !== alias && (await this.deps.visibility.isBlocked(viewer, alias))) {
      throw new ForbiddenError(`you cannot add @${alias} to a board`);
    }
    const audit =
      viewer === alias
        ? undefined
        : change.targetRole === null
          ? this.auditEntry(boardId, viewer, 'member.add', alias, { role })
          : this.auditEntry(boardId, viewer, 'member.role', alias, { from: change.targetRole, to: role });
    const joinedAt = this.deps.clock.now();
    // "added you to board" goes in the addition's outbox: queued if and only if the member was added.
    const outboxIfAdded = this.deps.notify.jobs([
      { type: 'board.added', actorId: viewer, recipientId: alias, boardId },
    ]);
    const { changed } = await this.deps.members.put({ boardId, alias, role, joinedAt }, { audit, outboxIfAdded });
    const member = await this.deps.members.get(boardId, alias);
    const [user] = (await this.users([alias])).values();
    if (!member || !user) throw new NotFoundError(`no board ${boardId}`);
    const result: Member = { user, role: member.role };
    if (changed) this.deps.realtime.toChannel({ type: 'member.updated', channel: channelOf(boardId), data: result });
    return result;
  }

  /**
   * Removes a member, or the viewer leaves (see board-policy); removals of others are audited. Idempotent.
   * A removal that wrote something is pushed to the board's live subscribers as `member.removed`.
   */
  async removeMember(viewer: string, boardId: string, alias: string): Promise<void> {
    const change = await this.memberChange(viewer, boardId, alias);
    policy.assertMayRemoveMember(change);
    if (change.targetRole === null) return;
    const audit =
      viewer === alias
        ? undefined
        : this.auditEntry(boardId, viewer, 'member.remove', alias, { role: change.targetRole });
    if (!(await this.deps.members.remove(boardId, alias, { audit }))) return;
    // "added you to board" is taken back with the membership.
    await this.deps.notify.boardLeft(alias, boardId);
    const channel = channelOf(boardId);
    // Pushed before the revocation below, so the removed member's own connections hear it while still subscribed.
    this.deps.realtime.toChannel({ type: 'member.removed', channel, data: { alias } });
    // Subscriptions were authorized when made: on a private board, a removed member must stop hearing it now.
    if (change.visibility === 'private') this.deps.realtime.revoke(alias, channel);
  }

  /** The board's audit log, newest first: the owner only. */
  async audit(viewer: string, boardId: string, query: PageQuery): Promise<Page<AuditEntry>> {
    const { role } = await this.readable(viewer, boardId);
    if (role !== 'owner') throw new ForbiddenError('only the owner may read the audit log');
    const before = decodeCursor(query.cursor, KeyCursor)?.k;
    const rows = await this.deps.audit.list(boardScope(boardId), { before, limit: query.limit + 1 });
    const page = keysetPage(rows, query.limit, (e) => e.id);
    const actors = await this.users(page.rows.map((e) => e.actor));
    const items = page.rows.flatMap((e) => {
      const actor = actors.get(e.actor);
      if (!actor) return [];
      const { id, action, target, detail, createdAt } = e;
      return [{ id, actor, action, target, detail, createdAt: new Date(createdAt).toISOString() }];
    });
    return { items, nextCursor: page.nextCursor };
  }

  /** Throws NotFoundError for an unknown board and ForbiddenError for a private board the viewer is not in. */
  async assertCanRead(viewer: string, boardId: string): Promise<void> {
    await this.readable(viewer, boardId);
  }

  /** The board and the viewer's role on it; NotFoundError for an unknown board. */
  async access(viewer: string, boardId: string): Promise<BoardAccess> {
    const [board, member] = await Promise.all([this.deps.boards.get(boardId), this.deps.members.get(boardId, viewer)]);
    if (!board) throw new NotFoundError(`no board ${boardId}`);
    return { board, role: member?.role ?? null };
  }

  /** Like access, and ForbiddenError when the viewer may not read the board. */
  async readable(viewer: string, boardId: string): Promise<BoardAccess> {
    const access = await this.access(viewer, boardId);
    policy.assertCanRead(access.board.visibility, access.role);
    return access;
  }

  /** An audit entry for an action on this board, stamped now. */
  auditEntry(
    boardId: string,
    actor: string,
    action: AuditRecord['action'],
    target: string,
    detail: AuditRecord['detail'],
  ): AuditRecord {
    const now = this.deps.clock.now();
    return { scope: boardScope(boardId), id: newId(now), actor, action, target, detail, createdAt: now };
  }

  private async memberChange(viewer: string, boardId: string, alias: string): Promise<policy.MemberChange> {
    const [{ board, role }, target, user] = await Promise.all([
      this.access(viewer, boardId),
      this.deps.members.get(boardId, alias),
      this.deps.users.get(alias),
    ]);
    // An unknown user on a board the viewer cannot read is still a 403: it says nothing about the board.
    policy.assertCanRead(board.visibility, role);
    if (!user) throw new NotFoundError(`no user @${alias}`);
    return {
      visibility: board.visibility,
      actor: viewer,
      actorRole: role,
      target: alias,
      targetRole: target?.role ?? null,
    };
  }

  private async present(board: BoardRecord, role: policy.Role): Promise<Board> {
    const [item] = await this.presentMany([board], new Map(role ? [[board.id, role]] : []));
    if (!item) throw new NotFoundError(`no board ${board.id}`);
    return item;
  }

  private async presentMany(boards: readonly BoardRecord[], roles: Map<string, policy.Role>): Promise<Board[]> {
    const owners = await this.users(boards.map((b) => b.owner));
    return boards.flatMap((b) => {
      const owner = owners.get(b.owner);
      if (!owner) return [];
      const { id, name, description, visibility, memberCount, retentionDays } = b;
      const myRole = roles.get(id) ?? null;
      const createdAt = new Date(b.createdAt).toISOString();
      return [{ id, name, description, visibility, owner, memberCount, myRole, retentionDays, createdAt }];
    });
  }

  private async users(aliases: readonly string[]): Promise<Map<string, User>> {
    const records = await this.deps.users.getMany([...new Set(aliases)]);
    return new Map([...records].map(([alias, u]) => [alias, this.deps.userPresenter.user(u)]));
  }
}

/** The audit scope of a board. */
export function boardScope(boardId: string): string {
  return `board:${boardId}`;
}
