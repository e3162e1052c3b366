import type { Status } from '@tweeter/shared';
import type { StatusRecord, UserRecord } from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';

/** The replied-to status and its author (as copied at post time), or null. */
export function inReplyTo(
  r: StatusRecord,
  authors: ReadonlyMap<string, UserRecord>,
  presenter: UserPresenter,
): Status['inReplyTo'] {
  if (r.inReplyToId === undefined) return null;
  const parentAuthor = r.inReplyToAuthor === undefined ? undefined : authors.get(r.inReplyToAuthor);
  return {
    id: r.inReplyToId,
    author: parentAuthor
      ? presenter.user(parentAuthor)
      : { alias: r.inReplyToAuthor ?? '', firstName: '', lastName: '', imageUrl: null },
  };
}

/**
 * `JSON.stringify(inReplyTo(...))`, given the replied-to author's record (undefined: not found), from its cached JSON
 * text (`authorJson`: a thread is all replies).
 */
export function inReplyToJson(
  r: StatusRecord,
  parentAuthor: UserRecord | undefined,
  presenter: UserPresenter,
  authorJson: (record: UserRecord) => string,
): string {
  if (r.inReplyToId === undefined) return 'null';
  if (!parentAuthor) return JSON.stringify(inReplyTo(r, NOBODY, presenter));
  return `{"id":${JSON.stringify(r.inReplyToId)},"author":${authorJson(parentAuthor)}}`;
}

const NOBODY: ReadonlyMap<string, UserRecord> = new Map();
