import type { Comment, Page, PageQuery } from '@tweeter/shared';
import { decodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { AuditRecord, CommentRecord, CommentRepo, StatusRepo, UserRepo } from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';
import type { Visibility } from '../domain/visibility.js';
import type { WriteLimits } from './write-limits.js';

/** Comments on statuses: posting, reading oldest first, soft-deleting. */
export class CommentService {
  constructor(
    private readonly deps: {
      comments: CommentRepo;
      statuses: StatusRepo;
      users: UserRepo;
      userPresenter: UserPresenter;
      clock: Clock;
      writeLimits: WriteLimits;
      visibility: Pick<Visibility, 'isBlocked' | 'blocked'>;
    },
  ) {}

  /** Comments on a status; its commentCount goes up in the same write. */
  async post(viewer: string, statusId: string, text: string): Promise<Comment> {
    await this.status(viewer, statusId);
    this.deps.writeLimits.take(viewer, 'comment');
    const now = this.deps.clock.now();
    const record: CommentRecord = { id: newId(now), statusId, author: viewer, text, createdAt: now, deleted: false };
    // The store writes it only while the status exists: a delete landing meanwhile leaves no orphan behind.
    if (!(await this.deps.comments.create(record))) throw new NotFoundError(`no status ${statusId}`);
    const [comment] = await this.present([record]);
    if (!comment) throw new NotFoundError(`no user @${viewer}`);
    return comment;
  }

  /**
   * A status's comments, oldest first; deleted ones keep their place with their text emptied. Comments by accounts
   * with a block either way with the viewer are left out (the cursor moves over them: a page may list fewer).
   */
  async list(viewer: string, statusId: string, query: PageQuery): Promise<Page<Comment>> {
    await this.status(viewer, statusId);
    const after = decodeCursor(query.cursor, KeyCursor)?.k;
    const rows = await this.deps.comments.list(statusId, { after, limit: query.limit + 1 });
    const page = keysetPage(rows, query.limit, (c) => c.id);
    const hidden = await this.deps.visibility.blocked(
      viewer,
      page.rows.map((c) => c.author),
    );
    const shown = hidden.size === 0 ? page.rows : page.rows.filter((c) => !hidden.has(c.author));
    return { items: await this.present(shown), nextCursor: page.nextCursor };
  }

  /** Soft-deletes a comment: its author or the status's author (audited when it is not their own). Idempotent. */
  async delete(viewer: string, commentId: string): Promise<void> {
    const comment = await this.deps.comments.get(commentId);
    if (!comment) throw new NotFoundError(`no comment ${commentId}`);
    const status = await this.deps.statuses.get(comment.statusId);
    if (viewer !== comment.author && viewer !== status?.author) {
      throw new ForbiddenError('only the comment’s author or the status’s author may delete a comment');
    }
    const now = this.deps.clock.now();
    const audit: AuditRecord | undefined =
      viewer === comment.author
        ? undefined
        : {
            scope: `status:${comment.statusId}`,
            id: newId(now),
            actor: viewer,
            action: 'comment.delete',
            target: commentId,
            detail: { author: comment.author },
            createdAt: now,
          };
    await this.deps.comments.softDelete(commentId, { audit });
  }

  /** The status must exist and not be across a block from the viewer (then it is answered as not there). */
  private async status(viewer: string, statusId: string): Promise<void> {
    const status = await this.deps.statuses.get(statusId);
    if (!status || (await this.deps.visibility.isBlocked(viewer, status.author))) {
      throw new NotFoundError(`no status ${statusId}`);
    }
  }

  private async present(records: readonly CommentRecord[]): Promise<Comment[]> {
    const authors = await this.deps.users.getMany([...new Set(records.map((c) => c.author))]);
    return records.flatMap((c) => {
      const author = authors.get(c.author);
      if (!author) return [];
      const { id, statusId, text, deleted } = c;
      return [
        { id, statusId, author: this.deps.userPresenter.user(author), text, deleted, createdAt: iso(c.createdAt) },
      ];
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
