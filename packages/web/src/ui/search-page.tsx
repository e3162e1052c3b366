import { useSearchParams } from 'react-router';
import { StatusSearchResults } from './status-search-results.js';

type Tab = 'people' | 'statuses';

/**
 * /search?q=<q>&type=people|statuses: two tabs over one query. This minimal page carries the Statuses tab; the
 * people search (its own branch) brings the People tab's results and the top bar's search box.
 */
export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const type: Tab = params.get('type') === 'people' ? 'people' : 'statuses';
  const select = (next: Tab) => setParams({ q, type: next });
  return (
    <>
      <h1 className="section-title">Search{q ? `: ${q}` : ''}</h1>
      <div role="tablist" aria-label="Search results" className="tabs">
        {(['people', 'statuses'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`tab-${tab}`}
            aria-selected={type === tab}
            aria-controls={`panel-${tab}`}
            onClick={() => select(tab)}
          >
            {tab === 'people' ? 'People' : 'Statuses'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${type}`} aria-labelledby={`tab-${type}`}>
        {type === 'statuses' ? <StatusSearchResults q={q} /> : <p className="muted">People search is not here yet.</p>}
      </div>
    </>
  );
}
