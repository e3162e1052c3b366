import type { Comment, Page, PageQuery } from '@tweeter/shared';
import { decodeCursor, KeyCursor, keysetPage } from '../domain/cursor.js';
import { ForbiddenError, NotFoundError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import type { Clock } from '../ports/clock.js';
import type { AuditRecord, CommentRecord, CommentRepo, StatusRepo, UserRepo } from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';
import type { Visibility } from '../domain/visibility.js';
import type { StatusService } from './statuses.js';
import type { StatusTargets } from './status-targets.js';

/**
 * Comments are the older view of a status's direct replies (kept for older clients and the class-chat flows): a
 * comment posted here is a reply, and every direct reply lists here as a comment (same id, its post as `text`).
 */
export class CommentService {
  constructor(
    private readonly deps: {
      comments: CommentRepo;
      statuses: StatusRepo;
      statusService: Pick<StatusService, 'post' | 'retire'>;
      targets: StatusTargets;
      users: UserRepo;
      userPresenter: UserPresenter;
      clock: Clock;
      visibility: Pick<Visibility, 'isBlocked' | 'blocked'>;
    },
  ) {}

  /** Replies to a status (a reply like any other: it reaches feeds as replies do) and returns it as a comment. */
  async post(viewer: string, statusId: string, text: string): Promise<Comment> {
    const reply = await this.deps.statusService.post(viewer, text, undefined, [], {
      inReplyToId: statusId,
      budget: 'comment',
    });
    return {
      id: reply.id,
      statusId,
      author: reply.author,
      text: reply.post,
      createdAt: reply.createdAt,
      deleted: false,
    };
  }

  /**
   * A status's direct replies as comments, oldest first; deleted ones keep their place with their text emptied.
   * Replies by accounts with a block either way with the viewer are left out (the cursor moves over them: a page
   * may list fewer).
   */
  async list(viewer: string, statusId: string, query: PageQuery): Promise<Page<Comment>> {
    await this.deps.targets.visible(viewer, statusId);
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

  /**
   * Deletes a reply: its author, or the author of the status it answers (audited when it is not their own; the
   * class's teacher deleting a comment on their post). It keeps its place, marked deleted. Idempotent.
   */
  async delete(viewer: string, commentId: string): Promise<void> {
    const comment = await this.deps.comments.get(commentId);
    if (!comment) throw new NotFoundError(`no comment ${commentId}`);
    const parent = await this.deps.statuses.get(comment.statusId);
    if (viewer !== comment.author && viewer !== parent?.author) {
      throw new ForbiddenError('only the comment’s author or the status’s author may delete a comment');
    }
    const reply = comment.deleted ? null : await this.reply(comment);
    if (reply) return this.deps.statusService.retire(reply, viewer);
    await this.deps.comments.softDelete(commentId, { audit: this.audit(viewer, comment) });
  }

  // The reply's status (a comment from before replies were statuses is migrated first).
  private async reply(comment: CommentRecord) {
    return (await this.deps.statuses.get(comment.id)) ?? (await this.deps.targets.adoptComment(comment.id, comment));
  }

  private audit(viewer: string, comment: CommentRecord): AuditRecord | undefined {
    if (viewer === comment.author) return undefined;
    const now = this.deps.clock.now();
    return {
      scope: `status:${comment.statusId}`,
      id: newId(now),
      actor: viewer,
      action: 'comment.delete',
      target: comment.id,
      detail: { author: comment.author },
      createdAt: now,
    };
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
