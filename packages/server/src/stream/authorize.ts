import { NotFoundError } from '../domain/errors.js';

/** Resolves if `viewer` may subscribe to `channel`; throws an AppError (not_found, forbidden) if not. */
export type ChannelAuthorizer = (viewer: string, channel: string) => Promise<void>;

/** The one board rule the stream needs (the board service provides it). */
export interface BoardReadCheck {
  /** Throws NotFoundError for an unknown board, ForbiddenError for a private board the viewer can't read. */
  assertCanRead(viewer: string, boardId: string): Promise<void>;
}

const BOARD_PREFIX = 'board:';

/**
 * `feed` and `notifications` are always one's own; `board:<id>` asks the board service, found structurally on `services` so the
 * stream works whether or not a board service is wired (without one, every board channel is not_found).
 */
export function createChannelAuthorizer(services: object): ChannelAuthorizer {
  return async (viewer, channel) => {
    if (channel === 'feed' || channel === 'notifications') return;
    const boards = (services as { boards?: unknown }).boards;
    if (channel.startsWith(BOARD_PREFIX) && isBoardReadCheck(boards)) {
      return boards.assertCanRead(viewer, channel.slice(BOARD_PREFIX.length));
    }
    throw new NotFoundError(`no channel ${channel}`);
  };
}

function isBoardReadCheck(value: unknown): value is BoardReadCheck {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'assertCanRead') === 'function';
}
