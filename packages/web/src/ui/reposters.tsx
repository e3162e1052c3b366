import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Avatar } from './avatar.js';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';

/** The "Reposted by" list of a status page: who reposted it, oldest first, each to their page. */
export function Reposters({ statusId }: { statusId: string }) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['reposters', statusId],
    queryFn: ({ pageParam }) => api.reposters(statusId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    select: (data) => ({
      ...data,
      pages: data.pages.map((p) => ({ ...p, items: p.items.map((u) => ({ ...u, id: u.alias })) })),
    }),
  });
  return (
    <>
      <h2 className="section-title">Reposted by</h2>
      <InfiniteList
        query={query}
        label="Reposted by"
        what="reposts"
        empty="No reposts yet."
        render={(u) => (
          <Link to={`/users/${u.alias}`} className="user-row">
            <Avatar user={u} size={40} />
            <span className="name">
              {u.firstName} {u.lastName}
            </span>{' '}
            <span className="alias">@{u.alias}</span>
          </Link>
        )}
      />
    </>
  );
}
