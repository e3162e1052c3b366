import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/client.js';
import { PersonRow } from './person-row.js';
import { useServices } from './services.js';

/**
 * "Who to follow": a few suggestions (GET /me/suggestions) with Follow buttons. `inline` on an empty feed, where it
 * is the way in; otherwise the card beside the feed.
 */
export function WhoToFollow({ inline = false, count = 5 }: { inline?: boolean; count?: number }) {
  const { api } = useServices();
  const q = useQuery({ queryKey: ['suggestions', count], queryFn: () => api.suggestions(null, count) });
  const title = inline ? 'Find people to follow' : 'Who to follow';
  return (
    <section className="card who-to-follow" aria-labelledby={inline ? 'wtf-inline' : 'wtf-aside'}>
      <h2 id={inline ? 'wtf-inline' : 'wtf-aside'}>{title}</h2>
      {inline && <p className="muted">Your feed is empty for now: follow people to see their posts here.</p>}
      {q.isError && <p role="alert">Failed to load suggestions because of exception: {errorMessage(q.error)}</p>}
      {q.isPending && (
        <p className="loading" role="status">
          Loading...
        </p>
      )}
      {q.data && q.data.items.length === 0 && <p className="muted">No suggestions yet. Try the search box.</p>}
      {q.data && q.data.items.length > 0 && (
        <ul className="items">
          {q.data.items.map((p) => (
            <li key={p.alias}>
              <PersonRow person={p} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
