import type { Page, PageQuery, User } from '@tweeter/shared';
import { decodeCursor, encodeCursor, KeyCursor } from '../domain/cursor.js';
import type { KeyPage, RangeOptions, UserRepo } from '../ports/store.js';
import type { UserPresenter } from './user-presenter.js';

/**
 * One page of a list of aliases (followers, followees, blocks, mutes) as API users, in the list's order, with its
 * cursor. An alias whose account is gone is left out of the page rather than failing it.
 */
export async function userPage(
  deps: { users: Pick<UserRepo, 'getMany'>; userPresenter: UserPresenter },
  query: PageQuery,
  read: (range: RangeOptions) => Promise<KeyPage<string>>,
): Promise<Page<User>> {
  const after = decodeCursor(query.cursor, KeyCursor)?.k;
  const page = await read({ after, limit: query.limit });
  const users = await deps.users.getMany(page.items);
  const items: User[] = [];
  for (const a of page.items) {
    const u = users.get(a);
    if (u) items.push(deps.userPresenter.user(u));
  }
  return { items, nextCursor: page.next ? encodeCursor({ k: page.next }) : null };
}
