import { useInfiniteQuery } from '@tanstack/react-query';
import type { Page, User } from '@tweeter/shared';
import { Link } from 'react-router';
import { Avatar } from './avatar.js';

/** A user as one row of a list: avatar, name and @alias, linking to their profile. */
export function UserRow({ user }: { user: User }) {
  return (
    <Link to={`/users/${user.alias}`} className="user-row">
      <Avatar user={user} size={40} />
      <span className="name">
        {user.firstName} {user.lastName}
      </span>{' '}
      <span className="alias">@{user.alias}</span>
    </Link>
  );
}

/** A paged list of users (followers, followees, blocks, mutes), each keyed by its alias for InfiniteList. */
export function useUserPages(queryKey: readonly unknown[], fetchPage: (cursor: string | null) => Promise<Page<User>>) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => ({ ...u, id: u.alias })) })),
    }),
  });
}
