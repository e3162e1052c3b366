import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useServices } from './services.js';

const accountsLabel = (n: number): string => (n === 1 ? '1 person' : `${n} people`);

/** "Trending": the hashtags the most people posted in the last 24 hours, each a link to its page. */
export function TrendsPanel() {
  const { api } = useServices();
  // Trends move slowly (hourly counters): a minute's staleness is fine.
  const query = useQuery({ queryKey: ['trends'], queryFn: () => api.trends(), staleTime: 60_000 });
  const items = query.data?.items ?? [];
  return (
    <aside className="trends" aria-labelledby="trends-title">
      <h2 id="trends-title" className="section-title">
        Trending
      </h2>
      {query.isError ? (
        <p className="muted">Trends are not available right now.</p>
      ) : items.length === 0 ? (
        <p className="muted">{query.isPending ? 'Loading…' : 'No hashtags in the last 24 hours.'}</p>
      ) : (
        <ol className="trend-list">
          {items.map((t) => (
            <li key={t.tag}>
              <Link to={`/tags/${encodeURIComponent(t.tag)}`}>#{t.tag}</Link>
              <span className="muted"> · {accountsLabel(t.accounts)}</span>
            </li>
          ))}
        </ol>
      )}
    </aside>
  );
}
