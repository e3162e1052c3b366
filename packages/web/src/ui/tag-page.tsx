import { useInfiniteQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';
import { StatusItem } from './status-item.js';

/** A hashtag's page (/tags/:tag): the statuses with it, newest first. */
export function TagPage() {
  const { api } = useServices();
  const tag = (useParams().tag ?? '').toLowerCase();
  const query = useInfiniteQuery({
    queryKey: ['tag', tag],
    queryFn: ({ pageParam }) => api.tagStatuses(tag, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  return (
    <>
      <h1 className="section-title">#{tag}</h1>
      <InfiniteList
        query={query}
        label={`Statuses with #${tag}`}
        what="statuses"
        empty={`No statuses with #${tag} yet.`}
        render={(s) => <StatusItem status={s} />}
      />
    </>
  );
}
