import type { BoardRole, Comment, Message, Status } from '@tweeter/shared';

/** A board message or a status comment: both are short texts in a thread, soft-deleted in place. */
export type ThreadItem = Message | Comment;

/** What a deleted entry shows instead of its text. */
export function deletedText(kind: 'message' | 'comment'): string {
  return `This ${kind} was deleted.`;
}

/** Shown without a delete button to those the server would refuse (it checks again). */
export function mayDeleteMessage(me: string, message: Message, myRole: BoardRole | null): boolean {
  return message.author.alias === me || myRole === 'owner' || myRole === 'moderator';
}

/** A comment's author, and the author of the status it is on, may delete it. */
export function mayDeleteComment(me: string, comment: Comment, status: Status): boolean {
  return comment.author.alias === me || status.author.alias === me;
}

/** The entry as the server keeps it after a delete: in place, without its text. */
export function markDeleted<T extends ThreadItem>(item: T): T {
  return { ...item, deleted: true, text: '' };
}
