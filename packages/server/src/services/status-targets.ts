import { parseSegments } from '@tweeter/shared';
import { NotFoundError, StatusDeletedError } from '../domain/errors.js';
import type { Visibility } from '../domain/visibility.js';
import type { CommentRecord, CommentRepo, StatusRecord, StatusRepo } from '../ports/store.js';

/**
 * Finds the status a reply answers or a quote quotes, as the viewer may see it; and migrates, when first read, a
 * comment made before replies were statuses (DynamoDB: no migration step rewrites the table; SQLite's migration 13
 * already did it, so there this finds nothing to do).
 */
export class StatusTargets {
  constructor(
    private readonly deps: {
      statuses: StatusRepo;
      comments: CommentRepo;
      visibility: Pick<Visibility, 'isBlocked'>;
    },
  ) {}

  /**
   * The status `id` if it exists and `viewer` may see it (a block either way: not found). Deleted: 404
   * status_deleted. A legacy comment with this id is migrated first.
   */
  async visible(viewer: string, id: string): Promise<StatusRecord> {
    const status = (await this.deps.statuses.get(id)) ?? (await this.adoptComment(id));
    if (!status) {
      const edge = await this.deps.comments.get(id);
      if (edge?.deleted === true || (await this.deps.statuses.wasDeleted(id))) {
        throw new StatusDeletedError(`status ${id} was deleted`);
      }
      throw new NotFoundError(`no status ${id}`);
    }
    if (await this.deps.visibility.isBlocked(viewer, status.author)) throw new NotFoundError(`no status ${id}`);
    return status;
  }

  /** The status of a comment written before replies were statuses, written now (once), or null if there is none. */
  async adoptComment(id: string, known?: CommentRecord): Promise<StatusRecord | null> {
    const comment = known ?? (await this.deps.comments.get(id));
    if (!comment || comment.deleted) return null;
    // A reply deleted while its thread record was not yet marked: it stays deleted.
    if (await this.deps.statuses.wasDeleted(id)) return null;
    const parent = await this.deps.statuses.get(comment.statusId);
    const record: StatusRecord = {
      id: comment.id,
      author: comment.author,
      post: comment.text,
      segments: parseSegments(comment.text),
      createdAt: comment.createdAt,
      inReplyToId: comment.statusId,
      ...(parent ? { inReplyToAuthor: parent.author } : {}),
    };
    await this.deps.statuses.adopt(record);
    return this.deps.statuses.get(id);
  }
}
