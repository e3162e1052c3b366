import type { QuotedStatus, Status, User } from '@tweeter/shared';
import { idTime } from '../domain/ids.js';

/** The author a status that is gone is shown with: nobody in particular (its author may be gone too). */
export const NOBODY: User = { alias: '', firstName: '', lastName: '', imageUrl: null };

/**
 * A status that keeps its place but shows nothing: a deleted reply in a thread, a quoted status that was deleted or
 * that the viewer may not see. Its time is its id's (ids are ULIDs) unless the caller knows it.
 */
export function tombstone(
  id: string,
  extra: { createdAt?: number; inReplyTo?: Status['inReplyTo'] } = {},
): QuotedStatus {
  let at = extra.createdAt;
  if (at === undefined) {
    try {
      at = idTime(id);
    } catch {
      at = 0; // not an id this server made (a stored reference is trusted, but never a reason for a 500)
    }
  }
  return {
    id,
    author: NOBODY,
    post: '',
    segments: [],
    createdAt: new Date(at).toISOString(),
    media: [],
    reactions: { like: 0, heart: 0, mine: [] },
    commentCount: 0,
    repostCount: 0,
    repostedByMe: false,
    card: null,
    inReplyTo: extra.inReplyTo ?? null,
    quoteId: null,
    replyCount: 0,
    quoteCount: 0,
    deleted: true,
    quote: null,
  };
}
