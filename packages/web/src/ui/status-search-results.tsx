import { useInfiniteQuery } from '@tanstack/react-query';
import { InfiniteList } from './infinite-list.js';
import { useServices } from './services.js';
import { StatusItem } from './status-item.js';

/** The Statuses tab of the search page: statuses with every word of `q`, newest first, loading more on scroll. */
export function StatusSearchResults({ q }: { q: string }) {
  const { api } = useServices();
  const query = useInfiniteQuery({
    queryKey: ['search', 'statuses', q],
    queryFn: ({ pageParam }) => api.searchStatuses(q, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    enabled: q.trim() !== '',
  });
  if (q.trim() === '') return <p className="muted">Type words, #hashtags or @names to find statuses.</p>;
  return (
    <InfiniteList
      query={query}
      label="Statuses found"
      what="statuses"
      empty={`No statuses contain every word of "${q}".`}
      render={(s) => <StatusItem status={s} />}
    />
  );
}
