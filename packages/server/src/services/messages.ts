import type { Message, MessagesQuery, Page, PostMessageRequest } from '@tweeter/shared';
import * as policy from '../domain/board-policy.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { retentionFloor } from '../domain/retention.js';
import type { Clock } from '../ports/clock.js';
import type { Realtime } from '../ports/realtime.js';
import type { BoardRecord, MessageRecord, MessageRepo, UserRepo } from '../ports/store.js';
import type { BoardAccess, BoardService } from './boards.js';
import type { UserPresenter } from './user-presenter.js';
import type { ReactionReader } from './reaction-reader.js';
import type { WriteLimits } from './write-limits.js';

/** A board's one timeline: posting, reading (paging back and polling forward) and soft-deleting messages. */
export class MessageService {
  constructor(
    private readonly deps: {
      boards: BoardService;
      messages: MessageRepo;
      users: UserRepo;
      reactions: ReactionReader;
      userPresenter: UserPresenter;
      realtime: Realtime;
      clock: Clock;
      writeLimits: WriteLimits;
    },
  ) {}

  /** Posts a message (members only) and pushes `message.created` to the board's live subscribers. */
  async post(viewer: string, boardId: string, request: PostMessageRequest): Promise<Message> {
    const { board, role } = await this.deps.boards.access(viewer, boardId);
    policy.assertMember(board.visibility, role);
    this.deps.writeLimits.take(viewer, 'message');
    // The store assigns the id (after every id of the board already written), so a poller that passes the
    // newest id it holds as ?after= never misses a message, even with several processes writing at once.
    const record = await this.deps.messages.create({
      boardId,
      author: viewer,
      topic: request.topic ?? null,
      text: request.text,
      createdAt: this.deps.clock.now(),
      deleted: false,
    });
    const [message] = await this.present([record], null);
    if (!message) throw new NotFoundError(`no user @${viewer}`);
    this.deps.realtime.toChannel({ type: 'message.created', channel: channelOf(boardId), data: message });
    return message;
  }

  /**
   * Newest first (older pages with `before`, the previous page's nextCursor), or with `after` only messages
   * newer than that one, oldest first; then nextCursor is where to poll from next and is never null.
   */
  async list(viewer: string, boardId: string, query: MessagesQuery): Promise<Page<Message>> {
    const { board } = await this.deps.boards.readable(viewer, boardId);
    const given = (['before', 'after', 'cursor'] as const).filter((k) => query[k] !== undefined);
    if (given.length > 1) {
      throw new ValidationError(`query: give at most one of ${given.join(', ')}`, [
        { path: `query.${given[1] ?? ''}`, message: 'before, after and cursor exclude each other' },
      ]);
    }
    const since = retentionFloor(board.retentionDays, this.deps.clock.now());
    const { messages } = this.deps;
    if (query.after !== undefined) {
      const rows = await messages.page(boardId, { order: 'asc', after: query.after, since, limit: query.limit });
      return { items: await this.present(rows, viewer), nextCursor: rows.at(-1)?.id ?? query.after };
    }
    const before = query.before ?? query.cursor;
    const rows = await messages.page(boardId, { order: 'desc', before, since, limit: query.limit + 1 });
    const more = rows.length > query.limit;
    const page = more ? rows.slice(0, query.limit) : rows;
    return { items: await this.present(page, viewer), nextCursor: more ? (page.at(-1)?.id ?? null) : null };
  }

  /** Soft-deletes a message (author, moderator or owner), leaving a placeholder; others' messages are audited. */
  async delete(viewer: string, boardId: string, messageId: string): Promise<void> {
    const access = await this.deps.boards.readable(viewer, boardId);
    const message = await this.visible(access.board, messageId);
    policy.assertMayDeleteMessage(access.board.visibility, access.role, viewer, message.author);
    const audit =
      viewer === message.author
        ? undefined
        : this.deps.boards.auditEntry(boardId, viewer, 'message.delete', messageId, { author: message.author });
    const result = await this.deps.messages.softDelete(boardId, messageId, { audit });
    if (!result?.changed) return; // deleted already (or just now, by someone else): nothing new to tell
    const [placeholder] = await this.present([result.message], null);
    if (placeholder) {
      this.deps.realtime.toChannel({ type: 'message.deleted', channel: channelOf(boardId), data: placeholder });
    }
  }

  /** The board and message a viewer wants to react to: members only, on a message still shown. */
  async reactable(
    viewer: string,
    boardId: string,
    messageId: string,
  ): Promise<BoardAccess & { message: MessageRecord }> {
    const access = await this.deps.boards.access(viewer, boardId);
    policy.assertMember(access.board.visibility, access.role);
    return { ...access, message: await this.visible(access.board, messageId) };
  }

  /** A message of the board that reads still show (not past retention); NotFoundError otherwise. */
  private async visible(board: BoardRecord, messageId: string): Promise<MessageRecord> {
    const message = await this.deps.messages.get(board.id, messageId);
    const since = retentionFloor(board.retentionDays, this.deps.clock.now());
    if (!message || (since !== undefined && message.id < since)) {
      throw new NotFoundError(`no message ${messageId} on board ${board.id}`);
    }
    return message;
  }

  private async present(records: readonly MessageRecord[], viewer: string | null): Promise<Message[]> {
    const ids = records.map((m) => m.id);
    const [authors, reactions] = await Promise.all([
      this.deps.users.getMany([...new Set(records.map((m) => m.author))]),
      this.deps.reactions.read('message', ids, viewer),
    ]);
    return records.flatMap((m) => {
      const author = authors.get(m.author);
      if (!author) return [];
      return [
        {
          id: m.id,
          boardId: m.boardId,
          author: this.deps.userPresenter.user(author),
          topic: m.topic,
          text: m.text,
          createdAt: new Date(m.createdAt).toISOString(),
          reactions: reactions.get(m.id) ?? { like: 0, heart: 0, mine: [] },
          deleted: m.deleted,
        },
      ];
    });
  }
}

/** The live channel of a board. */
export function channelOf(boardId: string): string {
  return `board:${boardId}`;
}
