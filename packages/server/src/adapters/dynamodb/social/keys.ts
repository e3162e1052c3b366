import type { ReactionTargetType } from '../../../ports/store.js';
import { key, type Key } from '../client.js';

// Every key prefix of the social items on the main table (docs/aws.md, "Boards, messages, reactions, comments").
// Aliases are [a-z0-9_] and ids Crockford base32, so '#' never occurs inside a part.

/** A board: its item, then its members (`MEMBER#<alias>`, the last sort keys of the partition). */
export const boardKey = (boardId: string): Key => ({ pk: key('BOARD', boardId), sk: 'BOARD' });
export const MEMBER_PREFIX = 'MEMBER#';
export const memberKey = (boardId: string, alias: string): Key => ({
  pk: key('BOARD', boardId),
  sk: `${MEMBER_PREFIX}${alias}`,
});
/** gsi1 partitions: public boards, and the boards one alias is a member of. gsi2: boards with a retention. */
export const PUBLIC_BOARDS = 'BOARDS#public';
export const RETAINED_BOARDS = 'BOARDS#retention';
export const membershipsOf = (alias: string): string => key('MEMBERSHIPS', alias);

/** A board's message sequence (its own item, so numbering messages never rewrites the indexed board item). */
export const sequenceKey = (boardId: string): Key => ({ pk: key('MSGSEQ', boardId), sk: 'SEQ' });
/** A board's timeline: one partition, sort key the message id. */
export const messagesOf = (boardId: string): string => key('MSGS', boardId);
export const messageKey = (boardId: string, id: string): Key => ({ pk: messagesOf(boardId), sk: id });

/** A target's reactions (`R#<alias>#<kind>`) and its tally (`COUNT`), in one partition. */
export const reactionsOf = (type: ReactionTargetType, id: string): string => key('REACT', type, id);
export const REACTION_PREFIX = 'R#';
export const reactionKey = (type: ReactionTargetType, id: string, alias: string, kind: string): Key => ({
  pk: reactionsOf(type, id),
  sk: `${REACTION_PREFIX}${alias}#${kind}`,
});
export const reactionCountKey = (type: ReactionTargetType, id: string): Key => ({
  pk: reactionsOf(type, id),
  sk: 'COUNT',
});

/** A status's comments (sort key the comment id), a lookup item per comment id, and the status's count. */
export const commentsOf = (statusId: string): string => key('COMMENTS', statusId);
export const commentKey = (statusId: string, id: string): Key => ({ pk: commentsOf(statusId), sk: id });
export const commentLookupKey = (id: string): Key => ({ pk: key('COMMENT', id), sk: 'COMMENT' });
export const commentCountKey = (statusId: string): Key => ({ pk: key('COMMENTCOUNT', statusId), sk: 'COUNT' });

/** The statuses quoting a status (sort key the quoting status's id) and its quote count. */
export const quotesOf = (statusId: string): string => key('QUOTES', statusId);
export const quoteKey = (statusId: string, id: string): Key => ({ pk: quotesOf(statusId), sk: id });
export const quoteCountKey = (statusId: string): Key => ({ pk: key('QUOTECOUNT', statusId), sk: 'COUNT' });

/** An audit scope's entries, sort key the entry id. */
export const auditOf = (scope: string): string => key('AUDIT', scope);

/**
 * gsi1 attributes that list what one alias wrote, per kind (`R` reactions, `C` comments, `M` board messages), so an
 * account's deletion finds them without a scan. The sort keys are the account-deletion cursors (docs/aws.md).
 */
export function authoredBy(kind: 'R' | 'C' | 'M', alias: string, sk: string): { gsi1pk: string; gsi1sk: string } {
  return { gsi1pk: key('AUTHORED', kind, alias), gsi1sk: sk };
}
