import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import { useEffect, useRef, type ReactNode } from 'react';
import { errorMessage } from '../api/client.js';
import { flatten, type Pages } from '../logic/pages.js';

/**
 * A list that loads more as the reader scrolls to its end ("Loading..."), says when it has
 * reached the end, and shows a load failure with the server's message. The "Load more" button
 * is there for keyboards and for browsers that do not report scrolling.
 */
export function InfiniteList<T extends { id: string }>({
  query,
  label,
  render,
  empty,
  what,
}: {
  query: UseInfiniteQueryResult<Pages<T>>;
  label: string;
  render: (item: T) => ReactNode;
  empty: string;
  what: string;
}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting) && hasNextPage && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: '400px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = flatten(query.data);
  return (
    <section aria-label={label} className="list">
      {query.isError && (
        <p className="list-error" role="alert">
          Failed to load {what} because of exception: {errorMessage(query.error)}{' '}
          <button type="button" onClick={() => void query.refetch()}>
            Try again
          </button>
        </p>
      )}
      <ul className="items">
        {items.map((item) => (
          <li key={item.id}>{render(item)}</li>
        ))}
      </ul>
      <div ref={sentinel} />
      {(query.isPending || isFetchingNextPage) && !query.isError && (
        <p className="loading" role="status">
          Loading...
        </p>
      )}
      {hasNextPage && !isFetchingNextPage && (
        <button type="button" className="load-more" onClick={() => void fetchNextPage()}>
          Load more
        </button>
      )}
      {query.isSuccess && !hasNextPage && <p className="list-end">{items.length ? 'No more items' : empty}</p>}
    </section>
  );
}
